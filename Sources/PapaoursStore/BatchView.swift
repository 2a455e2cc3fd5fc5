import PapaoursCore

/// A snapshot with the change sets already decided in this batch laid over it, so that each
/// write of a group commit is decided against everything queued before it (a machine created
/// three lines earlier on the same connection exists), while nothing is applied yet.
public final class BatchView: RecordReading {
    private let base: any RecordReading
    /// nil: deleted in this batch.
    private var machines: [MachineID: MachineRecord?] = [:]
    private var names: [String: MachineID?] = [:]
    private var keys: [KeyID: KeyRecord?] = [:]
    private var hashes: [SecretHash: KeyID?] = [:]
    private var roles: [String: RoleRecord?] = [:]
    private var groups: [String: GroupRecord?] = [:]
    private var events: [UInt64: AuditEvent] = [:]
    private var lastEvent: UInt64?
    private var lastChange: UInt64?
    /// The last alert the batch put, if any.
    public private(set) var lastAlert: UInt64?

    public init(over base: any RecordReading) { self.base = base }

    /// Lays a decided change set over the view.
    public func absorb(_ set: ChangeSet) throws {
        for change in set.changes {
            switch change {
            case .putMachine(let record):
                if let old = try machine(id: record.id) { names[Validation.nameFoldKey(old.name)] = .some(nil) }
                machines[record.id] = record
                names[Validation.nameFoldKey(record.name)] = record.id
            case .deleteMachine(let id):
                if let old = try machine(id: id) { names[Validation.nameFoldKey(old.name)] = .some(nil) }
                machines[id] = .some(nil)
            case .putKey(let record):
                keys[record.id] = record
                hashes[record.hash] = record.id
            case .deleteKey(let id):
                if let old = try key(id: id) { hashes[old.hash] = .some(nil) }
                keys[id] = .some(nil)
            case .addUsage:
                break
            case .putRole(let record): roles[record.name] = record
            case .deleteRole(let name): roles[name] = .some(nil)
            case .putGroup(let record): groups[record.name] = record
            case .deleteGroup(let name): groups[name] = .some(nil)
            case .putAlert(let alert): lastAlert = max(lastAlert ?? 0, alert.seq)
            case .addActivity, .pruneAlerts, .pruneHistory:
                break
            }
        }
        for event in set.events { events[event.seq] = event }
        if let last = set.events.last { lastEvent = last.seq }
        lastChange = set.sequence
    }

    public func machine(id: MachineID) throws -> MachineRecord? {
        if let staged = machines[id] { return staged }
        return try base.machine(id: id)
    }

    public func machineID(nameKey: String) throws -> MachineID? {
        if let staged = names[nameKey] { return staged }
        return try base.machineID(nameKey: nameKey)
    }

    public func key(id: KeyID) throws -> KeyRecord? {
        if let staged = keys[id] { return staged }
        return try base.key(id: id)
    }

    public func keyID(hash: SecretHash) throws -> KeyID? {
        if let staged = hashes[hash] { return staged }
        return try base.keyID(hash: hash)
    }

    public func keyIDs(machine: MachineID) throws -> [KeyID] {
        var ids = Set(try base.keyIDs(machine: machine))
        for (id, record) in keys {
            if let record, record.machine == machine { ids.insert(id) } else { ids.remove(id) }
        }
        return ids.sorted()
    }

    public func event(seq: UInt64) throws -> AuditEvent? {
        if let staged = events[seq] { return staged }
        return try base.event(seq: seq)
    }

    public func lastEventSequence() throws -> UInt64 {
        if let lastEvent { return lastEvent }
        return try base.lastEventSequence()
    }

    public func changeSequence() throws -> UInt64 {
        if let lastChange { return lastChange }
        return try base.changeSequence()
    }

    public func role(name: String) throws -> RoleRecord? {
        if let staged = roles[name] { return staged }
        return try base.role(name: name)
    }

    public func group(name: String) throws -> GroupRecord? {
        if let staged = groups[name] { return staged }
        return try base.group(name: name)
    }

    public func allGroups() throws -> [GroupRecord] {
        var all: [String: GroupRecord] = [:]
        for record in try base.allGroups() { all[record.name] = record }
        for (name, record) in groups { all[name] = record }
        return all.values.sorted { $0.name < $1.name }
    }

    public func machineIDs(role: String) throws -> [MachineID] {
        try holders(base.machineIDs(role: role)) { $0.roles.contains(role) }
    }

    public func machineIDs(group: String) throws -> [MachineID] {
        try holders(base.machineIDs(group: group)) { $0.groups.contains(group) }
    }

    /// The base's holders, with the machines staged in this batch put in or taken out.
    private func holders(_ base: [MachineID], _ holds: (MachineRecord) -> Bool) -> [MachineID] {
        var ids = Set(base)
        for (id, record) in machines {
            if let record, holds(record) { ids.insert(id) } else { ids.remove(id) }
        }
        return ids.sorted()
    }
}
