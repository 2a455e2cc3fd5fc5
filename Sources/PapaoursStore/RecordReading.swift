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
    func role(name: String) throws -> RoleRecord?
    func group(name: String) throws -> GroupRecord?
    /// Every group, in name order (few: they are the platform's own).
    func allGroups() throws -> [GroupRecord]
    /// The machines holding a role, or a group, directly; in id order.
    func machineIDs(role: String) throws -> [MachineID]
    func machineIDs(group: String) throws -> [MachineID]
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

    /// A machine the writer may change: outside its scope it is absent; protected, it is
    /// `rights.admin`'s (its keys too).
    func writableMachine(_ ref: String, _ authority: Authority) throws -> MachineRecord {
        let record = try existingMachine(ref)
        guard authority.covers(record.organization) else { throw StoreError(.notFound, "no machine \(ChangeLog.quoted(ref))") }
        if record.protected {
            try Decisions.requireRightsAdmin(authority, "change the protected machine \(ChangeLog.quoted(record.name)) or its keys")
        }
        return record
    }

    /// A key the writer may change: that of a machine it may change (`writableMachine`), else absent.
    func writableKey(_ ref: String, _ authority: Authority) throws -> KeyRecord {
        let key = try existingKey(ref)
        guard let machine = try machine(id: key.machine), authority.covers(machine.organization) else {
            throw StoreError(.notFound, "no key \(ChangeLog.quoted(ref))")
        }
        if machine.protected {
            try Decisions.requireRightsAdmin(authority, "change the keys of the protected machine \(ChangeLog.quoted(machine.name))")
        }
        return key
    }

    func existingRole(_ name: String) throws -> RoleRecord {
        guard let record = try role(name: name) else { throw StoreError(.notFound, "no role \(ChangeLog.quoted(name))") }
        return record
    }

    func existingGroup(_ name: String) throws -> GroupRecord {
        guard let record = try group(name: name) else { throw StoreError(.notFound, "no group \(ChangeLog.quoted(name))") }
        return record
    }

    func existingKey(_ ref: String) throws -> KeyRecord {
        guard let record = try key(ref: ref) else { throw StoreError(.notFound, "no key \(ChangeLog.quoted(ref))") }
        return record
    }
}
