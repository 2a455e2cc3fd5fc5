import CLMDB
import PapaoursCore

/// Where a test may stop a migration, to show that it is all or nothing.
public enum MigrationStop: Sendable {
    /// Everything written, the transaction not committed: the store stays at its old schema.
    case beforeCommit
    /// Committed, nothing after it done: the store is at the new schema.
    case afterCommit
}

/// Brings a store of an older schema up to date in one transaction, or refuses a newer one.
extension Store {
    func schemaVersion<T: Transaction & ~Copyable>(in txn: borrowing T) throws -> UInt32? {
        guard let bytes = try meta.get(Schema.versionKey, in: txn), bytes.count == 4 else { return nil }
        return bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    func migrate(stoppingAt stop: MigrationStop?) throws(StoreError) {
        do {
            let txn = try environment.beginWrite()
            let found = try schemaVersion(in: txn)
            let isEmpty = try machines.count(in: txn) == 0 && audit.count(in: txn) == 0
            let version = found ?? (isEmpty ? Schema.version : 1)
            if version > Schema.version {
                throw StoreError(.cannotOpen, "database \(directory) has schema version \(version), newer than this papaoursd knows (\(Schema.version)); use a newer papaoursd")
            }
            guard found != Schema.version else { return }
            if version < 3 { try migrateToVersion3(in: txn) }
            if version < 4 { try migrateToVersion4(in: txn) }
            try meta.put(Schema.versionKey, withUnsafeBytes(of: Schema.version.bigEndian) { Array($0) }, in: txn)
            if stop == .beforeCommit { throw StoreError(.cannotOpen, "migration stopped before its commit (test)") }
            try txn.commit()
            if stop == .afterCommit { throw StoreError(.cannotOpen, "migration stopped after its commit (test)") }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.cannotOpen, "cannot upgrade the database in \(directory): \(StoreError(any: error).message)")
        }
    }

    /// Schema 3 → 4: every role name on a machine becomes a role with no rights and perimeter
    /// `*` (protocol.md, "Upgrading a version-1 store"), machines take layout 3 and the
    /// role-machines index is built. VERIFY's `roles=` is unchanged; no right appears.
    private func migrateToVersion4(in txn: borrowing WriteTransaction) throws {
        var machineValues: [[UInt8]] = []
        try machines.scan(in: txn) { _, value in machineValues.append(value); return true }
        for database in [roleMachines, groupMachines] { try database.clear(in: txn) }
        for value in machineValues {
            let record = try value.withUnsafeBytes { try Store.decoded($0, "machine", RecordCoding.decodeMachine) }
            for name in record.roles where try roles.get(Array(name.utf8), in: txn) == nil {
                let role = RoleRecord(name: name, created: record.created, createdBy: "papaoursd", updated: record.created)
                try roles.put(Array(name.utf8), RecordCoding.encode(role), in: txn)
            }
            try machines.put(record.id.stored, RecordCoding.encode(record), in: txn)
            try index(record.id.stored, holding: (record.roles, record.groups), held: ([], []), in: txn)
        }
    }

    /// Schemas 1 and 2 → 3: key records move under their secret's hash, usage moves apart,
    /// records take layout 2, the per-machine indexes become sorted duplicates, and schema 2's
    /// databases are dropped. Schema 1 had no audit-by-machine index; it is built here too.
    private func migrateToVersion3(in txn: borrowing WriteTransaction) throws {
        for database in [secrets, keyIDs, machineKeyIDs, keyUsage, auditMachines] { try database.clear(in: txn) }
        // Machines: under their id without its prefix, as the name index points to them.
        var machineValues: [[UInt8]] = []
        try machines.scan(in: txn) { _, value in machineValues.append(value); return true }
        try machines.clear(in: txn)
        try machineNames.clear(in: txn)
        for value in machineValues {
            let record = try value.withUnsafeBytes { try Store.decoded($0, "machine", LegacyRecordCoding.decodeMachine) }
            try machines.put(record.id.stored, RecordCoding.encode(record), in: txn)
            try machineNames.put(Array(Validation.nameFoldKey(record.name).utf8), record.id.stored, in: txn)
        }
        if let legacyKeys = try Database(existing: "keys", in: txn) {
            var keyValues: [[UInt8]] = []
            try legacyKeys.scan(in: txn) { _, value in keyValues.append(value); return true }
            for value in keyValues {
                let record = try value.withUnsafeBytes { try Store.decoded($0, "key", LegacyRecordCoding.decodeKey) }
                let id = record.id.stored
                try secrets.put(record.hash.bytes, RecordCoding.encode(record), in: txn)
                try keyIDs.put(id, Schema.hashPrefix(record.hash), in: txn)
                try machineKeyIDs.put(record.machine.stored, id, in: txn)
                if record.uses > 0 || record.lastUsed != nil {
                    let usage = KeyUsage(uses: record.uses, lastUsed: record.lastUsed, lastIP: record.lastIP)
                    try keyUsage.put(id, RecordCoding.encode(usage), in: txn)
                }
            }
        }
        var eventValues: [([UInt8], [UInt8])] = []
        try audit.scan(in: txn) { key, value in eventValues.append((key, value)); return true }
        for (key, value) in eventValues {
            let event = try value.withUnsafeBytes { try Store.decoded($0, "audit event", LegacyRecordCoding.decodeEvent) }
            try audit.put(key, RecordCoding.encode(event), in: txn)
            if let machine = event.machine { try auditMachines.put(machine.stored, key, in: txn) }
        }
        for name in Schema.version2Databases {
            if let legacy = try Database(existing: name, in: txn) { try legacy.drop(in: txn) }
        }
    }
}
