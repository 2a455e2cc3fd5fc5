import PapaoursCore

/// What the store says of a presented secret whose form is right (protocol.md, VERIFY order).
public enum VerifyOutcome: Sendable {
    case valid(VerifiedKey)
    case unknownKey
    case inactiveKey(expires: Timestamp?)
    case expiredKey(Timestamp)
    case inactiveMachine(expires: Timestamp?)
}

/// What a VERIFY reply says of a valid key: the key's id and label, and its machine.
public struct VerifiedKey: Sendable {
    public let id: KeyID
    public let label: String
    public let expires: Timestamp?
    public let machine: MachineRecord
}

extension Snapshot {
    /// Key by hash (one lookup), then its status, its expiry, its machine's status, in that order.
    /// Machine records come from `machines`, which holds them for this snapshot only.
    public func verify(_ hash: SecretHash, at now: Timestamp, machines: MachineCache) throws -> VerifyOutcome {
        let found: Result<VerifyOutcome, StoreError>? = try hash.withBytes { k in
            try store.secrets.get(k, in: self) { bytes in
                var reader = RecordReader(bytes)
                guard let view = try? KeyView(reading: &reader) else { return .failure(StoreError(.corrupt, "a key record is corrupt")) }
                guard view.status == .active else { return .success(.inactiveKey(expires: view.expires)) }
                if let expires = view.expires, expires <= now { return .success(.expiredKey(expires)) }
                let machineID = Array(view.machine)
                let machine: MachineRecord
                do {
                    guard let record = try machines.lookup(machineID, generation: generation) ?? store.machine(idBytes: machineID, in: self) else {
                        return .failure(StoreError(.corrupt, "a key belongs to a missing machine"))
                    }
                    machine = record
                } catch {
                    return .failure(StoreError(any: error))
                }
                machines.remember(machineID, machine)
                guard machine.status == .active else { return .success(.inactiveMachine(expires: view.expires)) }
                return .success(.valid(VerifiedKey(id: KeyID(stored: view.id),
                                                   label: String(decoding: view.label, as: UTF8.self),
                                                   expires: view.expires, machine: machine)))
            }
        }
        guard let found else { return .unknownKey }
        return try found.get()
    }
}

/// One reader's machine records, valid for one snapshot: with many keys per machine, VERIFY
/// reads one B-tree (the key's) and finds the machine here.
public final class MachineCache {
    public static let capacity = 100_000
    private var generation = UInt64.max
    private var records: [[UInt8]: MachineRecord] = [:]

    public init() {}

    /// Records read from another snapshot are dropped: only this one's are good.
    func lookup(_ id: [UInt8], generation: UInt64) -> MachineRecord? {
        if generation != self.generation {
            records.removeAll(keepingCapacity: true)
            self.generation = generation
            return nil
        }
        return records[id]
    }

    func remember(_ id: [UInt8], _ record: MachineRecord) {
        if records.count >= MachineCache.capacity { records.removeAll(keepingCapacity: true) }
        records[id] = record
    }
}
