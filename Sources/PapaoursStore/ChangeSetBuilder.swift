import PapaoursCore

/// A write decided: the change set to apply, and what the writer answers once it is committed.
public struct Decision<Value> {
    public let changes: ChangeSet
    public let value: Value
}

/// Builds one write's change set against a view: the next change sequence, and the next
/// journal sequence for each event it records.
struct ChangeSetBuilder {
    let view: any RecordReading
    let actor: Actor
    let now: Timestamp
    private(set) var set: ChangeSet
    private var nextEvent: UInt64

    init(_ view: any RecordReading, by actor: Actor, at now: Timestamp) throws {
        self.view = view
        self.actor = actor
        self.now = now
        set = ChangeSet(sequence: try view.changeSequence() + 1)
        nextEvent = try view.lastEventSequence() + 1
    }

    mutating func record(_ change: ChangeSet.Change) { set.changes.append(change) }

    mutating func journal(_ action: AuditAction, target: String, machine: MachineID?, _ log: ChangeLog) {
        journal(AuditEvent(seq: 0, time: now, uid: actor.uid, user: actor.user, action: action, target: target,
                           machine: machine, details: log.text, changes: log.changes))
    }

    /// Appends an event under the next sequence number (an imported event keeps its content).
    mutating func journal(_ event: AuditEvent) {
        var event = event
        event.seq = nextEvent
        nextEvent += 1
        set.events.append(event)
    }

    func decided<Value>(_ value: Value) -> Decision<Value> { Decision(changes: set, value: value) }
}
