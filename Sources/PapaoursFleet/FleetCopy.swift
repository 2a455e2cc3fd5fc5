import PapaoursCore
import PapaoursStore

/// The fleet's whole state read in one REPEATABLE READ snapshot, as the change set that makes
/// an empty store equal to it (Store.replace): a host joining, or one that fell too far
/// behind, copies it. The usage history's days, addresses and alerts are not in the tables:
/// the copy replays them, in order, from the history --cluster-init left (`history_start`)
/// and the history changes of every change row up to the copy's sequence, the same
/// mechanical apply that gave every other host its history.
enum FleetCopy {
    struct Copy {
        let fleetID: String
        let state: ChangeSet
    }

    static func read(on connection: PGConnection, schema: FleetSchema) throws -> Copy {
        try connection.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        do {
            let copy = try readInSnapshot(on: connection, schema: schema)
            try connection.exec("COMMIT")
            return copy
        } catch {
            _ = try? connection.exec("ROLLBACK")
            throw error
        }
    }

    private static func readInSnapshot(on connection: PGConnection, schema: FleetSchema) throws -> Copy {
        let meta = try connection.exec("SELECT fleet_id::text, (SELECT seq FROM \(schema.table("counter"))) FROM \(schema.table("meta"))", [],
                                       binary: true)
        guard meta.rows == 1, let head = meta.int64(0, 1) else { throw PGError(sqlState: nil, message: "the fleet's meta row is missing", connectionLost: false) }
        var state = ChangeSet(sequence: UInt64(head))
        let roles = try connection.exec("SELECT record FROM \(schema.table("roles")) ORDER BY name", [], binary: true)
        for row in 0..<roles.rows { state.changes.append(.putRole(try StoredRecord.role(roles.bytes(row, 0)))) }
        let groups = try connection.exec("SELECT record FROM \(schema.table("groups")) ORDER BY name", [], binary: true)
        for row in 0..<groups.rows { state.changes.append(.putGroup(try StoredRecord.group(groups.bytes(row, 0)))) }
        let machines = try connection.exec("SELECT record FROM \(schema.table("machines")) ORDER BY id", [], binary: true)
        for row in 0..<machines.rows { state.changes.append(.putMachine(try StoredRecord.machine(machines.bytes(row, 0)))) }
        let keys = try connection.exec("""
            SELECT k.hash, k.record, u.uses, extract(epoch FROM u.last_used)::bigint, u.last_ip
            FROM \(schema.table("keys")) k LEFT JOIN \(schema.table("usage")) u ON u.key = k.id ORDER BY k.id
            """, [], binary: true)
        for row in 0..<keys.rows {
            guard let hash = SecretHash(stored: keys.bytes(row, 0)) else { throw StoredRecord.Corrupt(what: "a key's hash in PostgreSQL") }
            let key = try StoredRecord.key(keys.bytes(row, 1), hash: hash, usage: .none)
            state.changes.append(.putKey(key))
            if let uses = keys.int64(row, 2) {
                let last = Timestamp(seconds: keys.int64(row, 3) ?? 0)
                state.changes.append(.addUsage(key.id, UsageDelta(uses: UInt64(max(0, uses)), lastUsed: last, lastIP: keys.text(row, 4))))
            }
        }
        let start = try connection.exec("SELECT set FROM \(schema.table("history_start"))", [], binary: true)
        if start.rows == 1 { state.changes += try ChangeSetCoding.decode(start.bytes(0, 0)).changes }
        var reached: Int64 = 0
        while reached < head {
            let rows = try connection.exec("SELECT seq, set FROM \(schema.table("changes")) WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT 1000",
                                           [.int64(reached), .int64(head)], binary: true)
            guard rows.rows > 0 else { break }
            for row in 0..<rows.rows {
                state.changes += try ChangeSetCoding.decode(rows.bytes(row, 1)).changes.filter(\.isHistory)
                reached = rows.int64(row, 0) ?? head
            }
        }
        var after: Int64 = 0
        while true {
            let page = try connection.exec("SELECT seq, event FROM \(schema.table("audit")) WHERE seq > $1 ORDER BY seq LIMIT 10000",
                                           [.int64(after)], binary: true)
            guard page.rows > 0 else { break }
            for row in 0..<page.rows {
                let seq = page.int64(row, 0) ?? 0
                state.events.append(try StoredRecord.event(page.bytes(row, 1), seq: UInt64(seq)))
                after = seq
            }
        }
        return Copy(fleetID: meta.text(0, 0), state: state)
    }
}
