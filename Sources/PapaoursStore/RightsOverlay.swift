import PapaoursCore

/// The roles and groups one write is changing, laid over its view, so that the rights of the
/// machines it touches are computed as they will be once the write is applied.
struct RightsOverlay {
    let view: any RecordReading
    private(set) var roles: [String: RoleRecord?] = [:]
    private(set) var groups: [String: GroupRecord?] = [:]

    init(_ view: any RecordReading) { self.view = view }

    mutating func stage(_ role: RoleRecord, replacing old: String? = nil) {
        if let old, old != role.name { roles[old] = .some(nil) }
        roles[role.name] = role
    }

    mutating func stage(_ group: GroupRecord, replacing old: String? = nil) {
        if let old, old != group.name { groups[old] = .some(nil) }
        groups[group.name] = group
    }

    func role(_ name: String) throws -> RoleRecord? {
        if let staged = roles[name] { return staged }
        return try view.role(name: name)
    }

    func group(_ name: String) throws -> GroupRecord? {
        if let staged = groups[name] { return staged }
        return try view.group(name: name)
    }

    func rights(of machine: MachineRecord) throws -> [Right] {
        try EffectiveRights.rights(organization: machine.organization, roles: machine.roles, groups: machine.groups,
                                   role: role, group: group)
    }

    /// Every group that lists `role`, as the overlay holds them.
    func groups(listing role: String) throws -> [GroupRecord] {
        var all: [String: GroupRecord] = [:]
        for record in try view.allGroups() { all[record.name] = record }
        for (name, record) in groups { all[name] = record }
        return all.values.filter { $0.roles.contains(role) }.sorted { $0.name < $1.name }
    }
}
