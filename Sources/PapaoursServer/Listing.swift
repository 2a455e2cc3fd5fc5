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

    /// Where an export stands: its machines, then every machine's keys, then the journal.
    private enum Phase { case machines, keys, events }

    static let partBytes = 64 * 1024
    private static let recordsPerRead = 256

    private let kind: Kind
    private let snapshot: Snapshot
    private var phase = Phase.machines
    private var afterMachine: MachineID?
    /// EXPORT's keys phase: the machine whose keys are being sent, and the last key sent.
    private var keysOf: MachineID?
    private var afterKey: KeyID?
    private var afterEvent: UInt64 = 0
    private var counts = (machines: 0, keys: 0, events: 0)

    init(_ kind: Kind, store: Store) throws {
        self.kind = kind
        snapshot = try Snapshot(store: store)
        try snapshot.refresh()
    }

    /// Appends the next part's lines to `out`; the end when nothing is left.
    func next(into out: inout [UInt8]) throws -> End? {
        let start = out.count
        while out.count - start < Listing.partBytes {
            switch (kind, phase) {
            case (.machines, _), (.export, .machines):
                let page = try snapshot.machines(after: afterMachine, limit: Listing.recordsPerRead)
                for m in page {
                    let keys = try snapshot.keyCount(machine: m.id)
                    out += ReplyFormat.item("MACHINE") { ReplyFormat.machine(m, keys: keys, into: &$0) }
                }
                counts.machines += page.count
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
                    (keysOf, afterKey, afterMachine) = (machine.id, nil, machine.id)
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
                for e in page { out += ReplyFormat.item("EVENT") { ReplyFormat.event(e, into: &$0) } }
                counts.events += page.count
                afterEvent = page.last?.seq ?? afterEvent
                if page.count < Listing.recordsPerRead {
                    let c = counts
                    let reply = ReplyFormat.ok {
                        $0.attribute("count", String(c.machines + c.keys + c.events))
                        $0.attribute("machines", String(c.machines))
                        $0.attribute("keys", String(c.keys))
                        $0.attribute("events", String(c.events))
                    }
                    return .journal(.storeExport, details: "exported \(c.machines) machine(s), \(c.keys) key(s), \(c.events) event(s)",
                                    reply: reply)
                }
            }
        }
        return nil
    }
}
