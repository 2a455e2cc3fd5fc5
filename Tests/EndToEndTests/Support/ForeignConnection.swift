import Foundation

/// A connection held open by socat running as another uid (setpriv), for as long as this lives.
final class ForeignConnection {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer: [UInt8] = []

    init(uid: UInt32, socket: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--", "socat", "-", "UNIX-CONNECT:\(socket)"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    deinit {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    func send(_ line: String) { try? input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8)) }

    /// The next line the daemon sent, or nil after `timeout` seconds or at EOF.
    func readLine(timeout: Double = 5) -> String? {
        let fd = output.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let lf = buffer.firstIndex(of: 0x0A) {
                defer { buffer.removeSubrange(0...lf) }
                return String(decoding: buffer[0..<lf], as: UTF8.self)
            }
            let left = deadline.timeIntervalSinceNow
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard left > 0, poll(&pfd, 1, Int32(left * 1000)) > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return nil }
            buffer += chunk[0..<n]
        }
    }

    /// PING, and its reply; or the NO busy sent at once, read before writing anything (a write to
    /// a socket closed with unread data would make the read fail with ECONNRESET).
    func ping() -> String? {
        if let early = readLine(timeout: 0.3) { return early }
        send("PING")
        return readLine()
    }
}
