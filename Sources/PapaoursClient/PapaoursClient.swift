import PapaoursCore
import PapaoursProtocol
import Synchronization

/// A blocking client of papaoursd over its Unix socket.
///
/// Threads: one connection, guarded by a lock (`Locked`); a request (or a pipelined
/// batch) holds it for its whole round trip, so calls from several threads
/// are safe and are served one after the other. A service that needs
/// parallel requests uses one client per thread.
///
/// Reconnection: the connection is opened on first use and reopened once
/// when it turns out broken (EPIPE, ECONNRESET, EOF before the final line).
/// The request is sent again when it certainly was not executed (not one
/// byte of it was written) or when sending it twice does no harm: every verb
/// but `MACHINE CREATE`, `KEY CREATE`, `KEY IMPORT`, `MACHINE DELETE`, `QUIT`,
/// `BACKUP` and the `IMPORT` verbs (see `isRetryable`). Otherwise the caller
/// gets `.connectionLost` and must check what happened (a create may or may
/// not have been applied). `backup(to:)` and `importRecords(_:)` hold the
/// connection for their whole exchange and never send anything twice.
public final class PapaoursClient: Sendable {
    public static let defaultSocketPath = "/run/papaours/papaoursd.sock"
    /// A pipelined batch is written in groups of at most this many bytes, each
    /// group's replies read before the next is written, so that neither side
    /// can block forever on a full socket buffer.
    static let pipelineWindow = 16 * 1024

    public let socketPath: String
    /// Longest wait for the socket to take a request or give a reply; nil waits forever.
    public let timeout: Duration?
    private let connection = Locked<Connection?>(nil)

    public init(socketPath: String = PapaoursClient.defaultSocketPath, timeout: Duration? = .seconds(30)) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    /// Opens the connection now (requests open it anyway when needed), so that
    /// "cannot reach papaoursd" shows up before any work.
    public func connect() throws(ClientError) {
        let path = socketPath
        let timeout = timeout
        try connection.withLock { (slot: inout Connection?) throws(ClientError) in
            if slot == nil { slot = try Connection.open(path: path, timeout: timeout) }
        }
    }

    /// Closes the connection; the next request opens a new one.
    public func close() {
        connection.withLock { $0 = nil }
    }

    /// Whether a request may be sent a second time after the connection broke
    /// while it may have been executed.
    public static func isRetryable(_ verb: Verb) -> Bool {
        switch verb {
        case .machineCreate, .keyCreate, .keyImport, .machineDelete, .quit, .backup,
             .importBegin, .importMachine, .importKey, .importEvent, .importCommit,
             .keyRotate: false
        default: true
        }
    }

    /// Sends one request and reads its whole reply. `NO` and `BAD` come back as
    /// replies (see `Reply.checked()`); only transport and protocol failures throw.
    public func send(_ request: Request) throws(ClientError) -> Reply {
        try send(pipelined: [request])[0]
    }

    /// Sends several requests without waiting, then reads their replies, which
    /// come back in request order: `result[i]` answers `requests[i]`.
    public func send(pipelined requests: [Request]) throws(ClientError) -> [Reply] {
        if requests.isEmpty { return [] }
        var lines: [[UInt8]] = []
        lines.reserveCapacity(requests.count)
        for request in requests { lines.append(try Self.line(of: request)) }
        let path = socketPath
        let timeout = timeout
        return try connection.withLock { (slot: inout Connection?) throws(ClientError) -> [Reply] in
            var replies: [Reply] = []
            replies.reserveCapacity(requests.count)
            var retried = false
            while true {
                let open = try Self.reuse(&slot, path: path, timeout: timeout)
                do throws(ExchangeFailure) {
                    try Self.exchange(on: open, requests: requests, lines: lines, replies: &replies, slot: &slot)
                    return replies
                } catch {
                    slot = nil
                    switch error {
                    case .broken(let maybeExecuted, let errno):
                        let unanswered = requests[replies.count...]
                        if !retried && (!maybeExecuted || unanswered.allSatisfy({ Self.isRetryable($0.verb) })) {
                            retried = true
                            continue
                        }
                        let detail = maybeExecuted
                            ? "the connection to papaoursd broke before its reply; the request may or may not have been applied"
                            : "the connection to papaoursd broke"
                        throw ClientError(.connectionLost, detail: detail, errno: errno, socketPath: path)
                    case .timedOut:
                        throw ClientError(.timedOut, detail: "papaoursd did not answer in time", socketPath: path)
                    case .client(let failure):
                        throw failure
                    }
                }
            }
        }
    }

    /// Runs `body` holding the connection from its first byte to its last, for exchanges
    /// that must stay on one connection or must never be sent twice (BACKUP, an import).
    /// An idle connection the daemon has closed is replaced first; after that nothing is
    /// retried: a broken connection is `.connectionLost`, and the connection is dropped.
    func exclusively<T: Sendable>(_ body: (Connection) throws(ExchangeFailure) -> T) throws(ClientError) -> T {
        let path = socketPath
        let timeout = timeout
        return try connection.withLock { (slot: inout Connection?) throws(ClientError) -> T in
            if let current = slot, current.isStale { slot = nil }
            let open = try Self.reuse(&slot, path: path, timeout: timeout)
            do throws(ExchangeFailure) {
                return try body(open)
            } catch {
                slot = nil
                switch error {
                case .broken(let maybeExecuted, let errno):
                    let detail = maybeExecuted
                        ? "the connection to papaoursd broke before its reply; the request may or may not have been applied"
                        : "the connection to papaoursd broke; nothing was applied"
                    throw ClientError(.connectionLost, detail: detail, errno: errno, socketPath: path)
                case .timedOut:
                    throw ClientError(.timedOut, detail: "papaoursd did not answer in time", socketPath: path)
                case .client(let failure):
                    throw failure
                }
            }
        }
    }

    /// The line of a request, LF included, or why it cannot be sent. An overlong line is
    /// refused here: the server would answer BAD too-long and hang up.
    static func line(of request: Request) throws(ClientError) -> [UInt8] {
        if let problem = unwritable(request) { throw ClientError.refused("invalid", problem) }
        var line = request.encoded()
        line.append(0x0A)
        guard line.count <= Tokenizer.maxLineLength else {
            throw ClientError.bad("too-long", "the request line is \(line.count) bytes; the limit is \(Tokenizer.maxLineLength)")
        }
        return line
    }

    /// Why a request cannot be sent as it is: a value holding a control character
    /// other than LF, CR and TAB, which the protocol cannot carry (the encoder could
    /// only write it as a space, and the value would be stored altered).
    static func unwritable(_ request: Request) -> String? {
        let values = request.arguments.map { ("an argument", $0) } + request.attributes.sorted { $0.key < $1.key }.map { ($0.key + "=", $0.value) }
        for (name, value) in values {
            guard let control = value.unicodeScalars.first(where: { ($0.value < 0x20 && !["\n", "\r", "\t"].contains($0)) || $0.value == 0x7F })
            else { continue }
            let hex = String(control.value, radix: 16, uppercase: true)
            return "\(name) contains the control character U+\(String(repeating: "0", count: 4 - hex.count) + hex), which the protocol cannot carry"
        }
        return nil
    }

    /// Writes the unanswered requests window by window and reads their replies
    /// into `replies`. Drops the connection after a reply the server hangs up after.
    /// The open connection in `slot`, or a new one put there.
    static func reuse(_ slot: inout Connection?, path: String, timeout: Duration?) throws(ClientError) -> Connection {
        if let current = slot { return current }
        let open = try Connection.open(path: path, timeout: timeout)
        slot = open
        return open
    }

    private static func exchange(on open: Connection, requests: [Request], lines: [[UInt8]],
                                 replies: inout [Reply], slot: inout Connection?) throws(ExchangeFailure) {
        while replies.count < requests.count {
            var window: [UInt8] = []
            var end = replies.count
            while end < lines.count && (window.isEmpty || window.count + lines[end].count <= pipelineWindow) {
                window += lines[end]
                end += 1
            }
            do {
                try open.write(window)
            } catch {
                // A daemon that refuses the connection (`NO busy`) answers and hangs up before
                // reading anything: the write then fails, but its reply is there to be read.
                guard case .broken = error, let early = try? readReply(on: open),
                      early.final.kind == .no(code: "busy") else { throw error }
                replies.append(early)
                slot = nil
                if replies.count < requests.count { throw .broken(maybeExecuted: false, errno: nil) }
                return
            }
            while replies.count < end {
                let reply = try readReply(on: open)
                replies.append(reply)
                if hangsUp(after: reply, to: requests[replies.count - 1]) {
                    slot = nil
                    // The server dropped what followed unread: send the rest on a new connection.
                    if replies.count < requests.count { throw .broken(maybeExecuted: false, errno: nil) }
                    return
                }
            }
        }
    }

    /// Data lines up to and including the final line.
    static func readReply(on open: Connection) throws(ExchangeFailure) -> Reply {
        var items: [ReplyLine] = []
        while true {
            let bytes = try open.readLine()
            let line: ReplyLine
            do {
                line = try ReplyLine.parse(bytes)
            } catch {
                throw .client(.violation("unreadable reply line: \(error.message)"))
            }
            if line.isFinal { return Reply(items: items, final: line) }
            items.append(line)
        }
    }

    /// QUIT, `BAD too-long` and `NO busy` end the connection on the server's side.
    private static func hangsUp(after reply: Reply, to request: Request) -> Bool {
        switch reply.final.kind {
        case .ok: request.verb == .quit
        case .bad(let code): code == "too-long"
        case .no(let code): code == "busy"
        case .item: false
        }
    }
}
