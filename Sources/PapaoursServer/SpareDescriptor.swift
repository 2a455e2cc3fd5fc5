import CPapaoursSystem
import Glibc
import PapaoursCore

/// One descriptor kept open for the whole daemon and freed when it is out of descriptors, so
/// that a client can still be told `NO busy` instead of waiting in the backlog. Every accept
/// of every loop goes through its lock: the descriptor freed for a refusal is taken by that
/// refusal, never by another loop's accept (which would keep it, and leave no spare).
final class SpareDescriptor: Sendable {
    private let spare: Locked<Int32>

    init() {
        spare = Locked(open("/dev/null", O_RDONLY | O_CLOEXEC))
    }

    /// accept4(2) on a listener, under the lock. A spare lost (another thread took the number
    /// while it was lent out) is taken back first: a number freed since goes to the spare, not
    /// to a client that would then hold it for as long as it stays connected.
    func accept(_ listenFD: Int32) -> Result<Int32, Errno> {
        spare.withLock { fd in
            if fd < 0 { fd = open("/dev/null", O_RDONLY | O_CLOEXEC) }
            return SystemCall.run("accept4", { papa_accept(listenFD) })
        }
    }

    /// Out of descriptors: frees the spare, accepts one client, hands it to `refuse` (which
    /// answers and closes it) and takes the spare back. False when there was no spare to free
    /// or no client to take.
    func refuseOne(on listenFD: Int32, _ refuse: (Int32) -> Void) -> Bool {
        spare.withLock { fd in
            if fd < 0 { fd = open("/dev/null", O_RDONLY | O_CLOEXEC) }
            guard fd >= 0 else { return false }
            Glibc.close(fd)
            let accepted = try? SystemCall.run("accept4", { papa_accept(listenFD) }).get()
            if let accepted { refuse(accepted) }
            fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
            return accepted != nil
        }
    }

    func close() {
        spare.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }
}
