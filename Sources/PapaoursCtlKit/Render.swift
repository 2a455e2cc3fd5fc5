import PapaoursClient
import PapaoursCore

/// How records look to a person: one place per kind of record, shared by every command.
struct Render {
    let text: Localizer
    /// What "expired" is measured against.
    let now: Timestamp

    /// "Active" in green, "Inactive" in red (the guide's words, the same in both languages).
    func status(_ status: Status) -> Cell {
        status == .active ? Cell(text(.statusActive), style: .green) : Cell(text(.statusInactive), style: .red)
    }

    /// A key's status as VERIFY sees it: Inactive first, then Expired (Expirée), else Active.
    func status(of key: APIKey) -> Cell {
        key.status == .active && key.isExpired(at: now) ? Cell(text(.statusExpired), style: .red) : status(key.status)
    }

    func time(_ time: Timestamp?) -> String { time.map(\.description) ?? text(.never) }

    func orNone(_ value: String) -> String { value.isEmpty ? text(.none) : value }

    func list(_ values: [String]) -> String { values.isEmpty ? text(.none) : values.joined(separator: ", ") }

    /// Label / value lines, labels aligned.
    func details(_ rows: [(Message, Cell)]) -> Table {
        Table(rows: rows.map { [Cell(text($0.0)), $0.1] })
    }

    func machineDetails(_ machine: Machine) -> Table {
        details([
            (.hID, Cell(machine.id.value)),
            (.hName, Cell(machine.name)),
            (.hDescription, Cell(orNone(machine.description))),
            (.hOrganization, Cell(orNone(machine.organization))),
            (.hRoles, Cell(list(machine.roles))),
            (.hGroups, Cell(list(machine.groups))),
            (.hProtected, Cell(yesNo(machine.protected))),
            (.hStatus, status(machine.status)),
            (.hCreated, Cell(machine.created.description)),
            (.hCreatedBy, Cell(machine.createdBy)),
            (.hUpdated, Cell(machine.updated.description)),
            (.hKeys, Cell(String(machine.keys))),
        ])
    }

    func keyDetails(_ key: APIKey) -> Table {
        details([
            (.hID, Cell(key.id.value)),
            (.hMachine, Cell(key.machine.value)),
            (.hLabel, Cell(key.label)),
            (.hStatus, status(of: key)),
            (.hCreated, Cell(key.created.description)),
            (.hCreatedBy, Cell(key.createdBy)),
            (.hUpdated, Cell(key.updated.description)),
            (.hExpires, Cell(time(key.expires))),
            (.hLastUsed, Cell(time(key.lastUsed))),
            (.hUses, Cell(String(key.uses))),
            (.hLastIP, Cell(orNone(key.lastIP ?? ""))),
        ])
    }

    func machineTable(_ machines: [Machine]) -> Table {
        Table(header: [text(.hID), text(.hName), text(.hOrganization), text(.hRoles), text(.hStatus), text(.hKeys)],
              rows: machines.map { machine in
                  [Cell(machine.id.value), Cell(machine.name), Cell(orNone(machine.organization)),
                   Cell(list(machine.roles)), status(machine.status), Cell(String(machine.keys))]
              })
    }

    /// The key rows of `key list` and `machine show`.
    func keyTable(_ keys: [APIKey]) -> Table {
        Table(header: [text(.hID), text(.hLabel), text(.hStatus), text(.hCreated), text(.hExpires), text(.hLastUsed), text(.hUses)],
              rows: keys.map { key in
                  [Cell(key.id.value), Cell(key.label), status(of: key), Cell(key.created.description),
                   Cell(time(key.expires)), Cell(time(key.lastUsed)), Cell(String(key.uses))]
              })
    }

    func eventTable(_ events: [AuditEntry]) -> Table {
        Table(header: [text(.hSeq), text(.hTime), text(.hUser), text(.hAction), text(.hTarget), text(.hDetails)],
              rows: events.map { event in
                  [Cell(String(event.seq)), Cell(event.time.description), Cell("\(event.user) (\(event.uid))"),
                   Cell(action(event.action), style: event.action == "denied" ? .red : nil), Cell(event.target),
                   Cell(orNone(changes(of: event)))]
              })
    }

    static let actions: [String: Message] = [
        "machine.create": .actMachineCreate, "machine.edit": .actMachineEdit, "machine.delete": .actMachineDelete,
        "key.create": .actKeyCreate, "key.edit": .actKeyEdit, "key.import": .actKeyImport, "denied": .actDenied,
        "store.import": .actStoreImport, "store.backup": .actStoreBackup, "store.export": .actStoreExport,
        "store.restore": .actStoreRestore, "role.create": .actRoleCreate, "role.edit": .actRoleEdit, "role.delete": .actRoleDelete,
        "group.create": .actGroupCreate, "group.edit": .actGroupEdit, "group.delete": .actGroupDelete,
        "key.rotate": .actKeyRotate,
    ]

    /// An audit action in words; one this tool does not know, as sent.
    func action(_ action: String) -> String { Self.actions[action].map { text($0) } ?? action }

    static let fields: [String: Message] = [
        "name": .hName, "description": .hDescription, "organization": .hOrganization, "roles": .hRoles,
        "status": .hStatus, "label": .hLabel, "expires": .hExpires,
        "groups": .hGroups, "protected": .hProtected, "rights": .hRights, "perimeter": .hPerimeter,
        "replaced-by": .hReplacedBy,
    ]

    /// `Statut : Active → Inactive; …` from `changed=`; from an older store, its English `details`.
    func changes(of event: AuditEntry) -> String {
        guard let changes = event.changes else { return event.details ?? "" }
        let created = event.action.hasSuffix(".create")  // a new record's fields have no old value
        return changes.map { change in
            let field = Self.fields[change.field].map { text($0) } ?? change.field
            let new = value(change.field, change.new)
            guard let old = change.old, !created else { return text(.changeSet, field, new) }
            return text(.change, field, value(change.field, old), new)
        }.joined(separator: "; ")
    }

    /// A changed value as the record shows it: a status in words, nothing as "—".
    private func value(_ field: String, _ value: String?) -> String {
        guard let value, !value.isEmpty else { return text(.none) }
        if field == "status", let status = Status(wire: value) { return self.status(status).text }
        if field == "roles" { return value.split(separator: ",").joined(separator: ", ") }
        return value
    }

    func verifiedDetails(_ key: VerifiedKey) -> Table {
        details([
            (.hMachine, Cell("\(key.name) (\(key.machine.value))")),
            (.hKey, Cell(key.key.value)),
            (.hLabel, Cell(key.label)),
            (.hOrganization, Cell(orNone(key.organization))),
            (.hRoles, Cell(list(key.roles))),
        ])
    }

    /// `3d 4h 5m 6s`, in French `3j 4h 5m 6s`.
    func duration(_ seconds: UInt64) -> String {
        let parts: [(UInt64, String)] = [(seconds / 86400, text(.dayLetter)), (seconds / 3600 % 24, "h"), (seconds / 60 % 60, "m"),
                                         (seconds % 60, "s")]
        let shown = parts.drop { $0.0 == 0 }
        return shown.isEmpty ? "0s" : shown.map { "\($0.0)\($0.1)" }.joined(separator: " ")
    }
}
