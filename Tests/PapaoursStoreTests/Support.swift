import Foundation
import Testing
import PapaoursCore
@testable import PapaoursStore

let root = PapaoursCore.Actor(uid: 0, user: "root")
let alice = PapaoursCore.Actor(uid: 1000, user: "alice")

/// A fresh directory under /tmp, removed with everything in it when released.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/papaours-store-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: made!)
    }

    /// Where the tests put the store: a directory the store creates itself.
    var database: String { path + "/db" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Opens a store in a temporary directory, runs `body`, closes it and removes the directory.
func withStore(mapSize: Int = Store.defaultMapSize, _ body: (Store, TemporaryDirectory) throws -> Void) throws {
    let directory = TemporaryDirectory()
    let store = try Store(directory: directory.database, mapSize: mapSize)
    defer { store.close() }
    try body(store, directory)
}

/// The StoreError `body` throws; nil when it throws nothing (or something else, which is recorded).
func storeError<R>(_ body: () throws -> R) -> StoreError? {
    do {
        _ = try body()
        return nil
    } catch let error as StoreError {
        return error
    } catch {
        Issue.record("expected a StoreError, got \(type(of: error)): \(error)")
        return nil
    }
}

/// The error opening a store in `directory` gives; nil (and the store closed again) when it opens.
func openError(_ directory: String) -> StoreError? {
    do {
        let store = try Store(directory: directory)
        store.close()
        return nil
    } catch {
        return error
    }
}

/// One "transaction" of the tests: decisions against a view, applied together at its end as
/// the writer does (a throw inside discards them all, like an aborted transaction).
final class TestWrite {
    let view: BatchView
    var sets: [ChangeSet] = []

    init(over snapshot: Snapshot) { view = BatchView(over: snapshot) }

    func take<V>(_ decision: Decision<V>) throws -> V {
        try take(decision.changes)
        return decision.value
    }

    func take(_ set: ChangeSet) throws {
        try view.absorb(set)
        sets.append(set)
    }
}

extension Store {
    /// Runs `body`'s decisions against a fresh snapshot, then applies them in one commit.
    func withWrite<R>(_ body: (TestWrite) throws -> R) throws -> R {
        let snapshot = try Snapshot(store: self)
        try snapshot.refresh()
        let write = TestWrite(over: snapshot)
        let result: R
        do { result = try body(write) } catch { throw StoreError(any: error) }
        snapshot.end()
        try apply(write.sets)
        return result
    }

    func withRead<R>(_ body: (Snapshot) throws -> R) throws -> R { try read(body) }

    // The write verbs, as the writer decides them.
    func createMachine(_ draft: MachineDraft, by actor: PapaoursCore.Actor, at now: Timestamp, in w: TestWrite) throws -> MachineRecord {
        try w.take(Decisions.createMachine(draft, by: actor, at: now, reading: w.view))
    }

    func editMachine(_ ref: String, _ changes: MachineChanges, by actor: PapaoursCore.Actor, at now: Timestamp,
                     in w: TestWrite) throws -> MachineRecord {
        try w.take(Decisions.editMachine(ref, changes, by: actor, at: now, reading: w.view))
    }

    func deleteMachine(_ ref: String, by actor: PapaoursCore.Actor, at now: Timestamp,
                       in w: TestWrite) throws -> (machine: MachineRecord, keys: [KeyID]) {
        let keys = try w.view.machine(ref: ref).map { try w.view.keyIDs(machine: $0.id) } ?? []
        return (try w.take(Decisions.deleteMachine(ref, by: actor, at: now, reading: w.view)), keys)
    }

    func createKey(machine: String, label: String, expires: String, secret: Secret, imported: Bool = false,
                   by actor: PapaoursCore.Actor, at now: Timestamp, in w: TestWrite) throws -> KeyRecord {
        try w.take(Decisions.createKey(machine: machine, label: label, expires: expires, secret: secret, imported: imported,
                                       by: actor, at: now, reading: w.view))
    }

    func editKey(_ ref: String, _ changes: KeyChanges, by actor: PapaoursCore.Actor, at now: Timestamp, in w: TestWrite) throws -> KeyRecord {
        try w.take(Decisions.editKey(ref, changes, by: actor, at: now, reading: w.view))
    }

    func recordDenied(_ attempted: String, machine: MachineID?, details: String, by actor: PapaoursCore.Actor,
                      at now: Timestamp, in w: TestWrite) throws {
        try w.take(Decisions.denied(attempted, machineRef: machine?.value, details: details, by: actor, at: now, reading: w.view))
    }

    func applyUsage(_ usage: [KeyID: UsageDelta], in w: TestWrite) throws {
        try w.take(Decisions.usage(usage, at: .now(), reading: w.view))
    }

    // Reads, on a snapshot.
    func machine(ref: String, in s: Snapshot) throws -> MachineRecord? { try s.machine(ref: ref) }
    func machine(id: MachineID, in s: Snapshot) throws -> MachineRecord? { try s.machine(id: id) }
    func key(id: KeyID, in s: Snapshot) throws -> KeyRecord? { try s.key(id: id) }
    func key(ref: String, in s: Snapshot) throws -> KeyRecord? { try s.key(ref: ref) }
    func key(hash: SecretHash, in s: Snapshot) throws -> KeyRecord? { try s.keyID(hash: hash).flatMap { try s.key(id: $0) } }
    func keyIDs(machine: MachineID, in s: Snapshot) throws -> [KeyID] { try s.keyIDs(machine: machine) }
    func keys(machine: MachineID, in s: Snapshot) throws -> [KeyRecord] { try s.keys(machine: machine) }
    func keyCount(machine: MachineID, in s: Snapshot) throws -> Int { try s.keyCount(machine: machine) }
    func counts(in s: Snapshot) throws -> (machines: Int, keys: Int) { try s.counts() }
    func allMachines(in s: Snapshot) throws -> [MachineRecord] { try s.allMachines() }
    func lastAuditSequence(in s: Snapshot) throws -> UInt64 { try s.lastEventSequence() }
    func auditEvents(after: UInt64, machine: MachineID?, limit: Int, in s: Snapshot) throws -> [AuditEvent] {
        try s.auditEvents(.after(after), machine: machine, limit: limit)
    }

    @discardableResult
    func makeMachine(_ name: String, description: String = "", organization: String = "", roles: String = "",
                     by actor: PapaoursCore.Actor = root, at now: Timestamp = .now()) throws -> MachineRecord {
        try withWrite { txn in
            try createMachine(MachineDraft(name: name, description: description, organization: organization, roles: roles),
                              by: actor, at: now, in: txn)
        }
    }

    @discardableResult
    func makeKey(_ machine: String, label: String = "key", expires: String = "", secret: Secret = .generate(),
                 at now: Timestamp = .now()) throws -> KeyRecord {
        try withWrite { txn in
            try createKey(machine: machine, label: label, expires: expires, secret: secret, by: root, at: now, in: txn)
        }
    }

    func show(_ ref: String) throws -> MachineRecord? { try read { try $0.machine(ref: ref) } }

    func showKey(_ id: KeyID) throws -> KeyRecord? { try read { try $0.key(id: id) } }

    func list() throws -> [MachineRecord] { try read { try $0.allMachines() } }

    func events(after: UInt64 = 0, machine: MachineID? = nil, limit: Int = 10_000) throws -> [AuditEvent] {
        try read { try $0.auditEvents(.after(after), machine: machine, limit: limit) }
    }

    func outcome(_ hash: SecretHash, at now: Timestamp) throws -> Verdict {
        try read { try $0.verdict(hash, at: now) }
    }
}

/// What VERIFY found, copied out of the snapshot for the tests to look at.
struct Verdict {
    let outcome: VerifyOutcome
    let key: KeyID?
    let label: String?
    let expires: Timestamp?
    let machine: MachineRecord?

    var name: String {
        switch outcome {
        case .valid: "valid"
        case .unknownKey: "unknownKey"
        case .inactiveKey: "inactiveKey"
        case .expiredKey: "expiredKey"
        case .inactiveMachine: "inactiveMachine"
        }
    }
}

extension Snapshot {
    func verdict(_ hash: SecretHash, at now: Timestamp) throws -> Verdict {
        try verify(hash, at: now, machines: MachineCache<MachineRecord>(), describe: { $0 }, isActive: { $0.status == .active }) {
            outcome, key, machine in
            Verdict(outcome: outcome, key: key.map { KeyID(stored: $0.id) }, label: key.map { String(decoding: $0.label, as: UTF8.self) },
                    expires: key?.expires, machine: machine)
        }
    }
}

/// Mode bits (permissions) of a path.
func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}
