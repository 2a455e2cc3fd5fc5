import PapaoursCore
import PapaoursProtocol

/// A role as `ROLE SHOW` and `ROLE LIST` describe it (protocol.md, "Rights").
public struct Role: Sendable, Equatable {
    public let name: String
    public let description: String
    /// `contrats:read`…
    public let rights: [String]
    /// Organisation names, or `["*"]` for all.
    public let perimeter: [String]
    public let protected: Bool
    public let created: Timestamp
    public let createdBy: String
    public let updated: Timestamp
    /// How many machines hold it directly.
    public let machines: Int
    public let raw: ReplyLine

    public init(_ line: ReplyLine) throws(ClientError) {
        let a = Attributes(line)
        name = try a.string("name")
        description = try a.string("description")
        rights = try a.list("rights")
        perimeter = try a.list("perimeter")
        protected = try a.optionalFlag("protected") ?? false
        created = try a.timestamp("created")
        createdBy = try a.string("created-by")
        updated = try a.timestamp("updated")
        machines = try a.count("machines")
        raw = line
    }

    /// As the domain computes with it.
    public var record: RoleRecord {
        RoleRecord(name: name, description: description, rights: rights.compactMap { Right($0) },
                   perimeter: (try? Perimeter(parsing: perimeter.joined(separator: ","))) ?? .everywhere,
                   protected: protected, created: created, createdBy: createdBy, updated: updated)
    }
}

/// A group as `GROUP SHOW` and `GROUP LIST` describe it.
public struct Group: Sendable, Equatable {
    public let name: String
    public let description: String
    public let roles: [String]
    public let perimeter: [String]
    public let protected: Bool
    public let created: Timestamp
    public let createdBy: String
    public let updated: Timestamp
    public let machines: Int
    public let raw: ReplyLine

    public init(_ line: ReplyLine) throws(ClientError) {
        let a = Attributes(line)
        name = try a.string("name")
        description = try a.string("description")
        roles = try a.list("roles")
        perimeter = try a.list("perimeter")
        protected = try a.optionalFlag("protected") ?? false
        created = try a.timestamp("created")
        createdBy = try a.string("created-by")
        updated = try a.timestamp("updated")
        machines = try a.count("machines")
        raw = line
    }

    public var record: GroupRecord {
        GroupRecord(name: name, description: description, roles: roles,
                    perimeter: (try? Perimeter(parsing: perimeter.joined(separator: ","))) ?? .everywhere,
                    protected: protected, created: created, createdBy: createdBy, updated: updated)
    }
}

/// What `ROLE CREATE`/`EDIT` and `GROUP CREATE`/`EDIT` set; nil leaves a field as it is.
public struct RightsChanges: Sendable, Equatable {
    public var name: String?
    public var description: String?
    /// A role's rights, or a group's roles.
    public var members: [String]?
    /// Organisation names; `["*"]` for all.
    public var perimeter: [String]?
    public var protected: Bool?

    public init(name: String? = nil, description: String? = nil, members: [String]? = nil,
                perimeter: [String]? = nil, protected: Bool? = nil) {
        self.name = name
        self.description = description
        self.members = members
        self.perimeter = perimeter
        self.protected = protected
    }

    var isEmpty: Bool { self == RightsChanges() }

    func attributes(members field: String) -> [String: String] {
        var attributes: [String: String] = [:]
        attributes["name"] = name
        attributes["description"] = description
        attributes[field] = members.map { $0.joined(separator: ",") }
        attributes["perimeter"] = perimeter.map { $0.joined(separator: ",") }
        attributes["protected"] = protected.map { $0 ? "yes" : "no" }
        return attributes
    }
}

extension PapaoursClient {
    public func roleCreate(_ name: String, _ fields: RightsChanges = RightsChanges()) throws(ClientError) -> Role {
        try Role(send(Request(verb: .roleCreate, arguments: [name], attributes: fields.attributes(members: "rights"))).checked())
    }

    public func roleList() throws(ClientError) -> [Role] {
        var roles: [Role] = []
        for line in try send(Request(verb: .roleList)).listing(of: "ROLE") { roles.append(try Role(line)) }
        return roles
    }

    public func roleShow(_ name: String) throws(ClientError) -> Role {
        try Role(send(Request(verb: .roleShow, arguments: [name])).checked())
    }

    /// At least one change is needed.
    public func roleEdit(_ name: String, _ changes: RightsChanges) throws(ClientError) -> Role {
        try Role(send(Request(verb: .roleEdit, arguments: [name], attributes: changes.attributes(members: "rights"))).checked())
    }

    /// `NO invalid` while a machine or a group holds it.
    public func roleDelete(_ name: String) throws(ClientError) {
        try send(Request(verb: .roleDelete, arguments: [name])).checked()
    }

    public func groupCreate(_ name: String, _ fields: RightsChanges = RightsChanges()) throws(ClientError) -> Group {
        try Group(send(Request(verb: .groupCreate, arguments: [name], attributes: fields.attributes(members: "roles"))).checked())
    }

    public func groupList() throws(ClientError) -> [Group] {
        var groups: [Group] = []
        for line in try send(Request(verb: .groupList)).listing(of: "GROUP") { groups.append(try Group(line)) }
        return groups
    }

    public func groupShow(_ name: String) throws(ClientError) -> Group {
        try Group(send(Request(verb: .groupShow, arguments: [name])).checked())
    }

    public func groupEdit(_ name: String, _ changes: RightsChanges) throws(ClientError) -> Group {
        try Group(send(Request(verb: .groupEdit, arguments: [name], attributes: changes.attributes(members: "roles"))).checked())
    }

    /// `NO invalid` while a machine holds it.
    public func groupDelete(_ name: String) throws(ClientError) {
        try send(Request(verb: .groupDelete, arguments: [name])).checked()
    }
}
