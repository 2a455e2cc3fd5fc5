import PapaoursCore

/// Records read back from an export, to be imported together.
public struct ImportBatch: Sendable {
    public var machines: [MachineRecord] = []
    public var keys: [KeyRecord] = []
    public var events: [AuditEvent] = []
    public var roles: [RoleRecord] = []
    public var groups: [GroupRecord] = []
    /// The usage history and the alerts (ImportUsage.swift).
    public var days: [KeyDay] = []
    public var addresses: [KeyAddress] = []
    public var alerts: [Alert] = []
    /// The ids of `keys`, for the history lines that name them.
    public var keyIDs: Set<KeyID> = []

    public init() {}

    public var count: Int {
        machines.count + keys.count + events.count + roles.count + groups.count + days.count + addresses.count + alerts.count
    }
}

/// What an import did: added, or skipped as already present.
public struct ImportReport: Sendable, Equatable {
    public var machinesAdded = 0, machinesSkipped = 0
    public var keysAdded = 0, keysSkipped = 0
    public var eventsAdded = 0, eventsSkipped = 0
    public var rolesAdded = 0, rolesSkipped = 0
    public var groupsAdded = 0, groupsSkipped = 0
    /// Days older than the 400 kept, addresses beyond a key's 64 most recent, alerts past 90
    /// days or already present are skipped.
    public var daysAdded = 0, daysSkipped = 0
    public var addressesAdded = 0, addressesSkipped = 0
    public var alertsAdded = 0, alertsSkipped = 0
}

extension Decisions {
    /// Imports a batch as one change set. Records already present (same id, or for events the
    /// same sequence and content) are skipped; any conflict refuses the whole batch. The import
    /// itself is journaled last, as `store.import`.
    public static func importRecords(_ batch: ImportBatch, authority: Authority = .full, by actor: Actor, at now: Timestamp,
                                     reading view: any RecordReading, history: any UsageReading) throws -> Decision<ImportReport> {
        try requireUnscoped(authority, "import records")
        var report = ImportReport()
        var refused: [String] = []
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        // Roles, then groups: a role or group already present (same name) is kept as it is.
        var overlay = RightsOverlay(view)
        for role in batch.roles {
            if try overlay.role(role.name) != nil { report.rolesSkipped += 1; continue }
            builder.record(.putRole(role))
            overlay.stage(role)
            report.rolesAdded += 1
        }
        // A version-1 export names roles it has no record of: they come as roles with no rights.
        for name in Set(batch.machines.flatMap(\.roles)).sorted() where try overlay.role(name) == nil {
            let role = RoleRecord(name: name, created: now, createdBy: actor.user, updated: now)
            builder.record(.putRole(role))
            overlay.stage(role)
            report.rolesAdded += 1
        }
        for group in batch.groups {
            if try overlay.group(group.name) != nil { report.groupsSkipped += 1; continue }
            if let missing = try group.roles.first(where: { try overlay.role($0) == nil }) {
                refused.append("group \(ChangeLog.quoted(group.name)): no role \(ChangeLog.quoted(missing))")
                continue
            }
            builder.record(.putGroup(group))
            overlay.stage(group)
            report.groupsAdded += 1
        }
        var names: [String: MachineID] = [:]
        var incoming: [MachineID: MachineRecord] = [:]
        for var m in batch.machines {
            if let missing = try m.groups.first(where: { try overlay.group($0) == nil }) {
                refused.append("machine \(m.id): no group \(ChangeLog.quoted(missing))")
                continue
            }
            // Rights are computed here, never taken from the file.
            m.rights = try overlay.rights(of: m)
            if try view.machine(id: m.id) != nil || incoming[m.id] != nil { report.machinesSkipped += 1; continue }
            let nameKey = Validation.nameFoldKey(m.name)
            if let owner = try view.machineID(nameKey: nameKey) ?? names[nameKey] {
                refused.append("machine \(m.id): the name \(ChangeLog.quoted(m.name)) belongs to \(owner)")
                continue
            }
            names[nameKey] = m.id
            incoming[m.id] = m
            builder.record(.putMachine(m))
            report.machinesAdded += 1
        }
        var keys: Set<KeyID> = []
        var hashes: [SecretHash: KeyID] = [:]
        for k in batch.keys {
            if try view.key(id: k.id) != nil || keys.contains(k.id) { report.keysSkipped += 1; continue }
            if let other = try view.keyID(hash: k.hash) ?? hashes[k.hash] {
                refused.append("key \(k.id): its secret is already key \(other)")
                continue
            }
            guard try incoming[k.machine] != nil || view.machine(id: k.machine) != nil else {
                refused.append("key \(k.id): machine \(k.machine) is neither in the store nor in the import")
                continue
            }
            keys.insert(k.id)
            hashes[k.hash] = k.id
            builder.record(.putKey(k))
            if k.uses > 0 || k.lastUsed != nil {
                builder.record(.addUsage(k.id, UsageDelta(uses: k.uses, lastUsed: k.lastUsed ?? k.created, lastIP: k.lastIP)))
            }
            report.keysAdded += 1
        }
        for e in batch.events {
            if try view.event(seq: e.seq) == e {
                report.eventsSkipped += 1
                continue
            }
            builder.journal(e)
            report.eventsAdded += 1
        }
        try importUsage(batch, reading: view, history: history, at: now, into: &builder, report: &report, refused: &refused)
        if !refused.isEmpty {
            let shown = refused.prefix(5).joined(separator: "; ")
            throw StoreError(.exists, "import refused, nothing imported: \(refused.count) conflicting record(s): \(shown)")
        }
        var log = ChangeLog()
        log.note("roles added \(report.rolesAdded), skipped \(report.rolesSkipped); groups added \(report.groupsAdded), skipped \(report.groupsSkipped); machines added \(report.machinesAdded), skipped \(report.machinesSkipped); keys added \(report.keysAdded), skipped \(report.keysSkipped); events added \(report.eventsAdded), skipped \(report.eventsSkipped); days added \(report.daysAdded), skipped \(report.daysSkipped); addresses added \(report.addressesAdded), skipped \(report.addressesSkipped); alerts added \(report.alertsAdded), skipped \(report.alertsSkipped)")
        builder.journal(.storeImport, target: "store", machine: nil, log)
        return builder.decided(report)
    }
}
