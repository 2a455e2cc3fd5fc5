import PapaoursCore

/// The fields of a new role or group, as received (validated here).
public struct RoleDraft: Sendable {
    public var name: String
    public var description: String
    /// Comma-separated rights (roles) or role names (groups).
    public var members: String
    public var perimeter: String
    public var protected: String

    public init(name: String, description: String = "", members: String = "", perimeter: String = "*", protected: String = "no") {
        self.name = name
        self.description = description
        self.members = members
        self.perimeter = perimeter
        self.protected = protected
    }
}

/// What a role or group edit changes; nil leaves a field as it is.
public struct RoleChanges: Sendable {
    public var name: String?
    public var description: String?
    public var members: String?
    public var perimeter: String?
    public var protected: String?

    public init(name: String? = nil, description: String? = nil, members: String? = nil,
                perimeter: String? = nil, protected: String? = nil) {
        self.name = name
        self.description = description
        self.members = members
        self.perimeter = perimeter
        self.protected = protected
    }
}

/// The rules of ROLE and GROUP writes (protocol.md, "Rights"). Roles and groups are the
/// platform's: a writer whose grants are scoped may not change them, and a protected one is
/// `rights.admin`'s alone. A change that moves rights rewrites the rights of every machine it
/// reaches in the same change set, so VERIFY reads them ready.
extension Decisions {
    public static func createRole(_ draft: RoleDraft, authority: Authority, by actor: Actor, at now: Timestamp,
                                  reading view: any RecordReading) throws -> Decision<RoleRecord> {
        try requireUnscoped(authority, "create roles")
        let record = RoleRecord(name: try Validation.roleName(draft.name), description: try Validation.description(draft.description),
                                rights: try Validation.rights(draft.members), perimeter: try Perimeter(parsing: draft.perimeter),
                                protected: try Validation.protected(draft.protected), created: now, createdBy: actor.user, updated: now)
        try requireCreatable(record, authority: authority, isTaken: try view.role(name: record.name) != nil)
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        builder.record(.putRole(record))
        builder.journal(.roleCreate, target: record.name, machine: nil, log(created: record))
        return builder.decided(record)
    }

    /// A new name follows into the groups and machines holding the role; any change reaches
    /// the rights of every machine holding it, directly or through a group.
    public static func editRole(_ name: String, _ changes: RoleChanges, authority: Authority, by actor: Actor, at now: Timestamp,
                                reading view: any RecordReading) throws -> Decision<RoleRecord> {
        let old = try view.existingRole(name)
        let new = try edited(old, changes, authority: authority, now: now,
                             isTaken: { try view.role(name: $0) != nil }, checkName: { try Validation.roleName($0) })
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        var overlay = RightsOverlay(view)
        if new.name != old.name { builder.record(.deleteRole(old.name)) }
        builder.record(.putRole(new))
        overlay.stage(new, replacing: old.name)
        var reached = Set(try view.machineIDs(role: old.name))
        for var group in try overlay.groups(listing: old.name) {
            reached.formUnion(try view.machineIDs(group: group.name))
            guard new.name != old.name else { continue }
            group.roles = group.roles.map { $0 == old.name ? new.name : $0 }
            builder.record(.putGroup(group))
            overlay.stage(group)
        }
        let recomputed = try rewrite(reached, in: &builder, overlay) { machine in
            machine.roles = machine.roles.map { $0 == old.name ? new.name : $0 }
        }
        builder.journal(.roleEdit, target: new.name, machine: nil, log(from: old, to: new, recomputed: recomputed))
        return builder.decided(new)
    }

    public static func deleteRole(_ name: String, authority: Authority, by actor: Actor, at now: Timestamp,
                                  reading view: any RecordReading) throws -> Decision<RoleRecord> {
        try requireUnscoped(authority, "delete roles")
        let record = try view.existingRole(name)
        if record.protected { try requireRightsAdmin(authority, "delete the protected role \(ChangeLog.quoted(name))") }
        let holders = try view.machineIDs(role: name)
        let groups = try RightsOverlay(view).groups(listing: name)
        guard holders.isEmpty && groups.isEmpty else {
            throw StoreError(.invalid, "role \(ChangeLog.quoted(name)) is held by \(holders.count) machine(s) and \(groups.count) group(s): take it from them first")
        }
        return try deleted(record, .deleteRole(name), .roleDelete, by: actor, at: now, reading: view)
    }

    public static func createGroup(_ draft: RoleDraft, authority: Authority, by actor: Actor, at now: Timestamp,
                                   reading view: any RecordReading) throws -> Decision<GroupRecord> {
        try requireUnscoped(authority, "create groups")
        let record = GroupRecord(name: try Validation.groupName(draft.name), description: try Validation.description(draft.description),
                                 roles: try Validation.roles(draft.members), perimeter: try Perimeter(parsing: draft.perimeter),
                                 protected: try Validation.protected(draft.protected), created: now, createdBy: actor.user, updated: now)
        try requireAssignable(roles: record.roles, replacing: [], authority: authority, in: view)
        try requireCreatable(record, authority: authority, isTaken: try view.group(name: record.name) != nil)
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        builder.record(.putGroup(record))
        builder.journal(.groupCreate, target: record.name, machine: nil, log(created: record))
        return builder.decided(record)
    }

    public static func editGroup(_ name: String, _ changes: RoleChanges, authority: Authority, by actor: Actor, at now: Timestamp,
                                 reading view: any RecordReading) throws -> Decision<GroupRecord> {
        let old = try view.existingGroup(name)
        let new = try edited(old, changes, authority: authority, now: now,
                             isTaken: { try view.group(name: $0) != nil }, checkName: { try Validation.groupName($0) })
        try requireAssignable(roles: new.roles, replacing: old.roles, authority: authority, in: view)
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        var overlay = RightsOverlay(view)
        if new.name != old.name { builder.record(.deleteGroup(old.name)) }
        builder.record(.putGroup(new))
        overlay.stage(new, replacing: old.name)
        let recomputed = try rewrite(Set(try view.machineIDs(group: old.name)), in: &builder, overlay) { machine in
            machine.groups = machine.groups.map { $0 == old.name ? new.name : $0 }
        }
        builder.journal(.groupEdit, target: new.name, machine: nil, log(from: old, to: new, recomputed: recomputed))
        return builder.decided(new)
    }

    public static func deleteGroup(_ name: String, authority: Authority, by actor: Actor, at now: Timestamp,
                                   reading view: any RecordReading) throws -> Decision<GroupRecord> {
        try requireUnscoped(authority, "delete groups")
        let record = try view.existingGroup(name)
        if record.protected { try requireRightsAdmin(authority, "delete the protected group \(ChangeLog.quoted(name))") }
        let holders = try view.machineIDs(group: name)
        guard holders.isEmpty else {
            throw StoreError(.invalid, "group \(ChangeLog.quoted(name)) is held by \(holders.count) machine(s): take it from them first")
        }
        return try deleted(record, .deleteGroup(name), .groupDelete, by: actor, at: now, reading: view)
    }

    private static func deleted<R: PerimeterRecord>(_ record: R, _ change: ChangeSet.Change, _ action: AuditAction, by actor: Actor,
                                                    at now: Timestamp, reading view: any RecordReading) throws -> Decision<R> {
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        builder.record(change)
        var log = ChangeLog()
        log.removed("name", record.name)
        builder.journal(action, target: record.name, machine: nil, log)
        return builder.decided(record)
    }

    // MARK: Shared rules

    /// Rewrites the machines `ids` (changed by `edit`) with their rights as `overlay` makes them;
    /// returns how many machines' rights changed. A machine only renamed into keeps its `updated`.
    static func rewrite(_ ids: Set<MachineID>, in builder: inout ChangeSetBuilder, _ overlay: RightsOverlay,
                        edit: (inout MachineRecord) -> Void) throws -> Int {
        var changed = 0
        for id in ids.sorted() {
            guard let old = try overlay.view.machine(id: id) else { continue }
            var machine = old
            edit(&machine)
            machine.rights = try overlay.rights(of: machine)
            if machine.rights != old.rights { changed += 1 }
            if machine != old { builder.record(.putMachine(machine)) }
        }
        return changed
    }

    /// Roles assigned to a group or a machine must exist; assigning or taking away a protected
    /// one is `rights.admin`'s.
    static func requireAssignable(roles: [String], replacing old: [String], authority: Authority,
                                  in view: any RecordReading) throws {
        for name in roles where !old.contains(name) {
            guard let role = try view.role(name: name) else { throw StoreError(.notFound, "no role \(ChangeLog.quoted(name))") }
            if role.protected { try requireRightsAdmin(authority, "assign the protected role \(ChangeLog.quoted(name))") }
        }
        for name in old where !roles.contains(name) {
            if try view.role(name: name)?.protected == true {
                try requireRightsAdmin(authority, "take away the protected role \(ChangeLog.quoted(name))")
            }
        }
    }

    static func requireAssignable(groups: [String], replacing old: [String], authority: Authority,
                                  in view: any RecordReading) throws {
        for name in groups where !old.contains(name) {
            guard let group = try view.group(name: name) else { throw StoreError(.notFound, "no group \(ChangeLog.quoted(name))") }
            if group.protected { try requireRightsAdmin(authority, "assign the protected group \(ChangeLog.quoted(name))") }
        }
        for name in old where !groups.contains(name) {
            if try view.group(name: name)?.protected == true {
                try requireRightsAdmin(authority, "take away the protected group \(ChangeLog.quoted(name))")
            }
        }
    }

    static func requireRightsAdmin(_ authority: Authority, _ what: String) throws {
        guard authority.rightsAdmin else { throw StoreError(.forbidden, "only a holder of rights.admin may \(what)") }
    }

    static func requireUnscoped(_ authority: Authority, _ what: String) throws {
        guard !authority.isScoped else {
            throw StoreError(.forbidden, "grants limited to organisations cannot \(what): roles and groups apply across organisations")
        }
    }

    static func yesNo(_ flag: Bool) -> String { flag ? "yes" : "no" }
}
