import CPapaoursSystem
import Glibc

/// How an exchange on an open connection failed, before it becomes a `ClientError`.
enum ExchangeFailure: Error {
    /// EPIPE, ECONNRESET or EOF. `maybeExecuted` is false when the requests
    /// certainly were not executed (not one byte of them reached the socket).
    case broken(maybeExecuted: Bool, errno: Int32?)
    case timedOut
    case client(ClientError)
}

/// One connected socket and its read buffer. Not thread-safe: the client
/// owns it under its mutex.
final class Connection {
    /// A reply line longer than this is not the protocol (records are far smaller).
    static let maxReplyLine = 1 << 20

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    private init(fd: Int32) { self.fd = fd }

    deinit { _ = Glibc.close(fd) }

    /// `papa_unix_connect`: a blocking, close-on-exec Unix stream socket.
    static func open(path: String, timeout: Duration?) throws(ClientError) -> Connection {
        let fd = papa_unix_connect(path)
        if fd == -2 {
            throw ClientError(.pathTooLong, detail: "the socket path is longer than a Unix socket address allows",
                              errno: ENAMETOOLONG, socketPath: path)
        }
        if fd < 0 {
            let code = papa_errno()
            let kind: ClientError.Code = switch code {
            case ENOENT, ECONNREFUSED, ENOTDIR: .notRunning
            case EACCES, EPERM: .permissionDenied
            default: .cannotConnect
            }
            throw ClientError(kind, detail: String(cString: strerror(code)), errno: code, socketPath: path)
        }
        let connection = Connection(fd: fd)
        if let timeout { connection.setTimeout(timeout) }
        return connection
    }

    /// SO_RCVTIMEO and SO_SNDTIMEO, so that a hung daemon cannot hang the caller.
    private func setTimeout(_ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        if value.tv_sec == 0 && value.tv_usec == 0 { value.tv_usec = 1 }
        let size = socklen_t(MemoryLayout<timeval>.size)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, size)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, size)
    }

    /// Writes all of `bytes`. MSG_NOSIGNAL: a closed peer gives EPIPE, not SIGPIPE.
    func write(_ bytes: [UInt8]) throws(ExchangeFailure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n >= 0 {
                offset += n
                continue
            }
            let code = papa_errno()
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: throw .timedOut
            case EPIPE, ECONNRESET, ENOTCONN: throw .broken(maybeExecuted: offset > 0, errno: code)
            default: throw .client(ClientError(.connectionLost, detail: "send: " + String(cString: strerror(code)), errno: code))
            }
        }
    }

    /// Writes `bytes` with `passing` attached (SCM_RIGHTS) to the first sendmsg, then the
    /// rest, if any, as `write` does. The descriptor goes with the first byte or not at all.
    func write(_ bytes: [UInt8], passing passed: Int32) throws(ExchangeFailure) {
        while true {
            let n = bytes.withUnsafeBytes { papa_send_with_fd(fd, $0.baseAddress!, $0.count, passed) }
            if n > 0 {
                if n < bytes.count { try writeRest(Array(bytes[n...])) }
                return
            }
            let code = papa_errno()
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: throw .timedOut
            case EPIPE, ECONNRESET, ENOTCONN: throw .broken(maybeExecuted: false, errno: code)
            default: throw .client(ClientError(.connectionLost, detail: "sendmsg: " + String(cString: strerror(code)), errno: code))
            }
        }
    }

    /// The rest of a request whose start went: a break now may leave it executed.
    private func writeRest(_ bytes: [UInt8]) throws(ExchangeFailure) {
        do {
            try write(bytes)
        } catch {
            if case .broken(_, let errno) = error { throw .broken(maybeExecuted: true, errno: errno) }
            throw error
        }
    }

    /// True when an idle connection has something to read: the daemon closed it (EOF), or
    /// sent what nobody asked for. Either way it is no use for a new exchange.
    var isStale: Bool {
        var probe = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return start < buffer.count || poll(&probe, 1, 0) != 0
    }

    /// The next line, without its LF. EOF in the middle of a line is a broken connection.
    func readLine() throws(ExchangeFailure) -> [UInt8] {
        var scanned = 0  // bytes after `start` known to hold no LF; `fill` may move `start`
        while true {
            if let lf = buffer[(start + scanned)...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<lf])
                start = lf + 1
                if start == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    start = 0
                }
                return line
            }
            scanned = buffer.count - start
            if buffer.count - start > Connection.maxReplyLine {
                throw .client(.violation("a reply line is longer than \(Connection.maxReplyLine) bytes"))
            }
            try fill()
        }
    }

    /// Reads what the socket has into the buffer, compacting it first.
    private func fill() throws(ExchangeFailure) {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
                return
            }
            if n == 0 { throw .broken(maybeExecuted: true, errno: nil) }
            let code = papa_errno()
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: throw .timedOut
            case ECONNRESET, EPIPE: throw .broken(maybeExecuted: true, errno: code)
            default: throw .client(ClientError(.connectionLost, detail: "read: " + String(cString: strerror(code)), errno: code))
            }
        }
    }
}
