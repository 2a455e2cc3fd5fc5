import CLibPQ

/// A transaction on one connection, begun by `init` and ended once: `commit()` and `rollback()`
/// consume it, and one dropped unfinished is rolled back. Statements go through it so that
/// none runs outside the transaction by mistake.
public struct PGTransaction: ~Copyable {
    public enum Isolation: String, Sendable {
        /// What writers use: the counter's row lock orders them (see FleetSchema).
        case readCommitted = "READ COMMITTED"
        /// One consistent snapshot for every statement: what a copy of the whole fleet reads.
        case repeatableRead = "REPEATABLE READ"
    }

    let connection: PGConnection
    private var finished = false

    public init(on connection: PGConnection, _ isolation: Isolation = .readCommitted, readOnly: Bool = false) throws(PGError) {
        self.connection = connection
        try connection.exec("BEGIN ISOLATION LEVEL \(isolation.rawValue)\(readOnly ? " READ ONLY" : "")")
    }

    @discardableResult
    public func exec(_ sql: String) throws(PGError) -> PGResult { try connection.exec(sql) }

    @discardableResult
    public func exec(_ sql: String, _ parameters: [PGValue], binary: Bool = false) throws(PGError) -> PGResult {
        try connection.exec(sql, parameters, binary: binary)
    }

    @discardableResult
    public func copy(into target: String, rows: some Sequence<[PGValue]>) throws(PGError) -> Int {
        try connection.copy(into: target, rows: rows)
    }

    /// Commits; a COMMIT that fails (or that the server turns into a rollback, after an error)
    /// throws, and the transaction is over either way.
    public consuming func commit() throws(PGError) {
        finished = true
        let result = try connection.exec("COMMIT")
        // After a failed statement PostgreSQL answers COMMIT with ROLLBACK, not an error.
        if String(cString: PQcmdStatus(result.handle)) == "ROLLBACK" {
            throw PGError(sqlState: nil, message: "the transaction was rolled back", connectionLost: false)
        }
    }

    public consuming func rollback() {
        finished = true
        _ = try? connection.exec("ROLLBACK")
    }

    deinit {
        if !finished { _ = try? connection.exec("ROLLBACK") }
    }
}
