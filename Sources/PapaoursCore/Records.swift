/// Who did something: the peer's uid and its user name at the time.
public struct Actor: Sendable, Equatable {
    public let uid: UInt32
    public let user: String

    public init(uid: UInt32, user: String) {
        self.uid = uid
        self.user = user
    }
}

/// A machine (service account), as protocol.md's Records define it.
public struct MachineRecord: Sendable, Equatable {
    public var id: MachineID
    public var name: String
    public var description: String
    public var organization: String
    public var roles: [String]
    public var status: Status
    public var created: Timestamp
    public var createdBy: String
    public var updated: Timestamp
    /// Names of existing groups.
    public var groups: [String]
    /// Administered by the platform: only `rights.admin` may change it or its keys.
    public var protected: Bool
    /// The effective rights (EffectiveRights), kept up to date by every write that changes them.
    public var rights: [Right]

    public init(id: MachineID, name: String, description: String, organization: String, roles: [String],
                status: Status, created: Timestamp, createdBy: String, updated: Timestamp,
                groups: [String] = [], protected: Bool = false, rights: [Right] = []) {
        self.id = id
        self.name = name
        self.description = description
        self.organization = organization
        self.roles = roles
        self.status = status
        self.created = created
        self.createdBy = createdBy
        self.updated = updated
        self.groups = groups
        self.protected = protected
        self.rights = rights
    }
}

/// An API key: everything but its value, of which only the hash is kept.
public struct KeyRecord: Sendable, Equatable {
    public var id: KeyID
    public var machine: MachineID
    public var label: String
    public var status: Status
    public var created: Timestamp
    public var createdBy: String
    public var updated: Timestamp
    public var expires: Timestamp?
    public var lastUsed: Timestamp?
    public var uses: UInt64
    /// The `ip=` of the last successful VERIFY, empty when none was given.
    public var lastIP: String
    public var hash: SecretHash

    public init(id: KeyID, machine: MachineID, label: String, status: Status, created: Timestamp, createdBy: String,
                updated: Timestamp, expires: Timestamp?, lastUsed: Timestamp?, uses: UInt64, lastIP: String, hash: SecretHash) {
        self.id = id
        self.machine = machine
        self.label = label
        self.status = status
        self.created = created
        self.createdBy = createdBy
        self.updated = updated
        self.expires = expires
        self.lastUsed = lastUsed
        self.uses = uses
        self.lastIP = lastIP
        self.hash = hash
    }

    public func isExpired(at now: Timestamp) -> Bool {
        guard let expires else { return false }
        return expires <= now
    }
}

/// What a journaled change was.
public enum AuditAction: String, Sendable, CaseIterable {
    case machineCreate = "machine.create"
    case machineEdit = "machine.edit"
    case machineDelete = "machine.delete"
    case keyCreate = "key.create"
    case keyEdit = "key.edit"
    case denied = "denied"
    case storeImport = "store.import"
    case storeBackup = "store.backup"
    case storeExport = "store.export"
    case storeRestore = "store.restore"
    case roleCreate = "role.create"
    case roleEdit = "role.edit"
    case roleDelete = "role.delete"
    case groupCreate = "group.create"
    case groupEdit = "group.edit"
    case groupDelete = "group.delete"
    case keyRotate = "key.rotate"
}

/// One field an audited write changed, as data (EVENT's `changed=`, `old-…=`, `new-…=`).
public struct FieldChange: Sendable, Equatable {
    public var field: String
    public var old: String
    public var new: String

    public init(field: String, old: String, new: String) {
        self.field = field
        self.old = old
        self.new = new
    }
}

/// One entry of the audit journal. `details` never holds a secret.
public struct AuditEvent: Sendable, Equatable {
    public var seq: UInt64
    public var time: Timestamp
    public var uid: UInt32
    public var user: String
    public var action: AuditAction
    public var target: String
    public var machine: MachineID?
    public var details: String
    /// What changed, field by field; empty for events written before schema 3.
    public var changes: [FieldChange]
    /// The fleet's host where the write was made; empty on a lone host (and before the fleet).
    public var host: String

    public init(seq: UInt64, time: Timestamp, uid: UInt32, user: String, action: AuditAction,
                target: String, machine: MachineID?, details: String, changes: [FieldChange] = [], host: String = "") {
        self.seq = seq
        self.time = time
        self.uid = uid
        self.user = user
        self.action = action
        self.target = target
        self.machine = machine
        self.details = details
        self.changes = changes
        self.host = host
    }
}

/// Successful VERIFYs of one key since the last flush.
public struct UsageDelta: Sendable, Equatable {
    public var uses: UInt64
    public var lastUsed: Timestamp
    public var lastIP: String

    public init(uses: UInt64, lastUsed: Timestamp, lastIP: String) {
        self.uses = uses
        self.lastUsed = lastUsed
        self.lastIP = lastIP
    }

    public mutating func merge(_ other: UsageDelta) {
        uses += other.uses
        if other.lastUsed >= lastUsed {
            lastUsed = other.lastUsed
            lastIP = other.lastIP
        }
    }
}
