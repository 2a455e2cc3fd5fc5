import PapaoursCore

/// The rules of every write verb: validation and every decision (ids, hashes, times, audit
/// events), turned into a change set against a view of the store. Nothing here writes; a
/// refusal throws StoreError before anything is decided, so it costs no other write anything.
public enum Decisions {
    public static func createMachine(_ draft: MachineDraft, by actor: Actor, at now: Timestamp,
                                     reading view: any RecordReading) throws -> Decision<MachineRecord> {
        let name = try Validation.machineName(draft.name)
        let record = MachineRecord(
            id: MachineID.random(), name: name,
            description: try Validation.description(draft.description),
            organization: try Validation.organization(draft.organization),
            roles: try Validation.roles(draft.roles),
            status: .active, created: now, createdBy: actor.user, updated: now)
        try requireFreeName(name, in: view)
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        builder.record(.putMachine(record))
        var log = ChangeLog()
        log.set("name", record.name)
        if !record.description.isEmpty { log.set("description", record.description) }
        if !record.organization.isEmpty { log.set("organization", record.organization) }
        if !record.roles.isEmpty { log.set("roles", record.roles.joined(separator: ",")) }
        builder.journal(.machineCreate, target: record.id.value, machine: record.id, log)
        return builder.decided(record)
    }

    public static func editMachine(_ ref: String, _ changes: MachineChanges, by actor: Actor, at now: Timestamp,
                                   reading view: any RecordReading) throws -> Decision<MachineRecord> {
        let old = try view.existingMachine(ref)
        var new = old
        if let name = changes.name { new.name = try Validation.machineName(name) }
        if let description = changes.description { new.description = try Validation.description(description) }
        if let organization = changes.organization { new.organization = try Validation.organization(organization) }
        if let roles = changes.roles { new.roles = try Validation.roles(roles) }
        if let status = changes.status { new.status = try Validation.status(status) }
        if Validation.nameFoldKey(new.name) != Validation.nameFoldKey(old.name) { try requireFreeName(new.name, in: view) }
        var log = ChangeLog()
        log.change("name", from: old.name, to: new.name)
        log.change("description", from: old.description, to: new.description)
        log.change("organization", from: old.organization, to: new.organization)
        log.change("roles", from: old.roles.joined(separator: ","), to: new.roles.joined(separator: ","))
        log.change("status", from: old.status.rawValue, to: new.status.rawValue)
        new.updated = now
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        builder.record(.putMachine(new))
        builder.journal(.machineEdit, target: new.id.value, machine: new.id, log)
        return builder.decided(new)
    }

    /// Deletes a machine and, irreversibly, its keys.
    public static func deleteMachine(_ ref: String, by actor: Actor, at now: Timestamp,
                                     reading view: any RecordReading) throws -> Decision<MachineRecord> {
        let record = try view.existingMachine(ref)
        let keys = try view.keyIDs(machine: record.id)
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        for key in keys { builder.record(.deleteKey(key)) }
        builder.record(.deleteMachine(record.id))
        var log = ChangeLog()
        log.removed("name", record.name)
        log.note(keys.isEmpty ? "no key deleted" : "keys deleted: " + keys.map(\.value).joined(separator: ","))
        builder.journal(.machineDelete, target: record.id.value, machine: record.id, log)
        return builder.decided(record)
    }

    /// A new key for `secret`, of which only the hash is kept.
    /// `imported`: the secret was issued elsewhere and brought in by KEY IMPORT.
    public static func createKey(machine ref: String, label: String, expires: String, secret: Secret, imported: Bool = false,
                                 by actor: Actor, at now: Timestamp, reading view: any RecordReading) throws -> Decision<KeyRecord> {
        let machine = try view.existingMachine(ref)
        let record = KeyRecord(
            id: KeyID.random(), machine: machine.id, label: try Validation.label(label), status: .active,
            created: now, createdBy: actor.user, updated: now, expires: try Validation.expiry(expires, now: now),
            lastUsed: nil, uses: 0, lastIP: "", hash: secret.hash)
        if try view.keyID(hash: record.hash) != nil {
            throw StoreError(.exists, "a key with this secret already exists")
        }
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        builder.record(.putKey(record))
        var log = ChangeLog()
        log.set("label", record.label)
        if let expires = record.expires { log.set("expires", expires.description) }
        if imported { log.note("imported secret issued elsewhere") }
        builder.journal(.keyCreate, target: record.id.value, machine: machine.id, log)
        return builder.decided(record)
    }

    /// Changes a key's label or status; its secret never changes.
    public static func editKey(_ ref: String, _ changes: KeyChanges, by actor: Actor, at now: Timestamp,
                               reading view: any RecordReading) throws -> Decision<KeyRecord> {
        let old = try view.existingKey(ref)
        var new = old
        if let label = changes.label { new.label = try Validation.label(label) }
        if let status = changes.status { new.status = try Validation.status(status) }
        var log = ChangeLog()
        log.change("label", from: old.label, to: new.label)
        log.change("status", from: old.status.rawValue, to: new.status.rawValue)
        new.updated = now
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        builder.record(.putKey(new))
        builder.journal(.keyEdit, target: new.id.value, machine: new.machine, log)
        return builder.decided(new)
    }

    /// Journals a write refused as `forbidden` (the machine named, when it exists).
    public static func denied(_ attempted: String, machineRef: String?, details: String, by actor: Actor,
                              at now: Timestamp, reading view: any RecordReading) throws -> ChangeSet {
        let machine = try machineRef.flatMap { try view.machine(ref: $0)?.id }
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        var log = ChangeLog()
        log.note(details)
        builder.journal(.denied, target: attempted, machine: machine, log)
        return builder.set
    }

    /// Journals a whole-store operation (export, backup, restore) with what it covered.
    public static func storeEvent(_ action: AuditAction, details: String, by actor: Actor, at now: Timestamp,
                                  reading view: any RecordReading) throws -> ChangeSet {
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        var log = ChangeLog()
        log.note(details)
        builder.journal(action, target: "store", machine: nil, log)
        return builder.set
    }

    /// Batched VERIFY usage for the keys that still exist; not journaled.
    public static func usage(_ usage: [KeyID: UsageDelta], at now: Timestamp, reading view: any RecordReading) throws -> ChangeSet {
        var builder = try ChangeSetBuilder(view, by: Actor(uid: 0, user: "papaoursd"), at: now)
        for (id, delta) in usage.sorted(by: { $0.key < $1.key }) where try view.key(id: id) != nil {
            builder.record(.addUsage(id, delta))
        }
        return builder.set
    }

    static func requireFreeName(_ name: String, in view: any RecordReading) throws {
        if try view.machineID(nameKey: Validation.nameFoldKey(name)) != nil {
            throw StoreError(.exists, "a machine named \(ChangeLog.quoted(name)) already exists (names are compared without regard to case)")
        }
    }
}
