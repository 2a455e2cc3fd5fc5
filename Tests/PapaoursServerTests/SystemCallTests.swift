import Foundation
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

    /// Off in the shared test process: Swift Testing's exit-test monitor then reaps every child
    /// of the process (waitid on all), so Foundation's Process never learns that a papaoursd it
    /// started exited, and the end-to-end tests' waitUntilExit spins forever (hangs seen in CI).
    /// Run it alone: PAPAOURS_EXIT_TESTS=1 swift test --filter aBadDescriptorIsABug
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PAPAOURS_EXIT_TESTS"] == "1"))
    func aBadDescriptorIsABugThatStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            _ = SystemCall.run("read") { read(-1, nil, 0) }
        }
    }
}
