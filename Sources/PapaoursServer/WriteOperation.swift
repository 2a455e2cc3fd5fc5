import PapaoursCore
import PapaoursStore

/// A change queued for the writer thread.
enum WriteOperation: Sendable {
    case createMachine(MachineDraft)
    case editMachine(ref: String, MachineChanges)
    case deleteMachine(ref: String)
    case createKey(machine: String, label: String, expires: String)
    case editKey(ref: String, KeyChanges)
    /// A secret issued elsewhere (KEY IMPORT); only its hash is stored.
    case importKey(machine: String, label: String, expires: String, secret: Secret)
    case importRecords(ImportBatch)
    case createRole(RoleDraft)
    case editRole(name: String, RoleChanges)
    case deleteRole(name: String)
    case createGroup(RoleDraft)
    case editGroup(name: String, RoleChanges)
    case deleteGroup(name: String)
    /// A write refused as forbidden, journaled as `denied`; `reply` is the refusal.
    case denied(attempted: String, machineRef: String?, missing: Permissions, reply: [UInt8])
    /// A whole-store operation already done (EXPORT, BACKUP) journaled; `reply` is its answer.
    case journal(AuditAction, details: String, reply: [UInt8])
    /// Batched VERIFY usage and history; nobody waits for it.
    case usage(UsageReport)
    /// A reply made before the writer (a request refused on its face) that must keep its
    /// place among the connection's writes; nothing to apply.
    case answered([UInt8])
    /// KEY ROTATE: a new key, the old one expiring after `grace`.
    case rotateKey(ref: String, grace: String, label: String?)

    /// The audit action it attempts, for a `denied` event.
    var actionName: String {
        switch self {
        case .createMachine: "machine.create"
        case .editMachine: "machine.edit"
        case .deleteMachine: "machine.delete"
        case .createKey, .importKey: "key.create"
        case .editKey: "key.edit"
        case .rotateKey: "key.rotate"
        case .importRecords: "import.commit"
        case .createRole: "role.create"
        case .editRole: "role.edit"
        case .deleteRole: "role.delete"
        case .createGroup: "group.create"
        case .editGroup: "group.edit"
        case .deleteGroup: "group.delete"
        case .denied(let attempted, _, _, _): attempted
        case .journal(let action, _, _): action.rawValue
        case .usage: "usage"
        case .answered: "answered"
        }
    }

    /// The machine it names, for a `denied` event.
    var machineRef: String? {
        switch self {
        case .editMachine(let ref, _), .deleteMachine(let ref): ref
        case .createKey(let machine, _, _), .importKey(let machine, _, _, _): machine
        default: nil
        }
    }

    /// The verb's own words for the log.
    var logName: String {
        switch self {
        case .createMachine(let d): "machine.create \(Log.token(d.name))"
        case .editMachine(let ref, _): "machine.edit \(Log.token(ref))"
        case .deleteMachine(let ref): "machine.delete \(Log.token(ref))"
        case .createKey(let m, let label, _): "key.create on \(Log.token(m)) label \(Log.token(label))"
        case .editKey(let ref, _): "key.edit \(Log.token(ref))"
        case .importKey(let m, let label, _, _): "key.create (imported) on \(Log.token(m)) label \(Log.token(label))"
        case .importRecords(let batch): "import of \(batch.count) record(s)"
        case .createRole(let d): "role.create \(Log.token(d.name))"
        case .editRole(let name, _): "role.edit \(Log.token(name))"
        case .deleteRole(let name): "role.delete \(Log.token(name))"
        case .createGroup(let d): "group.create \(Log.token(d.name))"
        case .editGroup(let name, _): "group.edit \(Log.token(name))"
        case .deleteGroup(let name): "group.delete \(Log.token(name))"
        case .denied(let attempted, _, let missing, _): "denied \(attempted): lacks \(missing)"
        case .journal(let action, _, _): action.rawValue
        case .usage(let u): "usage of \(u.uses.count) key(s) recorded"
        case .answered: "refused before the writer"
        case .rotateKey(let ref, let grace, _): "key.rotate \(Log.token(ref)) grace \(Log.token(grace))"
        }
    }
}

/// What the writer did with one operation: the reply is formatted from this, once.
enum WriteOutcome: Sendable {
    case machineCreated(MachineRecord)
    case machineEdited(MachineRecord, keys: Int)
    case machineDeleted(MachineID)
    /// `secret` only for a key made here (KEY CREATE), never for an imported one.
    case keyCreated(KeyRecord, secret: Secret?)
    case keyEdited(KeyRecord)
    case imported(ImportReport)
    /// `machines`: how many hold it directly.
    case roleSaved(RoleRecord, machines: Int)
    case groupSaved(GroupRecord, machines: Int)
    case roleDeleted(String)
    /// Journaled, answered with a reply made before (a `denied` refusal, an export, a backup).
    case journaled(reply: [UInt8])
    /// A repeated refusal, answered now and journaled with the others of its window (DeniedRepeats).
    case counted(reply: [UInt8])
    case usageRecorded
    /// `secret` is the new key's, shown this once.
    case keyRotated(RotatedKey, secret: Secret)
    /// Refused by the rules: nothing of it was applied.
    case refused(StoreError)
    /// The batch could not be committed: nothing of it was applied.
    case failed(StoreError)

    var isDone: Bool {
        switch self {
        case .refused, .failed, .counted: false
        case .journaled(let reply): reply.starts(with: Array("OK".utf8))
        default: true
        }
    }
}
