import PapaoursCore
import PapaoursProtocol
import PapaoursStore

/// A listing sent in parts (MACHINE LIST, KEY LIST, EXPORT): each part is made when the
/// connection's output has drained below its limit, so that a reply of any length never sits
/// whole in memory and a peer that does not read holds one part, not the list. The listing
/// reads one snapshot of its own from its first line to its last: what it sends is consistent.
final class Listing {
    enum Kind {
        case machines
        case keys(MachineID)
        case export
    }

    /// How a listing ends: its final line, or (EXPORT) a final line to send once journaled.
    enum End {
        case reply([UInt8])
        case journal(AuditAction, details: String, reply: [UInt8])
    }

    /// Where an export stands: roles and groups, its machines, then every machine's keys, then
    /// the journal, the keys' usage history (days and addresses), then the alerts.
    private enum Phase { case rights, machines, keys, events, usage, alerts }

    static let partBytes = 64 * 1024
    private static let recordsPerRead = 256
    /// Keys whose history one turn sends: up to 400 days and 64 addresses each.
    private static let historiesPerRead = 16

    private let kind: Kind
    private let snapshot: Snapshot
    /// Whose machines the peer sees (a scoped grant sees its organisations' only).
    private let scope: Authority
    private var phase: Phase
    private var afterMachine: MachineID?
    /// EXPORT's keys phase: the machine whose keys are being sent, and the last key sent.
    private var keysOf: MachineID?
    private var afterKey: KeyID?
    private var afterEvent: UInt64 = 0
    private var afterAlert: UInt64 = 0
    private var counts = (machines: 0, keys: 0, events: 0, roles: 0, groups: 0, days: 0, addresses: 0, alerts: 0)

    init(_ kind: Kind, store: Store, scope: Set<String>? = nil) throws {
        self.kind = kind
        self.scope = Authority(rightsAdmin: false, scope: scope)
        phase = if case .export = kind { .rights } else { .machines }
        snapshot = try Snapshot(store: store)
        try snapshot.refresh()
    }

    /// An event is shown to a scoped peer when it names a machine of its scope that still exists.
    private func sees(_ event: AuditEvent) throws -> Bool {
        guard scope.isScoped else { return true }
        guard let id = event.machine, let machine = try snapshot.machine(id: id) else { return false }
        return scope.covers(machine.organization)
    }

    /// A key's history, or an alert, is shown to a scoped peer when its machine is of its scope.
    private func sees(machine id: MachineID?) throws -> Bool {
        guard scope.isScoped else { return true }
        guard let id, let machine = try snapshot.machine(id: id) else { return false }
        return scope.covers(machine.organization)
    }

    /// Appends the next part's lines to `out`; the end when nothing is left.
    func next(into out: inout [UInt8]) throws -> End? {
        let start = out.count
        while out.count - start < Listing.partBytes {
            switch (kind, phase) {
            case (.export, .rights):
                for role in try snapshot.allRoles() {
                    let machines = try snapshot.holderCount(role: role.name)
                    out += ReplyFormat.item("ROLE") { ReplyFormat.role(role, machines: machines, into: &$0) }
                    counts.roles += 1
                }
                for group in try snapshot.allGroups() {
                    let machines = try snapshot.holderCount(group: group.name)
                    out += ReplyFormat.item("GROUP") { ReplyFormat.group(group, machines: machines, into: &$0) }
                    counts.groups += 1
                }
                phase = .machines
            case (.machines, _), (.export, .machines):
                let page = try snapshot.machines(after: afterMachine, limit: Listing.recordsPerRead)
                for m in page where scope.covers(m.organization) {
                    counts.machines += 1
                    let keys = try snapshot.keyCount(machine: m.id)
                    out += ReplyFormat.item("MACHINE") { ReplyFormat.machine(m, keys: keys, into: &$0) }
                }
                afterMachine = page.last?.id
                if page.count < Listing.recordsPerRead {
                    if case .machines = kind { return .reply(ReplyFormat.ok { $0.attribute("count", String(counts.machines)) }) }
                    (phase, afterMachine) = (.keys, nil)
                }
            case (.keys(let machine), _):
                let page = try snapshot.keys(machine: machine, after: afterKey, limit: Listing.recordsPerRead)
                for k in page { out += ReplyFormat.item("KEY") { ReplyFormat.key(k, into: &$0) } }
                counts.keys += page.count
                afterKey = page.last?.id
                if page.count < Listing.recordsPerRead { return .reply(ReplyFormat.ok { $0.attribute("count", String(counts.keys)) }) }
            case (.export, .keys):
                if keysOf == nil {
                    guard let machine = try snapshot.machines(after: afterMachine, limit: 1).first else {
                        phase = .events
                        continue
                    }
                    afterMachine = machine.id
                    guard scope.covers(machine.organization) else { continue }
                    (keysOf, afterKey) = (machine.id, nil)
                }
                let page = try snapshot.keys(machine: keysOf!, after: afterKey, limit: Listing.recordsPerRead)
                for k in page {
                    out += ReplyFormat.item("KEY") {
                        ReplyFormat.key(k, into: &$0)
                        $0.attribute("hash", Hex.encode(k.hash.bytes))
                    }
                }
                counts.keys += page.count
                afterKey = page.last?.id
                if page.count < Listing.recordsPerRead { keysOf = nil }
            case (.export, .events):
                let page = try snapshot.auditEvents(.after(afterEvent), machine: nil, limit: Listing.recordsPerRead)
                for e in page where try sees(e) {
                    out += ReplyFormat.item("EVENT") { ReplyFormat.event(e, into: &$0) }
                    counts.events += 1
                }
                afterEvent = page.last?.seq ?? afterEvent
                if page.count < Listing.recordsPerRead { (phase, afterKey) = (.usage, nil) }
            case (.export, .usage):
                let page = try snapshot.keysWithHistory(after: afterKey, limit: Listing.historiesPerRead)
                for id in page {
                    guard let key = try snapshot.key(id: id), try sees(machine: key.machine) else { continue }
                    for day in try snapshot.usageDays(of: id, from: 0, through: UInt32.max) {
                        out += ReplyFormat.item("DAY") {
                            $0.attribute("key", id.value)
                            ReplyFormat.day(day, into: &$0)
                        }
                        counts.days += 1
                    }
                    for use in try snapshot.addresses(of: id).addresses {
                        out += ReplyFormat.item("IP") {
                            $0.attribute("key", id.value)
                            ReplyFormat.address(use, into: &$0)
                        }
                        counts.addresses += 1
                    }
                }
                afterKey = page.last
                if page.count < Listing.historiesPerRead { phase = .alerts }
            case (.export, .alerts):
                let page = try snapshot.alerts(after: afterAlert, limit: Listing.recordsPerRead)
                for alert in page where try sees(machine: alert.machine) {
                    out += ReplyFormat.item("ALERT") { ReplyFormat.alert(alert, into: &$0) }
                    counts.alerts += 1
                }
                afterAlert = page.last?.seq ?? afterAlert
                if page.count < Listing.recordsPerRead {
                    let c = counts
                    let reply = ReplyFormat.ok {
                        $0.attribute("count", String(c.machines + c.keys + c.events + c.roles + c.groups + c.days + c.addresses + c.alerts))
                        $0.attribute("machines", String(c.machines))
                        $0.attribute("keys", String(c.keys))
                        $0.attribute("events", String(c.events))
                        $0.attribute("roles", String(c.roles))
                        $0.attribute("groups", String(c.groups))
                        $0.attribute("days", String(c.days))
                        $0.attribute("addresses", String(c.addresses))
                        $0.attribute("alerts", String(c.alerts))
                    }
                    return .journal(.storeExport, details: "exported \(c.roles) role(s), \(c.groups) group(s), \(c.machines) machine(s), \(c.keys) key(s), \(c.events) event(s), \(c.days) day(s) and \(c.addresses) address(es) of usage, \(c.alerts) alert(s)",
                                    reply: reply)
                }
            }
        }
        return nil
    }
}
