import PapaoursClient
import PapaoursCore

/// How records look to a person: one place per kind of record, shared by every command.
struct Render {
    let text: Localizer

    /// "Active" in green, "Inactive" in red: the same words in both languages.
    func status(_ status: Status) -> Cell {
        status == .active ? Cell("Active", style: .green) : Cell("Inactive", style: .red)
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
            (.hStatus, status(key.status)),
            (.hCreated, Cell(key.created.description)),
            (.hCreatedBy, Cell(key.createdBy)),
            (.hUpdated, Cell(key.updated.description)),
            (.hExpires, Cell(time(key.expires))),
            (.hLastUsed, Cell(time(key.lastUsed))),
            (.hUses, Cell(String(key.uses))),
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
                  [Cell(key.id.value), Cell(key.label), status(key.status), Cell(key.created.description),
                   Cell(time(key.expires)), Cell(time(key.lastUsed)), Cell(String(key.uses))]
              })
    }

    func eventTable(_ events: [AuditEntry]) -> Table {
        Table(header: [text(.hSeq), text(.hTime), text(.hUser), text(.hAction), text(.hTarget), text(.hDetails)],
              rows: events.map { event in
                  [Cell(String(event.seq)), Cell(event.time.description), Cell("\(event.user) (\(event.uid))"),
                   Cell(event.action, style: event.action == "denied" ? .red : nil), Cell(event.target),
                   Cell(orNone(event.details ?? ""))]
              })
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

    /// `3d 4h 5m 6s`
    static func duration(_ seconds: UInt64) -> String {
        let parts: [(UInt64, String)] = [(seconds / 86400, "d"), (seconds / 3600 % 24, "h"), (seconds / 60 % 60, "m"), (seconds % 60, "s")]
        let shown = parts.drop { $0.0 == 0 }
        return shown.isEmpty ? "0s" : shown.map { "\($0.0)\($0.1)" }.joined(separator: " ")
    }
}
