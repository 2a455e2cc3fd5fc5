import PapaoursCore

/// One write, fully decided before it is applied: the records put and deleted and the events
/// journaled, with every id, hash, time and sequence number already drawn. Applying it
/// (Store.apply) knows no rules and gives the same bytes on every store it is applied to.
public struct ChangeSet: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        case putMachine(MachineRecord)
        /// The machine only; its keys go with `deleteKey` changes of their own.
        case deleteMachine(MachineID)
        /// A key's record; its usage fields are not stored with it (see `addUsage`).
        case putKey(KeyRecord)
        case deleteKey(KeyID)
        /// Adds counts to a key's usage; a key that no longer exists is passed over.
        case addUsage(KeyID, UsageDelta)
        case putRole(RoleRecord)
        /// The role only: the machines and groups that held it were rewritten before, in the same set.
        case deleteRole(String)
        case putGroup(GroupRecord)
        case deleteGroup(String)
        /// Adds a flush's history to a key (days, hours, addresses) and drops what is past keeping.
        case addActivity(KeyID, ActivityChange)
        case putAlert(Alert)
        /// Drops at most `limit` of the oldest alerts made before `before`.
        case pruneAlerts(before: Timestamp, limit: Int)
        /// Drops these keys' days and hours past keeping (keys no longer used, swept a few a flush).
        case pruneHistory([KeyID], keepDaysFrom: UInt32, keepHoursFrom: UInt32)
    }

    /// This write's place in the store's change sequence: one more than the last applied.
    public var sequence: UInt64
    public var changes: [Change]
    public var events: [AuditEvent]

    public init(sequence: UInt64, changes: [Change] = [], events: [AuditEvent] = []) {
        self.sequence = sequence
        self.changes = changes
        self.events = events
    }
}
