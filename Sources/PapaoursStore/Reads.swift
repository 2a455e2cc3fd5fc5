import PapaoursCore

/// Lookups over any transaction, read-only or not. They throw StoreError or LMDBError;
/// `StoreError(any:)` turns either into the protocol's terms.
extension Store {
    static func decoded<R>(_ bytes: [UInt8], _ what: @autoclosure () -> String,
                           _ decoder: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        do { return try bytes.withUnsafeBytes(decoder) } catch { throw StoreError(.corrupt, "\(what()) record is corrupt") }
    }

    public func machine<T: Transaction & ~Copyable>(id: MachineID, in txn: borrowing T) throws -> MachineRecord? {
        guard let bytes = try machines.get(Array(id.value.utf8), in: txn) else { return nil }
        return try Store.decoded(bytes, "machine \(id)", RecordCoding.decodeMachine)
    }

    /// A machine by its id, or by its exact name.
    public func machine<T: Transaction & ~Copyable>(ref: String, in txn: borrowing T) throws -> MachineRecord? {
        if let id = MachineID(ref), let record = try machine(id: id, in: txn) { return record }
        guard let idBytes = try machineNames.get(Array(Validation.nameFoldKey(ref).utf8), in: txn),
              let record = try machine(id: MachineID(unchecked: String(decoding: idBytes, as: UTF8.self)), in: txn),
              record.name == ref
        else { return nil }
        return record
    }

    /// Every machine, in id order.
    public func allMachines<T: Transaction & ~Copyable>(in txn: borrowing T) throws -> [MachineRecord] {
        var values: [[UInt8]] = []
        try machines.scan(in: txn) { _, value in values.append(value); return true }
        return try values.map { try Store.decoded($0, "machine", RecordCoding.decodeMachine) }
    }

    public func key<T: Transaction & ~Copyable>(id: KeyID, in txn: borrowing T) throws -> KeyRecord? {
        guard let bytes = try keys.get(Array(id.value.utf8), in: txn) else { return nil }
        return try Store.decoded(bytes, "key \(id)", RecordCoding.decodeKey)
    }

    public func key<T: Transaction & ~Copyable>(ref: String, in txn: borrowing T) throws -> KeyRecord? {
        guard let id = KeyID(ref) else { return nil }
        return try key(id: id, in: txn)
    }

    /// The key whose secret hashes to `hash`.
    public func key<T: Transaction & ~Copyable>(hash: SecretHash, in txn: borrowing T) throws -> KeyRecord? {
        guard let idBytes = try keyHashes.get(hash.bytes, in: txn) else { return nil }
        return try key(id: KeyID(unchecked: String(decoding: idBytes, as: UTF8.self)), in: txn)
    }

    /// Ids of a machine's keys, in id order.
    public func keyIDs<T: Transaction & ~Copyable>(machine: MachineID, in txn: borrowing T) throws -> [KeyID] {
        let prefix = Array(machine.value.utf8)
        var ids: [KeyID] = []
        try machineKeys.scan(prefix: prefix, in: txn) { key, _ in
            ids.append(KeyID(unchecked: String(decoding: key[prefix.count...], as: UTF8.self)))
            return true
        }
        return ids
    }

    public func keys<T: Transaction & ~Copyable>(machine: MachineID, in txn: borrowing T) throws -> [KeyRecord] {
        var records: [KeyRecord] = []
        for id in try keyIDs(machine: machine, in: txn) {
            guard let record = try key(id: id, in: txn) else {
                throw StoreError(.corrupt, "machine \(machine) lists key \(id), which does not exist")
            }
            records.append(record)
        }
        return records
    }

    public func keyCount<T: Transaction & ~Copyable>(machine: MachineID, in txn: borrowing T) throws -> Int {
        try keyIDs(machine: machine, in: txn).count
    }

    public func counts<T: Transaction & ~Copyable>(in txn: borrowing T) throws -> (machines: Int, keys: Int) {
        (try machines.count(in: txn), try keys.count(in: txn))
    }

    /// Audit events after `after`, oldest first, at most `limit`, of one machine or of all.
    public func auditEvents<T: Transaction & ~Copyable>(after: UInt64, machine: MachineID?, limit: Int,
                                                        in txn: borrowing T) throws -> [AuditEvent] {
        guard after < UInt64.max, limit > 0 else { return [] }
        var sequences: [UInt64] = []
        let start = RecordCoding.sequenceKey(after + 1)
        if let machine {
            let prefix = Array(machine.value.utf8)
            try auditByMachine.scan(prefix: prefix, from: prefix + start, in: txn) { key, _ in
                sequences.append(RecordCoding.sequence(fromKey: key))
                return sequences.count < limit
            }
        } else {
            try audit.scan(from: start, in: txn) { key, _ in
                sequences.append(RecordCoding.sequence(fromKey: key))
                return sequences.count < limit
            }
        }
        var events: [AuditEvent] = []
        for seq in sequences {
            guard let bytes = try audit.get(RecordCoding.sequenceKey(seq), in: txn) else {
                throw StoreError(.corrupt, "audit event \(seq) is indexed but missing")
            }
            events.append(try Store.decoded(bytes, "audit event \(seq)", RecordCoding.decodeEvent))
        }
        return events
    }

    public func lastAuditSequence<T: Transaction & ~Copyable>(in txn: borrowing T) throws -> UInt64 {
        try audit.lastKey(in: txn).map(RecordCoding.sequence(fromKey:)) ?? 0
    }
}
