/// The one computation of a machine's effective rights (protocol.md, "Rights"): every right
/// of every role in the machine's `roles` whose perimeter holds its organisation, and, for
/// every group in its `groups` whose perimeter holds it, every right of every role of the
/// group whose own perimeter holds it. The server stores the result in the machine record
/// on every write that can change it; papaoursctl uses the sources to say where each comes from.
public enum EffectiveRights {
    /// Where an effective right comes from: a role, held directly or through a group.
    public struct Source: Sendable, Equatable, Hashable {
        public let role: String
        /// nil: the machine holds the role itself.
        public let group: String?

        public init(role: String, group: String?) {
            self.role = role
            self.group = group
        }
    }

    /// Each effective right with every source that brings it, sorted by right.
    public static func sources(organization: String, roles: [String], groups: [String],
                               role: (String) throws -> RoleRecord?, group: (String) throws -> GroupRecord?) rethrows -> [(Right, [Source])] {
        var found: [Right: [Source]] = [:]
        func add(_ record: RoleRecord, through group: String?) {
            guard record.perimeter.contains(organization) else { return }
            for right in record.rights { found[right, default: []].append(Source(role: record.name, group: group)) }
        }
        for name in roles { if let record = try role(name) { add(record, through: nil) } }
        for name in groups {
            guard let g = try group(name), g.perimeter.contains(organization) else { continue }
            for roleName in g.roles { if let record = try role(roleName) { add(record, through: g.name) } }
        }
        return found.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The effective rights alone, sorted, each once.
    public static func rights(organization: String, roles: [String], groups: [String],
                              role: (String) throws -> RoleRecord?, group: (String) throws -> GroupRecord?) rethrows -> [Right] {
        try sources(organization: organization, roles: roles, groups: groups, role: role, group: group).map(\.0)
    }
}
