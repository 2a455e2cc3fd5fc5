import CPapaoursSystem
#if canImport(Glibc)
import Glibc
#endif

/// The errno of a failed system call, named.
struct Errno: Error, Equatable, CustomStringConvertible {
    let code: Int32
    var description: String { String(cString: strerror(code)) }
    var wouldBlock: Bool { code == EAGAIN || code == EWOULDBLOCK }
    var outOfDescriptors: Bool { code == EMFILE || code == ENFILE }
}

/// The one gate system calls of the event loop go through: EINTR is retried here and nowhere
/// else, a failure comes back as its errno, and EBADF or EFAULT, which only a bug of ours can
/// cause (a descriptor closed twice, a wrong buffer), stop the daemon rather than pass for a
/// peer's error.
enum SystemCall {
    static func run<Value: BinaryInteger>(_ name: StaticString, _ call: () -> Value) -> Result<Value, Errno> {
        while true {
            let value = call()
            if value >= 0 { return .success(value) }
            let code = papa_errno()
            if code == EINTR { continue }
            if code == EBADF || code == EFAULT { fatalError("\(name) failed with \(Errno(code: code)): a bug in papaoursd") }
            return .failure(Errno(code: code))
        }
    }
}

extension SystemCall {
    /// close(2), once: never retried (on Linux the descriptor is gone even when it says EINTR),
    /// and EBADF, a descriptor closed twice, stops the daemon.
    static func close(_ fd: Int32) {
        if Glibc.close(fd) != 0 && papa_errno() == EBADF { fatalError("close(\(fd)) failed with EBADF: a bug in papaoursd") }
    }
}
