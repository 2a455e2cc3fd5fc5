/// A role: a set of rights, applying in its perimeter (protocol.md, "Rights").
public struct RoleRecord: Sendable, Equatable {
    public var name: String
    public var description: String
    /// Sorted, each once; may be empty.
    public var rights: [Right]
    public var perimeter: Perimeter
    /// Administered by the platform: only `rights.admin` may change it or assign it.
    public var protected: Bool
    public var created: Timestamp
    public var createdBy: String
    public var updated: Timestamp

    public init(name: String, description: String = "", rights: [Right] = [], perimeter: Perimeter = .everywhere,
                protected: Bool = false, created: Timestamp, createdBy: String, updated: Timestamp) {
        self.name = name
        self.description = description
        self.rights = rights
        self.perimeter = perimeter
        self.protected = protected
        self.created = created
        self.createdBy = createdBy
        self.updated = updated
    }
}

/// A group: a set of roles, applying in its perimeter.
public struct GroupRecord: Sendable, Equatable {
    public var name: String
    public var description: String
    /// Names of existing roles, in the order given, each once.
    public var roles: [String]
    public var perimeter: Perimeter
    public var protected: Bool
    public var created: Timestamp
    public var createdBy: String
    public var updated: Timestamp

    public init(name: String, description: String = "", roles: [String] = [], perimeter: Perimeter = .everywhere,
                protected: Bool = false, created: Timestamp, createdBy: String, updated: Timestamp) {
        self.name = name
        self.description = description
        self.roles = roles
        self.perimeter = perimeter
        self.protected = protected
        self.created = created
        self.createdBy = createdBy
        self.updated = updated
    }
}
