import PapaoursCore

/// The effect of every write verb, with its audit event, inside the caller's write transaction.
/// Each checks everything before its first put, so a refusal leaves the transaction untouched.
extension Store {
    public func createMachine(_ draft: MachineDraft, by actor: Actor, at now: Timestamp,
                              in txn: borrowing WriteTransaction) throws -> MachineRecord {
        let name = try Validation.machineName(draft.name)
        let record = MachineRecord(
            id: MachineID.random(), name: name,
            description: try Validation.description(draft.description),
            organization: try Validation.organization(draft.organization),
            roles: try Validation.roles(draft.roles),
            status: .active, created: now, createdBy: actor.user, updated: now)
        try requireFreeName(name, in: txn)
        try putMachine(record, in: txn)
        try machineNames.put(Array(Validation.nameFoldKey(name).utf8), Array(record.id.value.utf8), in: txn)
        var log = ChangeLog()
        log.set("name", record.name)
        if !record.description.isEmpty { log.set("description", record.description) }
        if !record.organization.isEmpty { log.set("organization", record.organization) }
        if !record.roles.isEmpty { log.set("roles", record.roles.joined(separator: ",")) }
        try appendAudit(.machineCreate, target: record.id.value, machine: record.id, details: log.text, by: actor, at: now, in: txn)
        return record
    }

    public func editMachine(_ ref: String, _ changes: MachineChanges, by actor: Actor, at now: Timestamp,
                            in txn: borrowing WriteTransaction) throws -> MachineRecord {
        let old = try existingMachine(ref, in: txn)
        var new = old
        if let name = changes.name { new.name = try Validation.machineName(name) }
        if let description = changes.description { new.description = try Validation.description(description) }
        if let organization = changes.organization { new.organization = try Validation.organization(organization) }
        if let roles = changes.roles { new.roles = try Validation.roles(roles) }
        if let status = changes.status { new.status = try Validation.status(status) }
        let renamed = Validation.nameFoldKey(new.name) != Validation.nameFoldKey(old.name)
        if renamed { try requireFreeName(new.name, in: txn) }
        var log = ChangeLog()
        log.change("name", from: old.name, to: new.name)
        log.change("description", from: old.description, to: new.description)
        log.change("organization", from: old.organization, to: new.organization)
        log.change("roles", from: old.roles.joined(separator: ","), to: new.roles.joined(separator: ","))
        log.change("status", from: old.status.rawValue, to: new.status.rawValue)
        new.updated = now
        if old.name != new.name {
            try machineNames.delete(Array(Validation.nameFoldKey(old.name).utf8), in: txn)
            try machineNames.put(Array(Validation.nameFoldKey(new.name).utf8), Array(new.id.value.utf8), in: txn)
        }
        try putMachine(new, in: txn)
        try appendAudit(.machineEdit, target: new.id.value, machine: new.id, details: log.text, by: actor, at: now, in: txn)
        return new
    }

    /// Deletes a machine and, irreversibly, its keys and their hashes.
    public func deleteMachine(_ ref: String, by actor: Actor, at now: Timestamp,
                              in txn: borrowing WriteTransaction) throws -> (machine: MachineRecord, keys: [KeyID]) {
        let record = try existingMachine(ref, in: txn)
        let keyRecords = try keys(machine: record.id, in: txn)
        for key in keyRecords {
            try keyHashes.delete(key.hash.bytes, in: txn)
            try keys.delete(Array(key.id.value.utf8), in: txn)
            try machineKeys.delete(Array(record.id.value.utf8) + Array(key.id.value.utf8), in: txn)
        }
        try machineNames.delete(Array(Validation.nameFoldKey(record.name).utf8), in: txn)
        try machines.delete(Array(record.id.value.utf8), in: txn)
        var log = ChangeLog()
        log.set("name", record.name)
        log.note(keyRecords.isEmpty ? "no key deleted" : "keys deleted: " + keyRecords.map(\.id.value).joined(separator: ","))
        try appendAudit(.machineDelete, target: record.id.value, machine: record.id, details: log.text, by: actor, at: now, in: txn)
        return (record, keyRecords.map(\.id))
    }

    /// Stores a new key for `secret`, keeping only its hash.
    /// `imported`: the secret was issued elsewhere and brought in by KEY IMPORT.
    public func createKey(machine ref: String, label: String, expires: String, secret: Secret, imported: Bool = false,
                          by actor: Actor, at now: Timestamp, in txn: borrowing WriteTransaction) throws -> KeyRecord {
        let machine = try existingMachine(ref, in: txn)
        let record = KeyRecord(
            id: KeyID.random(), machine: machine.id, label: try Validation.label(label), status: .active,
            created: now, createdBy: actor.user, updated: now, expires: try Validation.expiry(expires, now: now),
            lastUsed: nil, uses: 0, lastIP: "", hash: secret.hash)
        if try keyHashes.get(record.hash.bytes, in: txn) != nil {
            throw StoreError(.exists, "a key with this secret already exists")
        }
        try keyHashes.put(record.hash.bytes, Array(record.id.value.utf8), in: txn)
        try putKey(record, in: txn)
        try machineKeys.put(Array(machine.id.value.utf8) + Array(record.id.value.utf8), [], in: txn)
        var log = ChangeLog()
        log.set("label", record.label)
        if let expires = record.expires { log.note("expires \(expires)") }
        if imported { log.note("imported secret issued elsewhere") }
        try appendAudit(.keyCreate, target: record.id.value, machine: machine.id, details: log.text, by: actor, at: now, in: txn)
        return record
    }

    /// Changes a key's label or status; its secret never changes.
    public func editKey(_ ref: String, _ changes: KeyChanges, by actor: Actor, at now: Timestamp,
                        in txn: borrowing WriteTransaction) throws -> KeyRecord {
        guard let old = try key(ref: ref, in: txn) else { throw StoreError(.notFound, "no key \(ref)") }
        var new = old
        if let label = changes.label { new.label = try Validation.label(label) }
        if let status = changes.status { new.status = try Validation.status(status) }
        var log = ChangeLog()
        log.change("label", from: old.label, to: new.label)
        log.change("status", from: old.status.rawValue, to: new.status.rawValue)
        new.updated = now
        try putKey(new, in: txn)
        try appendAudit(.keyEdit, target: new.id.value, machine: new.machine, details: log.text, by: actor, at: now, in: txn)
        return new
    }

    /// Journals a write refused as `forbidden`.
    public func recordDenied(_ attempted: String, machine: MachineID?, details: String, by actor: Actor,
                             at now: Timestamp, in txn: borrowing WriteTransaction) throws {
        try appendAudit(.denied, target: attempted, machine: machine, details: details, by: actor, at: now, in: txn)
    }

    /// Adds batched VERIFY usage to the keys that still exist.
    public func applyUsage(_ usage: [KeyID: UsageDelta], in txn: borrowing WriteTransaction) throws {
        for (id, delta) in usage {
            guard var record = try key(id: id, in: txn) else { continue }
            record.uses += delta.uses
            if record.lastUsed.map({ delta.lastUsed >= $0 }) ?? true {
                record.lastUsed = delta.lastUsed
                record.lastIP = delta.lastIP
            }
            try putKey(record, in: txn)
        }
    }

    // MARK: Pieces

    func existingMachine(_ ref: String, in txn: borrowing WriteTransaction) throws -> MachineRecord {
        guard let record = try machine(ref: ref, in: txn) else { throw StoreError(.notFound, "no machine \(ref)") }
        return record
    }

    func requireFreeName(_ name: String, in txn: borrowing WriteTransaction) throws {
        if try machineNames.get(Array(Validation.nameFoldKey(name).utf8), in: txn) != nil {
            throw StoreError(.exists, "a machine named \(ChangeLog.quoted(name)) already exists (names are compared without regard to case)")
        }
    }

    func putMachine(_ record: MachineRecord, in txn: borrowing WriteTransaction) throws {
        try machines.put(Array(record.id.value.utf8), RecordCoding.encode(record), in: txn)
    }

    func putKey(_ record: KeyRecord, in txn: borrowing WriteTransaction) throws {
        try keys.put(Array(record.id.value.utf8), RecordCoding.encode(record), in: txn)
    }

    @discardableResult
    func appendAudit(_ action: AuditAction, target: String, machine: MachineID?, details: String, by actor: Actor,
                     at now: Timestamp, in txn: borrowing WriteTransaction) throws -> UInt64 {
        let seq = try lastAuditSequence(in: txn) + 1
        let event = AuditEvent(seq: seq, time: now, uid: actor.uid, user: actor.user, action: action,
                               target: target, machine: machine, details: details)
        let key = RecordCoding.sequenceKey(seq)
        try audit.put(key, RecordCoding.encode(event), noOverwrite: true, in: txn)
        if let machine { try auditByMachine.put(Array(machine.value.utf8) + key, [], in: txn) }
        return seq
    }
}
