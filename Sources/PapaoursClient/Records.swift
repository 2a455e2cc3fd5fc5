import PapaoursCore
import PapaoursProtocol

/// A machine as `MACHINE SHOW` and `MACHINE LIST` describe it (protocol.md, Records).
public struct Machine: Sendable, Equatable {
    public let id: MachineID
    public let name: String
    public let description: String
    public let organization: String
    public let roles: [String]
    public let status: Status
    public let created: Timestamp
    public let createdBy: String
    public let updated: Timestamp
    /// How many keys the machine has.
    public let keys: Int
    /// Protocol 1.1; empty and `false` from a version-1 server.
    public let groups: [String]
    public let protected: Bool
    /// The effective rights, computed by the server (`contrats:read`…).
    public let rights: [String]
    /// The line it was read from, attributes in the server's order.
    public let raw: ReplyLine

    public init(_ line: ReplyLine) throws(ClientError) {
        let a = Attributes(line)
        id = try a.machineID("id")
        name = try a.string("name")
        description = try a.string("description")
        organization = try a.string("organization")
        roles = try a.list("roles")
        status = try a.status("status")
        created = try a.timestamp("created")
        createdBy = try a.string("created-by")
        updated = try a.timestamp("updated")
        keys = try a.count("keys")
        groups = try a.optionalList("groups") ?? []
        protected = try a.optionalFlag("protected") ?? false
        rights = try a.optionalList("rights") ?? []
        raw = line
    }
}

/// An API key, never its secret (protocol.md, Records).
public struct APIKey: Sendable, Equatable {
    public let id: KeyID
    public let machine: MachineID
    public let label: String
    public let status: Status
    public let created: Timestamp
    public let createdBy: String
    public let updated: Timestamp
    /// nil: never expires.
    public let expires: Timestamp?
    /// nil: never used. May lag by up to 60 seconds.
    public let lastUsed: Timestamp?
    public let uses: UInt64
    /// The address the last successful VERIFY gave (`ip=`); nil when none was given or the
    /// server does not send it.
    public let lastIP: String?
    public let raw: ReplyLine

    public init(_ line: ReplyLine) throws(ClientError) {
        let a = Attributes(line)
        id = try a.keyID("id")
        machine = try a.machineID("machine")
        label = try a.string("label")
        status = try a.status("status")
        created = try a.timestamp("created")
        createdBy = try a.string("created-by")
        updated = try a.timestamp("updated")
        expires = try a.optionalTimestamp("expires")
        lastUsed = try a.optionalTimestamp("last-used")
        uses = try a.count("uses")
        lastIP = a.optionalString("last-ip").flatMap { $0.isEmpty ? nil : $0 }
        raw = line
    }

    /// Expired: it has an expiry time and `now` is at or past it (VERIFY says `expired-key`).
    public func isExpired(at now: Timestamp) -> Bool { expires.map { $0 <= now } ?? false }
}

/// What `KEY CREATE` returns: the key, and its secret, shown this once.
public struct CreatedKey: Sendable {
    public let key: APIKey
    /// `secret.revealed` is the value; its `description` never shows it.
    public let secret: Secret

    init(_ line: ReplyLine) throws(ClientError) {
        key = try APIKey(line)
        let text = try Attributes(line).string("secret")
        do {
            secret = try Secret(validating: Array(text.utf8))
        } catch {
            throw ClientError.violation("KEY CREATE returned a malformed secret (\(error))")
        }
    }
}

/// One entry of the audit journal.
public struct AuditEntry: Sendable, Equatable {
    public let seq: UInt64
    public let time: Timestamp
    public let uid: UInt32
    public let user: String
    /// `machine.create`, `key.edit`, `denied`…; kept as text so new actions read fine.
    public let action: String
    public let target: String
    public let machine: String?
    /// What changed, in words (English), as older stores send it.
    public let details: String?
    /// What changed, as data (`changed=` with `old-…=`/`new-…=`); nil from a store that does not send it.
    public let changes: [FieldChange]?
    public let raw: ReplyLine

    public init(_ line: ReplyLine) throws(ClientError) {
        let a = Attributes(line)
        seq = try a.count("seq")
        time = try a.timestamp("time")
        uid = try a.count("uid")
        user = try a.string("user")
        action = try a.string("action")
        target = try a.string("target")
        machine = a.optionalString("machine")
        details = a.optionalString("details")
        changes = a.optionalString("changed").map { list in
            list.split(separator: ",").map { field in
                FieldChange(field: String(field), old: line["old-" + field], new: line["new-" + field])
            }
        }
        raw = line
    }
}

/// One field of an audit event's `changed=`, with its values before and after (nil: not sent,
/// as for a field set at creation, which has no old value).
public struct FieldChange: Sendable, Equatable {
    public let field: String
    public let old: String?
    public let new: String?

    public init(field: String, old: String?, new: String?) {
        self.field = field
        self.old = old
        self.new = new
    }
}

/// The `HELLO` reply: who the server is and who it takes us for.
public struct ServerInfo: Sendable, Equatable {
    public let server: String
    public let version: String
    /// `1` or `1.1`: the protocol version the server speaks.
    public let protocolVersion: String
    public let user: String
    public let uid: UInt32
    /// Permission names as sent; `permissions` keeps only those this client knows.
    public let permissionNames: [String]
    public let permissions: Permissions
    public let raw: ReplyLine

    public init(_ line: ReplyLine) throws(ClientError) {
        let a = Attributes(line)
        server = try a.string("server")
        version = try a.string("version")
        protocolVersion = try a.string("protocol")
        user = try a.string("user")
        uid = try a.count("uid")
        permissionNames = try a.list("permissions")
        permissions = permissionNames.reduce(into: []) { set, name in
            if let known = Permissions(name: name) { set.formUnion(known) }
        }
        raw = line
    }
}

/// The `STATS` reply. The server may send more counters than these: see `raw`.
public struct ServerStats: Sendable, Equatable {
    public let uptime: UInt64
    public let connections: UInt64
    public let machines: UInt64
    public let keys: UInt64
    public let verifyOK: UInt64
    public let verifyDenied: UInt64
    public let raw: ReplyLine

    public init(_ line: ReplyLine) throws(ClientError) {
        let a = Attributes(line)
        uptime = try a.count("uptime")
        connections = try a.count("connections")
        machines = try a.count("machines")
        keys = try a.count("keys")
        verifyOK = try a.count("verify-ok")
        verifyDenied = try a.count("verify-denied")
        raw = line
    }
}

/// The answer to `VERIFY`: the key is good, or why it is not.
public enum VerifyResult: Sendable, Equatable {
    case valid(VerifiedKey)
    case refused(VerifyRefusal)

    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }
}

/// Who a valid key belongs to.
public struct VerifiedKey: Sendable, Equatable {
    public let machine: MachineID
    public let name: String
    public let key: KeyID
    public let label: String
    public let organization: String
    public let roles: [String]
    /// Protocol 1.1: the machine's groups and effective rights.
    public let groups: [String]
    public let rights: [String]
    public let raw: ReplyLine

    public init(_ line: ReplyLine) throws(ClientError) {
        let a = Attributes(line)
        groups = try a.optionalList("groups") ?? []
        rights = try a.optionalList("rights") ?? []
        machine = try a.machineID("machine")
        name = try a.string("name")
        key = try a.keyID("key")
        label = try a.string("label")
        organization = try a.string("organization")
        roles = try a.list("roles")
        raw = line
    }
}

/// Why VERIFY refused a key; the five verify codes of protocol.md, in the order they are checked.
public struct VerifyRefusal: Sendable, Equatable {
    public enum Reason: String, Sendable, CaseIterable {
        case malformedKey = "malformed-key"
        case unknownKey = "unknown-key"
        case inactiveKey = "inactive-key"
        case expiredKey = "expired-key"
        case inactiveMachine = "inactive-machine"
        /// The key is good but its machine lacks a required right (HTTP's 403, not 401).
        case missingRight = "missing-right"
    }

    /// No well-formed key is longer (protocol.md: 20 to 256 characters, or 43 for `papa_` keys).
    public static let maxKeyLength = 256

    public let reason: Reason
    /// The server's English sentence.
    public let text: String

    public init(reason: Reason, text: String) {
        self.reason = reason
        self.text = text
    }
}
