/// Why a request did not get an `OK`: the daemon could not be reached, the
/// connection broke, the reply was not the protocol, or the daemon answered
/// `NO` / `BAD`. `Code` is a struct so that new codes do not break callers.
public struct ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The socket does not exist or nobody listens on it (ENOENT, ECONNREFUSED).
        public static let notRunning = Code("not-running")
        /// The socket exists but this user may not connect to it (EACCES, EPERM).
        public static let permissionDenied = Code("permission-denied")
        /// The socket path does not fit in `sockaddr_un`; it is never cut.
        public static let pathTooLong = Code("path-too-long")
        /// Any other failure of socket(2) or connect(2).
        public static let cannotConnect = Code("cannot-connect")
        /// The connection broke (EOF, EPIPE, ECONNRESET) before the final reply line.
        public static let connectionLost = Code("connection-lost")
        /// No reply within the client's timeout; the connection was dropped.
        public static let timedOut = Code("timed-out")
        /// The daemon sent something that is not protocol version 1.
        public static let protocolViolation = Code("protocol-violation")
        /// `NO <code> <text>`: understood and refused. See `replyCode`.
        public static let refused = Code("refused")
        /// `BAD <code> <text>`: not understood. See `replyCode`.
        public static let bad = Code("bad")

        public var description: String { name }
    }

    public let code: Code
    /// The NO or BAD code (`not-found`, `syntax`, …); nil for other errors.
    public let replyCode: String?
    /// The server's text for NO and BAD; an English explanation otherwise.
    public let detail: String
    /// The errno behind a connection error, when there is one.
    public let errno: Int32?
    /// The socket path for connection errors.
    public let socketPath: String?

    public init(_ code: Code, replyCode: String? = nil, detail: String, errno: Int32? = nil, socketPath: String? = nil) {
        self.code = code
        self.replyCode = replyCode
        self.detail = detail
        self.errno = errno
        self.socketPath = socketPath
    }

    /// The error for a `NO <code> <text>` reply.
    public static func refused(_ code: String, _ text: String) -> ClientError {
        ClientError(.refused, replyCode: code, detail: text)
    }

    /// The error for a `BAD <code> <text>` reply.
    public static func bad(_ code: String, _ text: String) -> ClientError {
        ClientError(.bad, replyCode: code, detail: text)
    }

    static func violation(_ detail: String) -> ClientError {
        ClientError(.protocolViolation, detail: detail)
    }

    /// True for the errors that mean "papaoursd is not there for us".
    public var isConnectionError: Bool {
        [.notRunning, .permissionDenied, .pathTooLong, .cannotConnect].contains(code)
    }

    public var description: String {
        switch code {
        case .refused: "NO \(replyCode ?? "") \(detail)"
        case .bad: "BAD \(replyCode ?? "") \(detail)"
        default: socketPath.map { "\(code) (\($0)): \(detail)" } ?? "\(code): \(detail)"
        }
    }
}
