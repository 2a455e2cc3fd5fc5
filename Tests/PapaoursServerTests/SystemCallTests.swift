#if canImport(Glibc)
import Glibc
#endif
@testable import PapaoursServer
import Testing

/// The event loop's system-call gate.
@Suite struct SystemCallTests {
    @Test func anInterruptedCallIsRetried() throws {
        var calls = 0
        let result = SystemCall.run("test") { () -> Int in
            calls += 1
            if calls == 1 { errno = EINTR; return -1 }
            return 5
        }
        #expect(try result.get() == 5)
        #expect(calls == 2)
    }

    @Test func aFailureComesBackAsItsErrno() {
        let result = SystemCall.run("test") { () -> Int in errno = EAGAIN; return -1 }
        #expect(throws: Errno(code: EAGAIN)) { try result.get() }
        #expect(Errno(code: EAGAIN).wouldBlock && Errno(code: EMFILE).outOfDescriptors)
    }

    @Test func aBadDescriptorIsABugThatStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            _ = SystemCall.run("read") { read(-1, nil, 0) }
        }
    }
}
