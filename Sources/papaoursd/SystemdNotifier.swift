import CPapaoursSystem
#if canImport(Glibc)
import Glibc
#endif

/// sd_notify(3) spoken directly: one datagram to $NOTIFY_SOCKET per state change. No
/// libsystemd dependency for four short messages.
struct SystemdNotifier: Sendable {
    let path: String?
    /// Half of WATCHDOG_USEC in milliseconds, when systemd asked for pings.
    let watchdogInterval: Int64?

    init() {
        path = getenv("NOTIFY_SOCKET").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        var interval: Int64?
        if let usec = getenv("WATCHDOG_USEC").flatMap({ Int64(String(cString: $0)) }), usec > 0 {
            let pid = getenv("WATCHDOG_PID").flatMap { Int32(String(cString: $0)) }
            if pid == nil || pid == getpid() { interval = max(1, usec / 2000) }
        }
        watchdogInterval = interval
    }

    @discardableResult
    func send(_ message: String) -> Bool {
        guard let path else { return false }
        var bytes = Array(message.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                papa_notify_send(path, $0, buffer.count - 1) == 0
            }
        }
    }
}
