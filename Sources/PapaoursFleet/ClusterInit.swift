import PapaoursCore
import PapaoursStore

/// `papaoursd --cluster-init`: makes the host's local store the first state of a new fleet.
/// In one PostgreSQL transaction it creates the schema and copies every record, the whole
/// audit journal and the change sequence in, so that the fleet starts where this host is.
/// A database that already holds the schema is refused before anything is created. The local
/// store is then marked as the new fleet's replica.
public enum ClusterInit {
    public struct Summary: Sendable, Equatable {
        public var fleetID = ""
        public var machines = 0, keys = 0, roles = 0, groups = 0, events = 0
        public var changeSequence: UInt64 = 0
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public enum Reason: Sendable, Equatable {
            /// The database already holds a fleet (or something else under the schema's name).
            case exists
            case database
            case store
        }
        public let reason: Reason
        public let message: String
        public var description: String { message }
    }

    /// Copies `store` into a new fleet on `connection`; `host` is recorded as where the copied
    /// events were made.
    public static func run(store: Store, connection: PGConnection, schema: FleetSchema, host: String) throws(Failure) -> Summary {
        func database(_ error: PGError) -> Failure {
            Failure(reason: .database, message: "PostgreSQL refused the copy, nothing was created: \(error)")
        }
        do {
            switch try schema.state(on: connection) {
            case .absent: break
            case .fleet(let id, let version):
                throw Failure(reason: .exists, message: "the database already holds a fleet (id \(id), schema \(schema.name) version \(version)): nothing changed; a host joins it with a cluster line in its papaoursd.conf, not with --cluster-init")
            case .foreign:
                throw Failure(reason: .exists, message: "the database already has a schema named \(schema.name) that holds no fleet: nothing changed; drop it or choose another database")
            }
        } catch let error as PGError {
            throw database(error)
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(reason: .database, message: "\(error)")
        }
        do {
            let txn = try PGTransaction(on: connection)
            let summary = try store.read { snapshot throws -> Summary in
                let sequence = try snapshot.changeSequence()
                var summary = Summary(changeSequence: sequence)
                summary.fleetID = try schema.create(in: txn, startingAt: sequence, by: host)
                try copy(snapshot, into: txn, schema: schema, host: host, summary: &summary)
                return summary
            }
            try txn.commit()
            do {
                try store.join(fleet: summary.fleetID)
            } catch {
                throw Failure(reason: .store, message: "fleet \(summary.fleetID) was created, but the local store could not be marked as its replica (\(error.message)): empty the local database and start papaoursd, which then copies the fleet")
            }
            return summary
        } catch let error as PGError {
            if error.sqlState == PGError.duplicateSchema {
                throw Failure(reason: .exists, message: "another --cluster-init created schema \(schema.name) meanwhile: nothing changed here")
            }
            throw database(error)
        } catch let error as Failure {
            throw error
        } catch let error as StoreError {
            throw Failure(reason: .store, message: "cannot read the local store, nothing was created: \(error.message)")
        } catch {
            throw Failure(reason: .store, message: "cannot read the local store, nothing was created: \(error)")
        }
    }

    private static func copy(_ snapshot: Snapshot, into txn: borrowing PGTransaction, schema: FleetSchema, host: String,
                             summary: inout Summary) throws {
        let roles = try snapshot.allRoles()
        summary.roles = try txn.copy(into: schema.table("roles") + " (name, record)",
                                     rows: roles.map { [.text($0.name), .bytes(StoredRecord.bytes($0))] })
        let groups = try snapshot.allGroups()
        summary.groups = try txn.copy(into: schema.table("groups") + " (name, record)",
                                      rows: groups.map { [.text($0.name), .bytes(StoredRecord.bytes($0))] })
        let machines = try snapshot.allMachines()
        summary.machines = try txn.copy(into: schema.table("machines") + " (id, name_key, name, organization, active, record)",
                                        rows: machines.map { m in
            [.text(m.id.value), .text(Validation.nameFoldKey(m.name)), .text(m.name), .text(m.organization),
             .text(m.status == .active ? "t" : "f"), .bytes(StoredRecord.bytes(m))]
        })
        var keys: [KeyRecord] = []
        for machine in machines { keys += try snapshot.keys(machine: machine.id) }
        summary.keys = try txn.copy(into: schema.table("keys") + " (id, machine, hash, active, record)", rows: keys.map { k in
            [.text(k.id.value), .text(k.machine.value), .bytes(k.hash.bytes), .text(k.status == .active ? "t" : "f"),
             .bytes(StoredRecord.bytes(k))]
        })
        // As LMDB's key-usage: a row only for a key that has been used.
        try txn.copy(into: schema.table("usage") + " (key, uses, last_used, last_ip)",
                     rows: keys.lazy.filter { $0.uses > 0 || $0.lastUsed != nil }.map { k in
            [.text(k.id.value), .int64(Int64(clamping: k.uses)), k.lastUsed.map { .text($0.description) } ?? .null, .text(k.lastIP)]
        })
        let history = ChangeSet(sequence: summary.changeSequence, changes: try snapshot.historyAsChanges())
        try txn.exec("INSERT INTO \(schema.table("history_start")) (set) VALUES ($1)", [.bytes(ChangeSetCoding.encode(history))])
        var after: UInt64 = 0
        while true {
            let page = try snapshot.auditEvents(.after(after), machine: nil, limit: 10_000)
            guard let last = page.last else { break }
            summary.events += try txn.copy(into: schema.table("audit") + " (seq, time, action, target, machine, host, event)",
                                           rows: page.map { e in
                [.int64(Int64(clamping: e.seq)), .text(e.time.description), .text(e.action.rawValue), .text(e.target),
                 e.machine.map { .text($0.value) } ?? .null, .text(host), .bytes(StoredRecord.bytes(e))]
            })
            after = last.seq
        }
    }
}
