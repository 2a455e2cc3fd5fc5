import CLMDB
import PapaoursCore
import Synchronization

/// A renewable read snapshot of the store, owned by one thread at a time: an event loop
/// refreshes it once per batch of requests (when a commit happened since) and ends it at the
/// batch's end. Nothing on this path takes a lock.
public final class Snapshot: Transaction, RecordReading {
    let handle: OpaquePointer
    let store: Store
    private var live = false
    /// The commit count the snapshot was taken at (see Store.commits).
    public private(set) var generation: UInt64 = 0

    public init(store: Store) throws(StoreError) {
        self.store = store
        var txn: OpaquePointer?
        do {
            try LMDBError.check(mdb_txn_begin(store.environment.handle, nil, UInt32(MDB_RDONLY), &txn), "begin read transaction")
        } catch {
            throw StoreError(any: error)
        }
        handle = txn!
        mdb_txn_reset(handle)
    }

    deinit { mdb_txn_abort(handle) }

    /// Makes the snapshot current: every commit acknowledged before this call is visible after it.
    public func refresh() throws(StoreError) {
        let latest = store.commits.load(ordering: .acquiring)
        if live {
            guard latest != generation else { return }
            mdb_txn_reset(handle)
        }
        generation = latest
        let rc = mdb_txn_renew(handle)
        live = rc == 0
        if rc != 0 { throw StoreError(any: LMDBError(rc, "renew read transaction")) }
    }

    /// Releases the snapshot until the next batch, so that old pages can be reused.
    public func end() {
        guard live else { return }
        mdb_txn_reset(handle)
        live = false
    }

    // MARK: RecordReading

    public func machine(id: MachineID) throws -> MachineRecord? { try store.machine(id: id, in: self) }

    public func machineID(nameKey: String) throws -> MachineID? {
        try store.machineNames.get(Array(nameKey.utf8), in: self).map { MachineID(stored: $0) }
    }

    public func key(id: KeyID) throws -> KeyRecord? { try store.key(id: id, in: self) }

    public func keyID(hash: SecretHash) throws -> KeyID? {
        try hash.withBytes { k in
            try store.secrets.get(k, in: self) { bytes -> KeyID? in
                var reader = RecordReader(bytes)
                guard let view = try? KeyView(reading: &reader) else { return nil }
                return KeyID(stored: view.id)
            }
        } ?? nil
    }

    public func keyIDs(machine: MachineID) throws -> [KeyID] {
        var ids: [KeyID] = []
        try store.machineKeyIDs.duplicates(of: machine.stored, in: self) { value in
            ids.append(KeyID(stored: value))
            return true
        }
        return ids
    }

    public func event(seq: UInt64) throws -> AuditEvent? {
        guard let bytes = try store.audit.get(RecordCoding.sequenceKey(seq), in: self) else { return nil }
        return try bytes.withUnsafeBytes { try Store.decoded($0, "audit event \(seq)", { try RecordCoding.decodeEvent($0, seq: seq) }) }
    }

    public func lastEventSequence() throws -> UInt64 {
        try store.audit.lastKey(in: self).map(RecordCoding.sequence(fromKey:)) ?? 0
    }

    public func changeSequence() throws -> UInt64 { try store.storedChangeSequence(in: self) }

    // MARK: Listings

    /// Every machine, in id order.
    public func allMachines() throws -> [MachineRecord] {
        var records: [MachineRecord] = []
        try store.machines.scan(in: self) { _, value in
            records.append(try value.withUnsafeBytes { try Store.decoded($0, "machine", RecordCoding.decodeMachine) })
            return true
        }
        return records
    }

    /// At most `limit` machines after `after` (from the first when nil), in id order.
    public func machines(after: MachineID?, limit: Int) throws -> [MachineRecord] {
        var records: [MachineRecord] = []
        let start = after.map { $0.stored + [0] }
        try store.machines.scan(from: start, in: self) { _, value in
            records.append(try value.withUnsafeBytes { try Store.decoded($0, "machine", RecordCoding.decodeMachine) })
            return records.count < limit
        }
        return records
    }

    /// At most `limit` of a machine's keys after `after` (from its first when nil), in id order.
    public func keys(machine: MachineID, after: KeyID?, limit: Int) throws -> [KeyRecord] {
        var ids: [KeyID] = []
        let skip = after?.stored
        try store.machineKeyIDs.duplicates(of: machine.stored, from: skip, in: self) { value in
            if value == skip { return true }
            ids.append(KeyID(stored: value))
            return ids.count < limit
        }
        return try ids.map { id in
            guard let record = try key(id: id) else { throw StoreError(.corrupt, "machine \(machine) lists key \(id), which does not exist") }
            return record
        }
    }

    public func keys(machine: MachineID) throws -> [KeyRecord] {
        try keyIDs(machine: machine).map { id in
            guard let record = try key(id: id) else {
                throw StoreError(.corrupt, "machine \(machine) lists key \(id), which does not exist")
            }
            return record
        }
    }

    public func keyCount(machine: MachineID) throws -> Int {
        var count = 0
        try store.machineKeyIDs.duplicates(of: machine.stored, in: self) { _ in count += 1; return true }
        return count
    }

    public func counts() throws -> (machines: Int, keys: Int) {
        (try store.machines.count(in: self), try store.keyIDs.count(in: self))
    }

    /// Which audit events a listing asks for.
    public enum EventRange: Sendable, Equatable {
        /// Sequences above this one, oldest first.
        case after(UInt64)
        /// The newest events below this sequence (below none: the newest of all), still oldest first.
        case before(UInt64?)
    }

    /// At most `limit` events of one machine or of all, oldest first.
    public func auditEvents(_ range: EventRange, machine: MachineID?, limit: Int) throws -> [AuditEvent] {
        guard limit > 0 else { return [] }
        var sequences: [UInt64] = []
        func take(_ key: [UInt8]) -> Bool {
            sequences.append(RecordCoding.sequence(fromKey: key))
            return sequences.count < limit
        }
        switch (range, machine) {
        case (.after(let after), let machine?):
            guard after < UInt64.max else { return [] }
            try store.auditMachines.duplicates(of: machine.stored, from: RecordCoding.sequenceKey(after + 1), in: self, take)
        case (.after(let after), nil):
            guard after < UInt64.max else { return [] }
            try store.audit.scan(from: RecordCoding.sequenceKey(after + 1), in: self) { key, _ in take(key) }
        case (.before(let before), let machine?):
            try store.auditMachines.duplicates(of: machine.stored, before: RecordCoding.sequenceKey(before ?? UInt64.max),
                                               in: self, take)
            sequences.reverse()
        case (.before(let before), nil):
            try store.audit.scanBackward(before: before.map(RecordCoding.sequenceKey), in: self) { key, _ in take(key) }
            sequences.reverse()
        }
        return try sequences.map { seq in
            guard let event = try event(seq: seq) else { throw StoreError(.corrupt, "audit event \(seq) is indexed but missing") }
            return event
        }
    }
}
