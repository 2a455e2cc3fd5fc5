import PapaoursCore

/// What the store says of a presented secret whose form is right (protocol.md, VERIFY order).
public enum VerifyOutcome: Sendable {
    case valid(KeyRecord, MachineRecord)
    case unknownKey
    case inactiveKey(KeyRecord)
    case expiredKey(KeyRecord)
    case inactiveMachine(KeyRecord)
}

extension Store {
    /// Key by hash, then its status, its expiry, its machine's status, in that order.
    /// `machines`, when given, remembers machine records between calls on the same snapshot,
    /// `snapshot` being the commit count the transaction's snapshot was taken at.
    public func verify<T: Transaction & ~Copyable>(_ hash: SecretHash, at now: Timestamp, in txn: borrowing T,
                                                   machines: MachineCache? = nil, snapshot: UInt64 = 0) throws -> VerifyOutcome {
        guard let key = try key(hash: hash, in: txn) else { return .unknownKey }
        guard key.status == .active else { return .inactiveKey(key) }
        guard !key.isExpired(at: now) else { return .expiredKey(key) }
        let found: MachineRecord?
        if let cached = machines?.lookup(key.machine, snapshot: snapshot) {
            found = cached
        } else {
            found = try machine(id: key.machine, in: txn)
        }
        guard let machine = found else {
            throw StoreError(.corrupt, "key \(key.id) belongs to missing machine \(key.machine)")
        }
        machines?.remember(machine)
        guard machine.status == .active else { return .inactiveMachine(key) }
        return .valid(key, machine)
    }
}

/// One reader's machine records, valid while no commit has happened: with many keys per
/// machine, VERIFY then reads one B-tree (the key's) instead of two.
public final class MachineCache {
    public static let capacity = 100_000
    private var generation = UInt64.max
    private var records: [MachineID: MachineRecord] = [:]

    public init() {}

    /// Records read from another snapshot are dropped: only this one's are good.
    func lookup(_ id: MachineID, snapshot: UInt64) -> MachineRecord? {
        if snapshot != generation {
            records.removeAll(keepingCapacity: true)
            generation = snapshot
            return nil
        }
        return records[id]
    }

    func remember(_ record: MachineRecord) {
        if records.count >= MachineCache.capacity { records.removeAll(keepingCapacity: true) }
        records[record.id] = record
    }
}
