import PapaoursCore
import PapaoursProtocol
import PapaoursStore

/// How records are written on the wire (protocol.md, Records).
enum ReplyFormat {
    static func machine(_ m: MachineRecord, keys: Int, into line: inout LineEncoder) {
        line.attribute("id", m.id.value)
        line.attribute("name", m.name)
        line.attribute("description", m.description)
        line.attribute("organization", m.organization)
        line.attribute("roles", m.roles.joined(separator: ","))
        line.attribute("status", m.status.rawValue)
        line.attribute("created", m.created.description)
        line.attribute("created-by", m.createdBy)
        line.attribute("updated", m.updated.description)
        line.attribute("keys", String(keys))
        line.attribute("groups", m.groups.joined(separator: ","))
        line.attribute("protected", m.protected ? "yes" : "no")
        line.attribute("rights", Right.listText(m.rights))
    }

    static func role(_ r: RoleRecord, machines: Int, into line: inout LineEncoder) {
        line.attribute("name", r.name)
        line.attribute("description", r.description)
        line.attribute("rights", Right.listText(r.rights))
        line.attribute("perimeter", r.perimeter.description)
        line.attribute("protected", r.protected ? "yes" : "no")
        line.attribute("created", r.created.description)
        line.attribute("created-by", r.createdBy)
        line.attribute("updated", r.updated.description)
        line.attribute("machines", String(machines))
    }

    static func group(_ g: GroupRecord, machines: Int, into line: inout LineEncoder) {
        line.attribute("name", g.name)
        line.attribute("description", g.description)
        line.attribute("roles", g.roles.joined(separator: ","))
        line.attribute("perimeter", g.perimeter.description)
        line.attribute("protected", g.protected ? "yes" : "no")
        line.attribute("created", g.created.description)
        line.attribute("created-by", g.createdBy)
        line.attribute("updated", g.updated.description)
        line.attribute("machines", String(machines))
    }

    static func key(_ k: KeyRecord, into line: inout LineEncoder) {
        line.attribute("id", k.id.value)
        line.attribute("machine", k.machine.value)
        line.attribute("label", k.label)
        line.attribute("status", k.status.rawValue)
        line.attribute("created", k.created.description)
        line.attribute("created-by", k.createdBy)
        line.attribute("updated", k.updated.description)
        line.attribute("expires", k.expires?.description ?? "")
        line.attribute("last-used", k.lastUsed?.description ?? "never")
        line.attribute("uses", String(k.uses))
        line.attribute("last-ip", k.lastIP)
    }

    static func event(_ e: AuditEvent, into line: inout LineEncoder) {
        line.attribute("seq", String(e.seq))
        line.attribute("time", e.time.description)
        line.attribute("uid", String(e.uid))
        line.attribute("user", e.user)
        line.attribute("action", e.action.rawValue)
        line.attribute("target", e.target)
        if let machine = e.machine { line.attribute("machine", machine.value) }
        if !e.host.isEmpty { line.attribute("host", e.host) }
        if !e.details.isEmpty { line.attribute("details", e.details) }
        if !e.changes.isEmpty {
            line.attribute("changed", e.changes.map(\.field).joined(separator: ","))
            for change in e.changes {
                line.attribute("old-" + change.field, change.old)
                line.attribute("new-" + change.field, change.new)
            }
        }
    }

    /// The one reply line of a write, from what the writer did.
    static func reply(_ outcome: WriteOutcome) -> [UInt8] {
        switch outcome {
        case .machineCreated(let record):
            ok { machine(record, keys: 0, into: &$0) }
        case .machineEdited(let record, let keys):
            ok { machine(record, keys: keys, into: &$0) }
        case .machineDeleted(let id):
            ok { $0.attribute("id", id.value) }
        case .keyCreated(let record, let secret):
            ok {
                key(record, into: &$0)
                // A secret is of the papaours alphabet (base62 and `_`): never quoted.
                if let secret { $0.attribute("secret", plainBytes: secret.bytes) }
            }
        case .keyEdited(let record):
            ok { key(record, into: &$0) }
        case .imported(let r):
            ok {
                $0.attribute("machines-added", String(r.machinesAdded))
                $0.attribute("machines-skipped", String(r.machinesSkipped))
                $0.attribute("keys-added", String(r.keysAdded))
                $0.attribute("keys-skipped", String(r.keysSkipped))
                $0.attribute("events-added", String(r.eventsAdded))
                $0.attribute("events-skipped", String(r.eventsSkipped))
                $0.attribute("roles-added", String(r.rolesAdded))
                $0.attribute("roles-skipped", String(r.rolesSkipped))
                $0.attribute("groups-added", String(r.groupsAdded))
                $0.attribute("groups-skipped", String(r.groupsSkipped))
                $0.attribute("days-added", String(r.daysAdded))
                $0.attribute("days-skipped", String(r.daysSkipped))
                $0.attribute("addresses-added", String(r.addressesAdded))
                $0.attribute("addresses-skipped", String(r.addressesSkipped))
                $0.attribute("alerts-added", String(r.alertsAdded))
                $0.attribute("alerts-skipped", String(r.alertsSkipped))
            }
        case .roleSaved(let record, let machines):
            ok { role(record, machines: machines, into: &$0) }
        case .groupSaved(let record, let machines):
            ok { group(record, machines: machines, into: &$0) }
        case .roleDeleted(let name):
            ok { $0.attribute("name", name) }
        case .journaled(let reply), .counted(let reply):
            reply
        case .usageRecorded:
            []
        case .keyRotated(let rotation, let secret):
            rotated(rotation, secret: secret)
        case .refused(let error):
            no(error)
        case .failed(let error):
            no("unavailable", "the store cannot take writes now: \(error.message)")
        }
    }

    /// `OK` followed by what `fill` writes, ended by LF.
    static func ok(_ fill: (inout LineEncoder) -> Void = { _ in }) -> [UInt8] {
        // Room for a key record and its secret from the start: growing would leave copies of the line.
        var line = LineEncoder(capacity: 1024)
        line.word("OK")
        fill(&line)
        return line.lineWithLF()
    }

    /// One data line: `TYPE attributes…`, ended by LF.
    static func item(_ type: String, _ fill: (inout LineEncoder) -> Void) -> [UInt8] {
        var line = LineEncoder()
        line.word(type)
        fill(&line)
        return line.bytes + [0x0A]
    }

    static func no(_ code: String, _ text: String) -> [UInt8] { refusal("NO", code, text) }
    static func bad(_ error: ProtocolError) -> [UInt8] { refusal("BAD", error.code.rawValue, error.message) }

    static func refusal(_ kind: String, _ code: String, _ text: String) -> [UInt8] {
        var line = LineEncoder()
        line.word(kind)
        line.word(code)
        line.text(text)
        return line.bytes + [0x0A]
    }

    /// A store refusal as its NO code; what cannot be served at all is `unavailable`.
    static func no(_ error: StoreError) -> [UInt8] {
        switch error.code {
        case .notFound, .exists, .invalid, .unavailable, .forbidden: no(error.code.rawValue, error.message)
        case .cannotOpen, .corrupt: no("unavailable", "the store cannot serve this request: \(error.message)")
        }
    }
}
