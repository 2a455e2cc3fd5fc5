import Foundation
import PapaoursCore
import PapaoursStore

let tester = PapaoursCore.Actor(uid: 0, user: "root")

/// A fresh directory under /tmp, removed with everything in it when released.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/papaours-fleet-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: made!)
    }

    var database: String { path + "/db" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

extension Store {
    /// One write decided against a fresh snapshot, then applied as the writer does.
    @discardableResult
    func write<V>(_ decide: (any RecordReading) throws -> Decision<V>) throws -> V {
        let decision = try read { snapshot in try decide(snapshot) }
        try apply([decision.changes])
        return decision.value
    }

    func write(set decide: (any RecordReading) throws -> ChangeSet) throws {
        let set = try read { snapshot in try decide(snapshot) }
        try apply([set])
    }

    /// Roles, a group, `machines` machines with `keysEach` keys each, usage on some, a denial
    /// and an edit: a store with every kind of record and event, written as one batch (one
    /// commit, as the writer's group commit does) so that thousands of keys take no time.
    func populate(machines: Int, keysEach: Int) throws {
        let now = Timestamp.now()
        let sets = try read { snapshot -> [ChangeSet] in
            let view = BatchView(over: snapshot)
            var sets: [ChangeSet] = []
            func take<V>(_ decision: Decision<V>) throws -> V {
                try view.absorb(decision.changes)
                sets.append(decision.changes)
                return decision.value
            }
            func take(set: ChangeSet) throws {
                try view.absorb(set)
                sets.append(set)
            }
            _ = try take(Decisions.createRole(RoleDraft(name: "ops", members: "contrats:read,contrats:write"), authority: .full, by: tester, at: now, reading: view))
            _ = try take(Decisions.createRole(RoleDraft(name: "audit", members: "journal:read", perimeter: "Acme"), authority: .full, by: tester, at: now, reading: view))
            _ = try take(Decisions.createGroup(RoleDraft(name: "team", members: "ops,audit"), authority: .full, by: tester, at: now, reading: view))
            var used: [KeyID: UsageDelta] = [:]
            for m in 0..<machines {
                let draft = MachineDraft(name: "machine-\(m)", description: "number \(m)", organization: m % 2 == 0 ? "Acme" : "Globex",
                                         roles: m % 3 == 0 ? "ops" : "", groups: m % 4 == 0 ? "team" : "")
                _ = try take(Decisions.createMachine(draft, by: tester, at: now, reading: view))
                for k in 0..<keysEach {
                    let key = try take(Decisions.createKey(machine: "machine-\(m)", label: "key \(k)", expires: k == 1 ? "2030-01-01T00:00:00Z" : "",
                                                           secret: .generate(), by: tester, at: now, reading: view))
                    if k == 0 { used[key.id] = UsageDelta(uses: UInt64(m + 1), lastUsed: now, lastIP: "10.0.0.\(m % 250)") }
                }
            }
            try take(set: Decisions.usage(used, at: now, reading: view))
            if machines > 1 {
                _ = try take(Decisions.editMachine("machine-1", MachineChanges(description: "edited", status: "inactive"), by: tester, at: now, reading: view))
            }
            try take(set: Decisions.denied("machine delete", machineRef: nil, details: "refused for the test", by: tester, at: now, reading: view))
            return sets
        }
        try apply(sets)
    }
}
