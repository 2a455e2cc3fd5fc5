#if canImport(Glibc)
import Glibc
#endif

/// The datagram socket a daemon's sd_notify messages arrive on ($NOTIFY_SOCKET).
final class NotifySocket {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BenchError("cannot create the notify socket: \(errorText())") }
        unlink(path)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw BenchError("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { throw BenchError("cannot bind the notify socket \(path): \(errorText())") }
    }

    deinit { close(fd) }

    /// Throws away messages of earlier starts.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while buffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }) >= 0 {}
    }

    /// Waits until a message holding READY=1 arrives; gives up when `child` exits or at the deadline.
    func waitForReady(_ child: Child, timeout: Double) throws {
        let deadline = Clock.now() + UInt64(timeout * 1e9)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&pfd, 1, 20)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 {
                let message = String(decoding: buffer[0..<n], as: UTF8.self)
                if message.split(separator: "\n").contains("READY=1") { return }
                continue
            }
            if !child.isRunning {
                throw BenchError("\(child.name) exited before it was ready:\n\(child.logTail())")
            }
            if Clock.now() > deadline {
                throw BenchError("\(child.name) not ready after \(timeout) s:\n\(child.logTail())")
            }
        }
    }
}
