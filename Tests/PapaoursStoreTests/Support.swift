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

extension Store {
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

    func show(_ ref: String) throws -> MachineRecord? {
        try withRead { txn in try machine(ref: ref, in: txn) }
    }

    func showKey(_ id: KeyID) throws -> KeyRecord? {
        try withRead { txn in try key(id: id, in: txn) }
    }

    func list() throws -> [MachineRecord] {
        try withRead { txn in try allMachines(in: txn) }
    }

    func events(after: UInt64 = 0, machine: MachineID? = nil, limit: Int = 10_000) throws -> [AuditEvent] {
        try withRead { txn in try auditEvents(after: after, machine: machine, limit: limit, in: txn) }
    }

    func outcome(_ hash: SecretHash, at now: Timestamp) throws -> VerifyOutcome {
        try withRead { txn in try verify(hash, at: now, in: txn) }
    }
}

extension VerifyOutcome {
    var name: String {
        switch self {
        case .valid: "valid"
        case .unknownKey: "unknownKey"
        case .inactiveKey: "inactiveKey"
        case .expiredKey: "expiredKey"
        case .inactiveMachine: "inactiveMachine"
        }
    }
}

/// Mode bits (permissions) of a path.
func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}
