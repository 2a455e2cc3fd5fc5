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
    /// A write refused as forbidden, journaled as `denied`; `reply` is the refusal.
    case denied(attempted: String, machineRef: String?, missing: Permissions, reply: [UInt8])
    /// Batched VERIFY usage; nobody waits for it.
    case usage([KeyID: UsageDelta])

    /// What the log says of it once committed (never a secret).
    func logLine(_ reply: [UInt8], actor: Actor?) -> String? {
        // Names, labels and references are written as protocol tokens: a newline in one is `\n`.
        let token = Log.token
        let who = actor.map { "by \(token($0.user)) (uid \($0.uid))" } ?? ""
        let outcome = reply.starts(with: Array("OK".utf8)) ? "done" : "refused: " + String(decoding: reply.dropLast(), as: UTF8.self)
        switch self {
        case .createMachine(let d): return "machine.create \(token(d.name)) \(who): \(outcome)"
        case .editMachine(let ref, _): return "machine.edit \(token(ref)) \(who): \(outcome)"
        case .deleteMachine(let ref): return "machine.delete \(token(ref)) \(who): \(outcome)"
        case .createKey(let m, let label, _): return "key.create on \(token(m)) label \(token(label)) \(who): \(outcome)"
        case .editKey(let ref, _): return "key.edit \(token(ref)) \(who): \(outcome)"
        case .importKey(let m, let label, _, _): return "key.create (imported) on \(token(m)) label \(token(label)) \(who): \(outcome)"
        case .importRecords(let batch): return "import of \(batch.count) record(s) \(who): \(outcome)"
        case .denied(let attempted, _, let missing, _): return "denied \(attempted) \(who): lacks \(missing)"
        case .usage(let u): return u.isEmpty ? nil : "usage of \(u.count) key(s) recorded"
        }
    }
}
