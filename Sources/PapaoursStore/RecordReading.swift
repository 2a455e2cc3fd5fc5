import PapaoursCore

/// The reads a write's decision needs: a snapshot of the store, or a snapshot with the
/// writes decided before it in the same batch laid over it (BatchView).
public protocol RecordReading {
    func machine(id: MachineID) throws -> MachineRecord?
    /// The machine holding a name, by the name's fold key (Validation.nameFoldKey).
    func machineID(nameKey: String) throws -> MachineID?
    func key(id: KeyID) throws -> KeyRecord?
    func keyID(hash: SecretHash) throws -> KeyID?
    /// A machine's keys, in id order.
    func keyIDs(machine: MachineID) throws -> [KeyID]
    func event(seq: UInt64) throws -> AuditEvent?
    func lastEventSequence() throws -> UInt64
    func changeSequence() throws -> UInt64
}

extension RecordReading {
    /// A machine by its id, then by its exact name (protocol.md, "Settled since the first version").
    public func machine(ref: String) throws -> MachineRecord? {
        if let id = MachineID(ref), let record = try machine(id: id) { return record }
        guard Validation.isStorableKey(ref), let id = try machineID(nameKey: Validation.nameFoldKey(ref)),
              let record = try machine(id: id), record.name == ref else { return nil }
        return record
    }

    public func key(ref: String) throws -> KeyRecord? {
        guard let id = KeyID(ref) else { return nil }
        return try key(id: id)
    }

    func existingMachine(_ ref: String) throws -> MachineRecord {
        guard let record = try machine(ref: ref) else { throw StoreError(.notFound, "no machine \(ChangeLog.quoted(ref))") }
        return record
    }

    func existingKey(_ ref: String) throws -> KeyRecord {
        guard let record = try key(ref: ref) else { throw StoreError(.notFound, "no key \(ChangeLog.quoted(ref))") }
        return record
    }
}
