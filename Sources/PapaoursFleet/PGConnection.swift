import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// One connection to PostgreSQL, finished once when it is released. Blocking, and owned by one
/// thread at a time: the fleet keeps one for writes and one that listens.
public final class PGConnection {
    let handle: OpaquePointer

    /// A NOTIFY received on a channel this connection listens to.
    public struct Notification: Sendable, Equatable {
        public let channel: String
        public let payload: String
        public let senderPID: Int32
    }

    /// Connects with `conninfo` (key=value words or a postgresql:// URI), giving up after
    /// `timeout` seconds (libpq's connect_timeout, which overrides the conninfo's own: the
    /// fleet's promises of answers within 5 s depend on it). A conninfo that holds a
    /// password is refused before anything is sent: passwords come from a passfile.
    public init(conninfo: String, timeout: Int = 5) throws(PGError) {
        if let problem = PGConnection.problem(conninfo: conninfo) {
            throw PGError(sqlState: nil, message: problem, connectionLost: true)
        }
        let keywords = ["dbname", "connect_timeout", "fallback_application_name"]
        let values = [conninfo, String(max(2, timeout)), "papaoursd"]
        let conn = PGConnection.withCStrings(keywords) { k in
            PGConnection.withCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let conn else { throw PGError(sqlState: nil, message: "out of memory connecting to PostgreSQL", connectionLost: true) }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = PGError.message(of: conn)
            PQfinish(conn)
            throw PGError(sqlState: nil, message: "cannot connect to PostgreSQL: \(message)", connectionLost: true)
        }
        handle = conn
        // Fixed so that text values and times read the same whatever the server's defaults.
        _ = try exec("SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'; SET DateStyle = 'ISO'")
    }

    deinit { PQfinish(handle) }

    /// What is wrong with a conninfo, as libpq parses it: nil when it is well formed and holds
    /// no password.
    public static func problem(conninfo: String) -> String? {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            defer { if let error { PQfreemem(error) } }
            var message = error.map { String(cString: $0) } ?? "cannot be parsed"
            while message.last == "\n" { message.removeLast() }
            return "the conninfo is not valid: \(message)"
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val, value.pointee != 0 {
                return "the conninfo holds a password: put it in a passfile (~/.pgpass, or passfile=) instead"
            }
            option += 1
        }
        return nil
    }

    /// Whether the connection is still usable, as far as libpq knows.
    public var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// The connection's descriptor, to poll(2) for notifications.
    public var socket: Int32 { PQsocket(handle) }

    /// The server's version, such as 150018 for 15.18.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    // MARK: Statements

    /// Runs SQL without parameters (it may hold several statements); the last one's result.
    @discardableResult
    public func exec(_ sql: String) throws(PGError) -> PGResult {
        try checked(PQexec(handle, sql), binary: false)
    }

    /// Runs one statement with `$1…` parameters; `binary` asks for the result in binary.
    @discardableResult
    public func exec(_ sql: String, _ parameters: [PGValue], binary: Bool = false) throws(PGError) -> PGResult {
        let types = parameters.map(\.oid)
        let formats = parameters.map { Int32($0.isBinary ? 1 : 0) }
        let wires = parameters.map(\.wire)
        let lengths = wires.map { Int32($0?.count ?? 0) }
        // Each value copied once into memory that lives for the call, NUL-terminated (libpq reads
        // text parameters up to their NUL, ignoring their length); NULL stays a null pointer.
        let buffers: [UnsafeMutablePointer<CChar>?] = wires.map { wire in
            guard let wire else { return nil }
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: wire.count + 1)
            wire.withUnsafeBytes { raw in
                if let base = raw.baseAddress { UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: wire.count) }
            }
            buffer[wire.count] = 0
            return buffer
        }
        defer { for buffer in buffers { buffer?.deallocate() } }
        let values = buffers.map { UnsafePointer($0) }
        let result = PQexecParams(handle, sql, Int32(parameters.count), types, values, lengths, formats, binary ? 1 : 0)
        return try checked(result, binary: binary)
    }

    /// `COPY <target> FROM STDIN` in text format, rows sent in chunks of about 256 KiB; the
    /// number of rows copied.
    @discardableResult
    public func copy(into target: String, rows: some Sequence<[PGValue]>) throws(PGError) -> Int {
        let started = PQexec(handle, "COPY \(target) FROM STDIN")
        guard let started, PQresultStatus(started) == PGRES_COPY_IN else {
            _ = try checked(started, binary: false)
            throw PGError(sqlState: nil, message: "COPY \(target) did not start", connectionLost: !isConnected)
        }
        PQclear(started)
        var chunk: [UInt8] = []
        chunk.reserveCapacity(300_000)
        var count = 0
        func flush() -> Bool {
            defer { chunk.removeAll(keepingCapacity: true) }
            return chunk.isEmpty || chunk.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) == 1 }
            }
        }
        var sent = true
        for row in rows where sent {
            for (i, value) in row.enumerated() {
                if i > 0 { chunk.append(0x09) }
                chunk += value.copyText
            }
            chunk.append(0x0A)
            count += 1
            if chunk.count >= 256 << 10 { sent = flush() }
        }
        if sent { sent = flush() }
        let ended = PQputCopyEnd(handle, sent ? nil : "papaoursd could not send the rows") == 1
        var failure: PGError?
        while let result = PQgetResult(handle) {
            do { _ = try checked(result, binary: false) } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
        guard sent, ended else {
            throw PGError(sqlState: nil, message: "COPY \(target) failed: \(PGError.message(of: handle))", connectionLost: !isConnected)
        }
        return count
    }

    /// A result that holds an error becomes a PGError; any other is returned, to be cleared once.
    private func checked(_ result: OpaquePointer?, binary: Bool) throws(PGError) -> PGResult {
        guard let result else {
            throw PGError(sqlState: nil, message: PGError.message(of: handle), connectionLost: !isConnected)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
            return PGResult(result, binary: binary)
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            var message = PQresultErrorMessage(result).map { String(cString: $0) } ?? ""
            while message.last == "\n" { message.removeLast() }
            if message.isEmpty { message = PGError.message(of: handle) }
            PQclear(result)
            throw PGError(sqlState: state, message: message, connectionLost: !isConnected)
        }
    }

    // MARK: Notifications

    /// LISTENs to `channel` (an identifier, quoted here).
    public func listen(_ channel: String) throws(PGError) {
        try exec("LISTEN \(PGConnection.identifier(channel))")
    }

    /// Reads what has arrived on the socket without blocking, then every notification received.
    public func notifications() throws(PGError) -> [Notification] {
        guard PQconsumeInput(handle) == 1 else {
            throw PGError(sqlState: nil, message: PGError.message(of: handle), connectionLost: !isConnected)
        }
        var received: [Notification] = []
        while let notify = PQnotifies(handle) {
            let n = notify.pointee
            received.append(Notification(channel: String(cString: n.relname), payload: n.extra.map { String(cString: $0) } ?? "",
                                         senderPID: n.be_pid))
            PQfreemem(notify)
        }
        return received
    }

    // MARK: Helpers

    /// `name` as a quoted SQL identifier.
    public static func identifier(_ name: String) -> String {
        "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
