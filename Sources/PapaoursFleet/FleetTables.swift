import PapaoursCore
import PapaoursStore

/// A change set applied to the fleet's tables, as mechanically as Store.apply does to LMDB:
/// records upserted or deleted, usage added (never overwritten), events appended, and the set
/// itself kept in `changes` for the followers. The usage history (days, addresses, alerts)
/// travels in the change stream only: the tables hold what a joining host copies.
struct FleetTables {
    let schema: FleetSchema
    let host: String

    func apply(_ set: ChangeSet, on connection: PGConnection) throws(PGError) {
        for change in set.changes { try apply(change, on: connection) }
        for event in set.events {
            try connection.exec("INSERT INTO \(schema.table("audit")) (seq, time, action, target, machine, host, event) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                [.int64(Int64(clamping: event.seq)), .text(event.time.description), .text(event.action.rawValue),
                                 .text(event.target), event.machine.map { .text($0.value) } ?? .null, .text(host),
                                 .bytes(StoredRecord.bytes(event))])
        }
        try connection.exec("INSERT INTO \(schema.table("changes")) (seq, host, set) VALUES ($1, $2, $3)",
                            [.int64(Int64(clamping: set.sequence)), .text(host), .bytes(ChangeSetCoding.encode(set))])
    }

    private func apply(_ change: ChangeSet.Change, on connection: PGConnection) throws(PGError) {
        switch change {
        case .putMachine(let m):
            try connection.exec("""
                INSERT INTO \(schema.table("machines")) (id, name_key, name, organization, active, record) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (id) DO UPDATE SET name_key = EXCLUDED.name_key, name = EXCLUDED.name,
                    organization = EXCLUDED.organization, active = EXCLUDED.active, record = EXCLUDED.record
                """, [.text(m.id.value), .text(Validation.nameFoldKey(m.name)), .text(m.name), .text(m.organization),
                      .text(m.status == .active ? "t" : "f"), .bytes(StoredRecord.bytes(m))])
        case .deleteMachine(let id):
            try connection.exec("DELETE FROM \(schema.table("machines")) WHERE id = $1", [.text(id.value)])
        case .putKey(let k):
            try connection.exec("""
                INSERT INTO \(schema.table("keys")) (id, machine, hash, active, record) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (id) DO UPDATE SET machine = EXCLUDED.machine, hash = EXCLUDED.hash,
                    active = EXCLUDED.active, record = EXCLUDED.record
                """, [.text(k.id.value), .text(k.machine.value), .bytes(k.hash.bytes), .text(k.status == .active ? "t" : "f"),
                      .bytes(StoredRecord.bytes(k))])
        case .deleteKey(let id):
            try connection.exec("DELETE FROM \(schema.table("keys")) WHERE id = $1", [.text(id.value)])
            try connection.exec("DELETE FROM \(schema.table("usage")) WHERE key = $1", [.text(id.value)])
        case .addUsage(let id, let delta):
            // As KeyUsage.add: uses add up, the latest use wins; a key gone meanwhile is passed over.
            try connection.exec("""
                INSERT INTO \(schema.table("usage")) AS u (key, uses, last_used, last_ip)
                SELECT $1, $2, $3::timestamptz, $4 WHERE EXISTS (SELECT 1 FROM \(schema.table("keys")) WHERE id = $1)
                ON CONFLICT (key) DO UPDATE SET uses = u.uses + EXCLUDED.uses,
                    last_ip = CASE WHEN u.last_used IS NULL OR EXCLUDED.last_used >= u.last_used THEN EXCLUDED.last_ip ELSE u.last_ip END,
                    last_used = GREATEST(u.last_used, EXCLUDED.last_used)
                """, [.text(id.value), .int64(Int64(clamping: delta.uses)), .text(delta.lastUsed.description), .text(delta.lastIP)])
        case .putRole(let r):
            try upsert("roles", name: r.name, record: StoredRecord.bytes(r), on: connection)
        case .deleteRole(let name):
            try connection.exec("DELETE FROM \(schema.table("roles")) WHERE name = $1", [.text(name)])
        case .putGroup(let g):
            try upsert("groups", name: g.name, record: StoredRecord.bytes(g), on: connection)
        case .deleteGroup(let name):
            try connection.exec("DELETE FROM \(schema.table("groups")) WHERE name = $1", [.text(name)])
        case .addActivity, .putAlert, .pruneAlerts, .pruneHistory:
            break
        }
    }

    private func upsert(_ table: String, name: String, record: [UInt8], on connection: PGConnection) throws(PGError) {
        try connection.exec("INSERT INTO \(schema.table(table)) (name, record) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET record = EXCLUDED.record",
                            [.text(name), .bytes(record)])
    }
}
