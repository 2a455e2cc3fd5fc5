import PapaoursCore
import PapaoursStore

/// The writer's way into the fleet (StoreOfRecord): each batch is one PostgreSQL transaction
/// that first locks the counter row, so that writers on every host take turns and each
/// decides on the fleet's latest state, then holds the batch's records, events and change
/// rows, moves the counter and NOTIFYs, and commits. Used by the writer thread only.
public final class FleetWriter: StoreOfRecord {
    private let link: FleetLink
    private let tables: FleetTables
    private let status: FleetStatus
    private let warn: @Sendable (String) -> Void
    private var inTransaction = false

    public init(_ settings: FleetSettings, status: FleetStatus, warn: @escaping @Sendable (String) -> Void) {
        link = FleetLink(settings, purpose: "writer's")
        tables = FleetTables(schema: settings.schema, host: settings.host)
        self.status = status
        self.warn = warn
    }

    public func begin(after sequence: UInt64) throws(StoreError) -> [ChangeSet] {
        let connection = try connection()
        do {
            try connection.exec("BEGIN ISOLATION LEVEL READ COMMITTED")
            inTransaction = true
            let counter = try connection.exec("SELECT seq FROM \(tables.schema.table("counter")) FOR UPDATE")
            guard counter.rows == 1, let head = counter.int64(0, 0) else {
                throw PGError(sqlState: nil, message: "the fleet's counter row is missing", connectionLost: false)
            }
            let missing = try FleetStream.changes(after: sequence, upTo: UInt64(head), on: connection, schema: tables.schema)
            status.heard(head: UInt64(head), reached: sequence)
            return missing
        } catch {
            throw failure(error, "cannot start a write in PostgreSQL")
        }
    }

    public func commit(_ sets: [ChangeSet]) throws(StoreError) {
        guard let connection = link.connection, inTransaction, let last = sets.last else { return abandon() }
        do {
            for set in sets { try tables.apply(set, on: connection) }
            try connection.exec("UPDATE \(tables.schema.table("counter")) SET seq = $1", [.int64(Int64(clamping: last.sequence))])
            try connection.exec("SELECT pg_notify($1, $2)", [.text(FleetSchema.channel), .text(String(last.sequence))])
            inTransaction = false
            try connection.exec("COMMIT")
            status.heard(head: last.sequence, reached: last.sequence - 1)
        } catch {
            throw failure(error, "PostgreSQL did not commit the write, nothing was written")
        }
    }

    public func abandon() {
        guard inTransaction, let connection = link.connection else { return }
        inTransaction = false
        do { try connection.exec("ROLLBACK") } catch { link.failed(error, log: warn) }
    }

    private func connection() throws(StoreError) -> PGConnection {
        switch link.connected(log: warn) {
        case .success(let connection): return connection
        case .failure(let error):
            status.lost()
            throw StoreError(.unavailable, "the store of record (PostgreSQL) is unreachable: \(error.message)")
        }
    }

    /// Rolls back what is left of the transaction and says why the write could not be made.
    private func failure(_ error: any Error, _ what: String) -> StoreError {
        let pg = error as? PGError ?? PGError(sqlState: nil, message: "\(error)", connectionLost: false)
        if inTransaction { abandon() }
        link.failed(pg, log: warn)
        if link.connection == nil {
            status.lost()
            return StoreError(.unavailable, "the store of record (PostgreSQL) is unreachable: \(pg.message)")
        }
        return StoreError(.unavailable, "\(what): \(pg)")
    }
}
