import PapaoursCore
import PapaoursStore

/// A connection to the fleet's PostgreSQL that comes back by itself: made when first needed,
/// dropped when it breaks, made again no sooner than its backoff allows (doubling from 100 ms
/// to at most 2 s between tries), and saying in the log, once per change, why it is down.
final class FleetLink {
    let settings: FleetSettings
    private let purpose: String
    private(set) var connection: PGConnection?
    private var nextTry: Int64 = 0
    private var backoff: Int64 = 100
    private var down: String?
    /// How long a statement or lock may take before the write is `NO unavailable`.
    static let statementTimeout = "4s"

    init(_ settings: FleetSettings, purpose: String) {
        self.settings = settings
        self.purpose = purpose
    }

    /// The connection, made now if the backoff allows; `nil` with why not.
    func connected(log: (String) -> Void) -> Result<PGConnection, PGError> {
        if let connection, connection.isConnected { return .success(connection) }
        connection = nil
        let now = FleetStatus.monotonicMilliseconds()
        guard now >= nextTry else {
            return .failure(PGError(sqlState: nil, message: down ?? "PostgreSQL is not reachable", connectionLost: true))
        }
        do {
            let made = try PGConnection(conninfo: settings.conninfo, timeout: 3)
            try made.exec("SET statement_timeout = '\(FleetLink.statementTimeout)'; SET lock_timeout = '\(FleetLink.statementTimeout)'")
            connection = made
            backoff = 100
            if down != nil { log("the \(purpose) connection to PostgreSQL is back") }
            down = nil
            return .success(made)
        } catch {
            nextTry = now + backoff
            backoff = min(backoff * 2, 2000)
            if down != error.message { log("the \(purpose) connection to PostgreSQL is down: \(error.message)") }
            down = error.message
            return .failure(error)
        }
    }

    /// Forgets a connection that failed, so that the next use makes a new one.
    func failed(_ error: PGError, log: (String) -> Void) {
        guard error.connectionLost || !(connection?.isConnected ?? false) else { return }
        connection = nil
        if down != error.message { log("the \(purpose) connection to PostgreSQL is down: \(error.message)") }
        down = error.message
    }
}

/// What the fleet's parts need from papaoursd.conf.
public struct FleetSettings: Sendable {
    public var conninfo: String
    public var schema: FleetSchema
    public var host: String
    /// `cluster-poll`, in milliseconds.
    public var poll: Int

    public init(conninfo: String, schema: FleetSchema = try! FleetSchema(), host: String, poll: Int = 1000) {
        self.conninfo = conninfo
        self.schema = schema
        self.host = host
        self.poll = poll
    }
}
