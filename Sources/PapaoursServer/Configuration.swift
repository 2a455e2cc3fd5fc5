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
    /// Connections one uid other than root may hold.
    public var maxConnectionsPerUser = 128
    /// Of `maxConnections`, the last ones kept for root and holders of machines.write; nil:
    /// an eighth of them, at most 16.
    public var reservedConnections: Int?
    public var reserve: Int { reservedConnections ?? min(16, maxConnections / 8) }
    /// Seconds a client may take to finish a line it started.
    public var lineTimeout = 10
    /// Seconds an idle connection is kept between requests; 0 keeps it forever.
    public var idleTimeout = 300
    /// Bytes of unread replies past which the daemon stops reading from a client.
    public var outputLimit = 1 << 20
    /// Bytes the imports being staged may hold, over every connection.
    public var importStagingLimit = 256 << 20
    /// Seconds between usage flushes; each rewrites every key used since the last, so not too often.
    public var usageFlushInterval = 30
    /// Seconds a backup file may take no data before the backup is ended (a pipe nobody reads).
    public var backupStallTimeout = 30
    /// Data files up to this many bytes have every page walked before the daemon serves; larger
    /// ones are walked in the background once it serves.
    public var pageWalkAtOpenLimit = 64 << 20
    /// Whether VERIFYs are recorded per day, per address and watched for alerts (usage-history).
    public var usageHistory = true
    /// Event loops; 0 means one per CPU.
    public var threads = 0
    public var logLevel = LogLevel.info
    /// The fleet's PostgreSQL (a libpq conninfo, never with a password); nil: a standalone host.
    public var cluster: String?
    /// This host's name in the fleet; nil: the system host name (`effectiveHostName`).
    public var hostName: String?
    /// Milliseconds between two looks at the change sequence, in case a notification was lost.
    public var clusterPoll = 1000
    /// Milliseconds without news from PostgreSQL after which VERIFY fails closed; nil: never.
    public var clusterMaxStale: Int?

    public init() {}

    public var effectiveHostName: String { hostName ?? ClusterSettings.systemHostName() }
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

extension Configuration {
    /// The settings read only at start-up (the socket is bound, the store opened, the loops
    /// made), as `directive old → new`, that differ in `next`.
    public func restartOnlyChanges(to next: Configuration) -> [String] {
        func octal(_ mode: UInt32) -> String { "0" + String(mode, radix: 8) }
        let settings: [(String, String, String)] = [
            ("socket", Log.token(socketPath), Log.token(next.socketPath)),
            ("socket-mode", octal(socketMode), octal(next.socketMode)),
            ("socket-group", Log.token(socketGroup ?? "(none)"), Log.token(next.socketGroup ?? "(none)")),
            ("database", Log.token(databasePath), Log.token(next.databasePath)),
            ("threads", String(threads), String(next.threads)),
            ("page-walk-at-open-limit", String(pageWalkAtOpenLimit), String(next.pageWalkAtOpenLimit)),
            ("http-socket", Log.token(httpSocketPath ?? "(none)"), Log.token(next.httpSocketPath ?? "(none)")),
            ("http-listen", httpListen.map(\.description).joined(separator: ","), next.httpListen.map(\.description).joined(separator: ",")),
            ("cluster", cluster == nil ? "off" : "postgresql", next.cluster == nil ? "off" : "postgresql"),
            ("host-name", Log.token(effectiveHostName), Log.token(next.effectiveHostName)),
            ("cluster-poll", ClusterSettings.duration(clusterPoll), ClusterSettings.duration(next.clusterPoll)),
            ("cluster-max-stale", clusterMaxStale.map(ClusterSettings.duration) ?? "off", next.clusterMaxStale.map(ClusterSettings.duration) ?? "off"),
        ]
        return settings.filter { $0.1 != $0.2 }.map { "\($0.0) \($0.1) → \($0.2)" }
    }

    /// `next` with this configuration's start-up settings: what a reload can apply.
    public func reloaded(from next: Configuration) -> Configuration {
        var applied = next
        applied.socketPath = socketPath
        applied.socketMode = socketMode
        applied.socketGroup = socketGroup
        applied.databasePath = databasePath
        applied.threads = threads
        applied.pageWalkAtOpenLimit = pageWalkAtOpenLimit
        applied.httpSocketPath = httpSocketPath
        applied.httpListen = httpListen
        applied.cluster = cluster
        applied.hostName = hostName
        applied.clusterPoll = clusterPoll
        applied.clusterMaxStale = clusterMaxStale
        return applied
    }
}
