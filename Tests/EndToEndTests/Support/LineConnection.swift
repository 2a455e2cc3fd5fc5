import CPapaoursSystem
import Foundation
import PapaoursProtocol

/// A raw protocol connection: send bytes, read reply lines (with a timeout).
final class LineConnection {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws {
        fd = papa_unix_connect(path)
        guard fd >= 0 else { throw DaemonError(message: "cannot connect to \(path): errno \(errno)") }
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// One line without its LF, or nil at EOF or after `timeout` seconds.
    func readLine(timeout: Double = 10) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let lf = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[0..<lf])
                buffer.removeSubrange(0...lf)
                return String(decoding: line, as: UTF8.self)
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return nil }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, Int32(left * 1000)) > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            buffer += chunk[0..<n]
        }
    }

    /// Sends one request line and reads its reply: data lines, then the final line.
    func request(_ line: String) -> [String] {
        send(line + "\n")
        return readReply()
    }

    func readReply() -> [String] {
        var lines: [String] = []
        while let line = readLine() {
            lines.append(line)
            if line.hasPrefix("OK") || line.hasPrefix("NO ") || line.hasPrefix("BAD ") { break }
        }
        return lines
    }

    /// The final line of a request, parsed.
    func call(_ line: String) -> ReplyLine {
        let reply = request(line)
        return (try? ReplyLine.parse(Array((reply.last ?? "").utf8))) ?? ReplyLine(kind: .bad(code: "no-reply"))
    }

    /// True when the server closed the connection (EOF within the timeout).
    func isClosedByPeer(timeout: Double = 5) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(timeout * 1000)) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK)) == 0
    }
}

extension ReplyLine {
    var code: String? {
        switch kind {
        case .no(let code), .bad(let code): code
        default: nil
        }
    }
    var isOK: Bool { kind == .ok }
}

/// Runs `lines` through socat as another user (setpriv), returning each output line.
func runAsUser(uid: UInt32, gid: UInt32, socket: String, lines: [String]) throws -> [String] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
    p.arguments = ["--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--", "socat", "-t", "5", "-", "UNIX-CONNECT:\(socket)"]
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = output
    try p.run()
    try? input.fileHandleForWriting.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
}
