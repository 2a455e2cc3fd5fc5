import PapaoursCore

/// Roles, groups and who holds them, read from a snapshot.
extension Snapshot {
    public func role(name: String) throws -> RoleRecord? {
        guard Validation.isStorableKey(name), let bytes = try store.roles.get(Array(name.utf8), in: self) else { return nil }
        return try bytes.withUnsafeBytes { try Store.decoded($0, "role", RecordCoding.decodeRole) }
    }

    public func group(name: String) throws -> GroupRecord? {
        guard Validation.isStorableKey(name), let bytes = try store.groups.get(Array(name.utf8), in: self) else { return nil }
        return try bytes.withUnsafeBytes { try Store.decoded($0, "group", RecordCoding.decodeGroup) }
    }

    /// Every role, in name order.
    public func allRoles() throws -> [RoleRecord] {
        var records: [RoleRecord] = []
        try store.roles.scan(in: self) { _, value in
            records.append(try value.withUnsafeBytes { try Store.decoded($0, "role", RecordCoding.decodeRole) })
            return true
        }
        return records
    }

    public func allGroups() throws -> [GroupRecord] {
        var records: [GroupRecord] = []
        try store.groups.scan(in: self) { _, value in
            records.append(try value.withUnsafeBytes { try Store.decoded($0, "group", RecordCoding.decodeGroup) })
            return true
        }
        return records
    }

    public func machineIDs(role: String) throws -> [MachineID] { try holders(store.roleMachines, role) }

    public func machineIDs(group: String) throws -> [MachineID] { try holders(store.groupMachines, group) }

    /// How many machines hold a role, or a group, directly: the record's `machines`.
    public func holderCount(role: String) throws -> Int { try holders(store.roleMachines, role).count }
    public func holderCount(group: String) throws -> Int { try holders(store.groupMachines, group).count }

    private func holders(_ database: Database, _ name: String) throws -> [MachineID] {
        guard Validation.isStorableKey(name) else { return [] }
        var ids: [MachineID] = []
        try database.duplicates(of: Array(name.utf8), in: self) { value in
            ids.append(MachineID(stored: value))
            return true
        }
        return ids
    }
}
