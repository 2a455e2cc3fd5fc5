import PapaoursCore

/// The rules of every write verb: validation and every decision (ids, hashes, times, audit
/// events), turned into a change set against a view of the store. Nothing here writes; a
/// refusal throws StoreError before anything is decided, so it costs no other write anything.
public enum Decisions {
    public static func createMachine(_ draft: MachineDraft, authority: Authority = .full, by actor: Actor, at now: Timestamp,
                                     reading view: any RecordReading) throws -> Decision<MachineRecord> {
        let name = try Validation.machineName(draft.name)
        var record = MachineRecord(
            id: MachineID.random(), name: name,
            description: try Validation.description(draft.description),
            organization: try Validation.organization(draft.organization),
            roles: try Validation.roles(draft.roles),
            status: .active, created: now, createdBy: actor.user, updated: now,
            groups: try Validation.groups(draft.groups), protected: try Validation.protected(draft.protected))
        try requireScope(authority, covers: record.organization)
        if record.protected { try requireRightsAdmin(authority, "create a protected machine") }
        try requireFreeName(name, in: view)
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        let overlay = try assign(record, replacing: nil, authority: authority, in: &builder)
        record.rights = try overlay.rights(of: record)
        builder.record(.putMachine(record))
        var log = ChangeLog()
        log.set("name", record.name)
        if !record.description.isEmpty { log.set("description", record.description) }
        if !record.organization.isEmpty { log.set("organization", record.organization) }
        if !record.roles.isEmpty { log.set("roles", record.roles.joined(separator: ",")) }
        if !record.groups.isEmpty { log.set("groups", record.groups.joined(separator: ",")) }
        if record.protected { log.set("protected", "yes") }
        builder.journal(.machineCreate, target: record.id.value, machine: record.id, log)
        return builder.decided(record)
    }

    public static func editMachine(_ ref: String, _ changes: MachineChanges, authority: Authority = .full, by actor: Actor,
                                   at now: Timestamp, reading view: any RecordReading) throws -> Decision<MachineRecord> {
        let old = try view.writableMachine(ref, authority)
        var new = old
        if let name = changes.name { new.name = try Validation.machineName(name) }
        if let description = changes.description { new.description = try Validation.description(description) }
        if let organization = changes.organization { new.organization = try Validation.organization(organization) }
        if let roles = changes.roles { new.roles = try Validation.roles(roles) }
        if let status = changes.status { new.status = try Validation.status(status) }
        if let groups = changes.groups { new.groups = try Validation.groups(groups) }
        if let protected = changes.protected { new.protected = try Validation.protected(protected) }
        if new.organization != old.organization { try requireScope(authority, covers: new.organization) }
        if new.protected != old.protected { try requireRightsAdmin(authority, "protect a machine or lift its protection") }
        if Validation.nameFoldKey(new.name) != Validation.nameFoldKey(old.name) { try requireFreeName(new.name, in: view) }
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        let overlay = try assign(new, replacing: old, authority: authority, in: &builder)
        new.rights = try overlay.rights(of: new)
        var log = ChangeLog()
        log.change("name", from: old.name, to: new.name)
        log.change("description", from: old.description, to: new.description)
        log.change("organization", from: old.organization, to: new.organization)
        log.change("roles", from: old.roles.joined(separator: ","), to: new.roles.joined(separator: ","))
        log.change("status", from: old.status.rawValue, to: new.status.rawValue)
        log.change("groups", from: old.groups.joined(separator: ","), to: new.groups.joined(separator: ","))
        log.change("protected", from: yesNo(old.protected), to: yesNo(new.protected))
        log.change("rights", from: Right.listText(old.rights), to: Right.listText(new.rights))
        new.updated = now
        builder.record(.putMachine(new))
        builder.journal(.machineEdit, target: new.id.value, machine: new.id, log)
        return builder.decided(new)
    }

    /// Deletes a machine and, irreversibly, its keys.
    public static func deleteMachine(_ ref: String, authority: Authority = .full, by actor: Actor, at now: Timestamp,
                                     reading view: any RecordReading) throws -> Decision<MachineRecord> {
        let record = try view.writableMachine(ref, authority)
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

    /// The roles and groups a machine is given: groups must exist; a role that does not is
    /// created with no rights and perimeter `*` (version 1's free-text roles stay valid), by an
    /// unscoped writer only; protected ones are `rights.admin`'s to give or take.
    static func assign(_ machine: MachineRecord, replacing old: MachineRecord?, authority: Authority,
                       in builder: inout ChangeSetBuilder) throws -> RightsOverlay {
        var overlay = RightsOverlay(builder.view)
        let held = old?.roles ?? []
        for name in machine.roles where !held.contains(name) {
            if try builder.view.role(name: name) != nil { continue }
            try requireUnscoped(authority, "create the role \(ChangeLog.quoted(name)), which does not exist")
            let role = RoleRecord(name: name, created: builder.now, createdBy: builder.actor.user, updated: builder.now)
            builder.record(.putRole(role))
            overlay.stage(role)
            var log = ChangeLog()
            log.set("name", name)
            log.set("perimeter", role.perimeter.description)
            builder.journal(.roleCreate, target: name, machine: nil, log)
        }
        let existing = try machine.roles.filter { try builder.view.role(name: $0) != nil }
        try requireAssignable(roles: existing, replacing: held, authority: authority, in: builder.view)
        try requireAssignable(groups: machine.groups, replacing: old?.groups ?? [], authority: authority, in: builder.view)
        return overlay
    }

    /// A new key for `secret`, of which only the hash is kept.
    /// `imported`: the secret was issued elsewhere and brought in by KEY IMPORT.
    public static func createKey(machine ref: String, label: String, expires: String, secret: Secret, imported: Bool = false,
                                 authority: Authority = .full, by actor: Actor, at now: Timestamp,
                                 reading view: any RecordReading) throws -> Decision<KeyRecord> {
        let machine = try view.writableMachine(ref, authority)
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
    public static func editKey(_ ref: String, _ changes: KeyChanges, authority: Authority = .full, by actor: Actor,
                               at now: Timestamp, reading view: any RecordReading) throws -> Decision<KeyRecord> {
        let old = try view.writableKey(ref, authority)
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

    /// A machine scoped writers see only inside their scope; only `rights.admin` changes a protected one.
    static func requireScope(_ authority: Authority, covers organization: String) throws {
        guard authority.covers(organization) else {
            let what = organization.isEmpty ? "a machine with no organisation" : "organisation \(ChangeLog.quoted(organization))"
            throw StoreError(.forbidden, "\(what) is outside the organisations your grants cover")
        }
    }

    static func requireFreeName(_ name: String, in view: any RecordReading) throws {
        if try view.machineID(nameKey: Validation.nameFoldKey(name)) != nil {
            throw StoreError(.exists, "a machine named \(ChangeLog.quoted(name)) already exists (names are compared without regard to case)")
        }
    }
}
