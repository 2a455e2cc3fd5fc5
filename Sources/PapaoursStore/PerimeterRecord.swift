import PapaoursCore

/// A role or a group: a named record with a perimeter, which gathers members (a role's
/// rights, a group's roles). The rules their writes share are written once, here.
protocol PerimeterRecord: Sendable {
    var name: String { get set }
    var description: String { get set }
    var perimeter: Perimeter { get set }
    var protected: Bool { get set }
    var updated: Timestamp { get set }
    /// Its members as text, comma-separated.
    var memberText: String { get }
    /// Sets the members from their text, checked.
    mutating func setMembers(_ text: String) throws
    /// `role` or `group`, in messages.
    static var noun: String { get }
    /// `rights` or `roles`: the journal's field for the members.
    static var membersField: String { get }
}

extension RoleRecord: PerimeterRecord {
    var memberText: String { Right.listText(rights) }
    mutating func setMembers(_ text: String) throws { rights = try Validation.rights(text) }
    static var noun: String { "role" }
    static var membersField: String { "rights" }
}

extension GroupRecord: PerimeterRecord {
    var memberText: String { roles.joined(separator: ",") }
    mutating func setMembers(_ text: String) throws { roles = try Validation.roles(text) }
    static var noun: String { "group" }
    static var membersField: String { "roles" }
}

extension Decisions {
    /// A role or group as an edit makes it, with the checks both kinds share: the writer's
    /// reach, the protection, a free name.
    static func edited<R: PerimeterRecord>(_ old: R, _ changes: RoleChanges, authority: Authority, now: Timestamp,
                                           isTaken: (String) throws -> Bool, checkName: (String) throws -> String) throws -> R {
        try requireUnscoped(authority, "edit \(R.noun)s")
        var new = old
        if let name = changes.name { new.name = try checkName(name) }
        if let description = changes.description { new.description = try Validation.description(description) }
        if let members = changes.members { try new.setMembers(members) }
        if let perimeter = changes.perimeter { new.perimeter = try Perimeter(parsing: perimeter) }
        if let protected = changes.protected { new.protected = try Validation.protected(protected) }
        if old.protected || new.protected { try requireRightsAdmin(authority, "edit the protected \(R.noun) \(ChangeLog.quoted(old.name))") }
        if new.name != old.name, try isTaken(new.name) {
            throw StoreError(.exists, "a \(R.noun) named \(ChangeLog.quoted(new.name)) already exists")
        }
        new.updated = now
        return new
    }

    /// What an edit changed, field by field, and how many machines' rights it moved.
    static func log<R: PerimeterRecord>(from old: R, to new: R, recomputed: Int) -> ChangeLog {
        var log = ChangeLog()
        log.change("name", from: old.name, to: new.name)
        log.change("description", from: old.description, to: new.description)
        log.change(R.membersField, from: old.memberText, to: new.memberText)
        log.change("perimeter", from: old.perimeter.description, to: new.perimeter.description)
        log.change("protected", from: yesNo(old.protected), to: yesNo(new.protected))
        if recomputed > 0 { log.note("rights of \(recomputed) machine(s) changed") }
        return log
    }

    static func log<R: PerimeterRecord>(created record: R) -> ChangeLog {
        var log = ChangeLog()
        log.set("name", record.name)
        if !record.description.isEmpty { log.set("description", record.description) }
        if !record.memberText.isEmpty { log.set(R.membersField, record.memberText) }
        log.set("perimeter", record.perimeter.description)
        if record.protected { log.set("protected", "yes") }
        return log
    }

    /// A new role or group may be protected only by rights.admin, and takes a free name.
    static func requireCreatable<R: PerimeterRecord>(_ record: R, authority: Authority, isTaken: Bool) throws {
        if record.protected { try requireRightsAdmin(authority, "create a protected \(R.noun)") }
        if isTaken { throw StoreError(.exists, "a \(R.noun) named \(ChangeLog.quoted(record.name)) already exists") }
    }
}
