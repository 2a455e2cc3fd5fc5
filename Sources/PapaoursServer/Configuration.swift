import PapaoursCore

/// Everything papaoursd.conf(5) can set, with its defaults.
public struct Configuration: Sendable, Equatable {
    public var socketPath = "/run/papaours/papaoursd.sock"
    public var socketMode: UInt32 = 0o660
    public var socketGroup: String?
    public var databasePath = "/var/lib/papaours"
    /// The HTTP gate's Unix socket (same mode and group as the main one), if any.
    public var httpSocketPath: String?
    /// The HTTP gate's loopback TCP listeners.
    public var httpListen: [LoopbackAddress] = []
    public var grants = Grants()
    public var maxConnections = 1024
    /// Seconds a client may take to finish a line it started.
    public var lineTimeout = 10
    /// Seconds an idle connection is kept between requests; 0 keeps it forever.
    public var idleTimeout = 0
    /// Bytes of unread replies past which the daemon stops reading from a client.
    public var outputLimit = 1 << 20
    /// Seconds between usage flushes; each rewrites every key used since the last, so not too often.
    public var usageFlushInterval = 30
    /// Event loops; 0 means one per CPU.
    public var threads = 0
    public var logLevel = LogLevel.info

    public init() {}
}

/// A line of the configuration file that is wrong: `FILE:LINE: message`.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
