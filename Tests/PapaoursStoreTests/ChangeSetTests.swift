import Testing
import PapaoursCore
@testable import PapaoursStore

@Suite("Store: change sets")
struct ChangeSetTests {
    /// Every entry of every database, in order.
    static func dump(_ store: Store) throws -> [String: [[UInt8]]] {
        try store.read { snapshot in
            var all: [String: [[UInt8]]] = [:]
            for (name, database) in [("meta", store.meta), ("secrets", store.secrets), ("key-ids", store.keyIDs),
                                     ("machine-key-ids", store.machineKeyIDs), ("key-usage", store.keyUsage),
                                     ("machines", store.machines), ("machine-names", store.machineNames),
                                     ("audit", store.audit), ("audit-machines", store.auditMachines)] {
                var entries: [[UInt8]] = []
                try database.scan(in: snapshot) { key, value in entries.append(key + [0xFF] + value); return true }
                if name == "machine-key-ids" || name == "audit-machines" {
                    // Sorted duplicates: scan gives the first of each key; list them all.
                    entries = []
                    var keys: [[UInt8]] = []
                    try database.scan(in: snapshot) { key, _ in keys.append(key); return true }
                    for key in Set(keys).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                        try database.duplicates(of: key, in: snapshot) { entries.append(key + [0xFF] + $0); return true }
                    }
                }
                all[name] = entries
            }
            return all
        }
    }

    /// A history of every kind of change, decided against `store`.
    static func history(on store: Store) throws -> [ChangeSet] {
        var sets: [ChangeSet] = []
        let t = Timestamp(seconds: 1_900_000_000)
        func run(_ body: (TestWrite) throws -> Void) throws {
            try store.withWrite { w in
                try body(w)
                sets += w.sets
            }
        }
        try run { w in
            _ = try store.createMachine(MachineDraft(name: "web", organization: "Acme", roles: "api"), by: root, at: t, in: w)
            _ = try store.createMachine(MachineDraft(name: "Étoile"), by: alice, at: t, in: w)
            _ = try store.createKey(machine: "web", label: "prod", expires: "", secret: .generate(), by: root, at: t, in: w)
        }
        try run { w in
            let key = try store.createKey(machine: "Étoile", label: "b", expires: "2100-01-01T00:00:00Z", secret: .generate(),
                                          by: root, at: t, in: w)
            _ = try store.editKey(key.id.value, KeyChanges(label: "c", status: "inactive"), by: root, at: t, in: w)
            _ = try store.editMachine("web", MachineChanges(name: "web2", description: "d"), by: root, at: t, in: w)
            try store.applyUsage([key.id: UsageDelta(uses: 3, lastUsed: t, lastIP: "192.0.2.1")], in: w)
            try store.recordDenied("machine.delete", machine: nil, details: "refused", by: alice, at: t, in: w)
        }
        try run { w in _ = try store.deleteMachine("Étoile", by: root, at: t, in: w) }
        return sets
    }

    @Test("applying the same change sets to two empty stores gives byte-identical records")
    func deterministic() throws {
        try withStore { first, _ in
            let sets = try Self.history(on: first)
            #expect(sets.map(\.sequence) == Array(1...UInt64(sets.count)))
            try withStore { second, _ in
                #expect(try second.apply(sets) == UInt64(sets.count))
                let (a, b) = (try Self.dump(first), try Self.dump(second))
                #expect(a == b)
                #expect(a["secrets"]?.count == 1 && a["audit"]?.count == sets.reduce(0) { $0 + $1.events.count })
                #expect(second.changeSequence == UInt64(sets.count))
            }
        }
    }

    @Test("a change set that does not follow the sequence is refused, and nothing of its batch is applied")
    func gapRefused() throws {
        try withStore { source, _ in
            let sets = try Self.history(on: source)
            try withStore { replica, _ in
                try replica.apply(Array(sets.prefix(2)))
                let before = try Self.dump(replica)
                let gap = try #require(storeError { try replica.apply([sets[3]]) })
                #expect(gap.message.contains("does not follow 2"))
                let repeated = try #require(storeError { try replica.apply([sets[1], sets[2]]) })
                #expect(repeated.message.contains("does not follow"))
                #expect(try Self.dump(replica) == before)
                #expect(replica.changeSequence == 2)
                try replica.apply(Array(sets.dropFirst(2)))
                #expect(try Self.dump(replica) == Self.dump(source))
            }
        }
    }

    @Test("the change sequence survives a restart and moves with every commit")
    func sequenceIsDurable() throws {
        let directory = TemporaryDirectory()
        var store = try Store(directory: directory.database)
        _ = try Self.history(on: store)
        let reached = store.changeSequence
        #expect(reached > 0)
        store.close()
        store = try Store(directory: directory.database)
        defer { store.close() }
        #expect(store.changeSequence == reached)
        try store.makeMachine("after")
        #expect(store.changeSequence == reached + 1)
    }

    @Test("a write is decided against the writes queued before it in the same batch")
    func batchView() throws {
        try withStore { store, _ in
            try store.withWrite { w in
                let m = try store.createMachine(MachineDraft(name: "svc"), by: root, at: .now(), in: w)
                let key = try store.createKey(machine: "svc", label: "k", expires: "", secret: .generate(), by: root, at: .now(), in: w)
                #expect(storeError { try store.createMachine(MachineDraft(name: "SVC"), by: root, at: .now(), in: w) }?.code == .exists)
                #expect(try w.view.keyIDs(machine: m.id) == [key.id])
                let deleted = try store.deleteMachine("svc", by: root, at: .now(), in: w)
                #expect(deleted.keys == [key.id])
                #expect(try w.view.machine(ref: "svc") == nil && w.view.key(id: key.id) == nil)
                _ = try store.createMachine(MachineDraft(name: "SVC"), by: root, at: .now(), in: w)
            }
            #expect(try store.list().map(\.name) == ["SVC"])
            #expect(try store.events().map(\.seq) == [1, 2, 3, 4])
            #expect(try store.read { try $0.integrityProblems() }.isEmpty)
        }
    }
}
