import CPapaoursSystem
import Foundation

/// One response as read off the wire.
struct HTTPReply {
    let status: Int
    /// Field names in lowercase.
    let fields: [(name: String, value: String)]
    let body: String

    func value(_ name: String) -> String? { fields.first { $0.name == name.lowercased() }?.value }
    var reason: String? { value("x-papaours-reason") }
}

/// A raw HTTP/1.1 client connection to the gate, over TCP or its Unix socket.
final class HTTPConnection {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, status == 0 else { throw DaemonError(message: "cannot connect to 127.0.0.1:\(port): errno \(errno)") }
    }

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

    /// A GET with the given fields, then its response.
    func get(_ target: String, _ fields: [String: String] = [:]) -> HTTPReply? {
        send(HTTPConnection.request(target, fields))
        return readReply()
    }

    static func request(_ target: String, _ fields: [String: String] = [:], method: String = "GET") -> String {
        "\(method) \(target) HTTP/1.1\r\nHost: gate\r\n" + fields.map { "\($0.key): \($0.value)\r\n" }.joined() + "\r\n"
    }

    /// The next response (head and Content-Length body, none after a HEAD), or nil at EOF or after `timeout` seconds.
    func readReply(timeout: Double = 10, head: Bool = false) -> HTTPReply? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let reply = takeReply(head: head) { return reply }
            guard fill(until: deadline) else { return nil }
        }
    }

    private func takeReply(head: Bool) -> HTTPReply? {
        let end = Array("\r\n\r\n".utf8)
        guard let headEnd = (0..<max(0, buffer.count - 3)).first(where: { Array(buffer[$0..<$0 + 4]) == end }) else { return nil }
        let lines = String(decoding: buffer[0..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        let fields = lines.dropFirst().map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":")!
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = head ? 0 : Int(fields.first { $0.name == "content-length" }?.value ?? "0") ?? 0
        guard buffer.count >= headEnd + 4 + length else { return nil }
        let body = String(decoding: buffer[(headEnd + 4)..<(headEnd + 4 + length)], as: UTF8.self)
        buffer.removeSubrange(0..<(headEnd + 4 + length))
        return HTTPReply(status: status, fields: fields, body: body)
    }

    private func fill(until deadline: Date) -> Bool {
        let left = deadline.timeIntervalSinceNow
        guard left > 0 else { return false }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(left * 1000)) > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer += chunk[0..<n]
        return true
    }

    /// True when the server closed the connection (EOF within the timeout), once buffered replies are read.
    func isClosedByPeer(timeout: Double = 5) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(timeout * 1000)) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK)) == 0
    }
}

/// A free loopback TCP port, as the kernel picks one.
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Int32 in
            _ = bind(fd, p, length)
            return getsockname(fd, p, &length)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
