import Testing
import PapaoursCore
@testable import PapaoursStore

@Suite("Store: audit journal")
struct AuditTests {
    @Test("every write is journaled with a sequence from 1, its actor, action, target and machine")
    func everyWrite() throws {
        try withStore { store, _ in
            let t = Timestamp(seconds: 1_795_905_998)
            let m = try store.makeMachine("web", description: "d", roles: "a,b", by: alice, at: t)
            _ = try store.withWrite { txn in
                try store.editMachine("web", MachineChanges(name: "web2", status: "inactive"), by: root, at: t, in: txn)
            }
            let secret = Secret.generate()
            let k = try store.withWrite { txn in
                try store.createKey(machine: "web2", label: "prod", expires: "2027-01-31T00:00:00Z", secret: secret, by: alice, at: t, in: txn)
            }
            _ = try store.withWrite { txn in
                try store.editKey(k.id.value, KeyChanges(label: "production", status: "inactive"), by: root, at: t, in: txn)
            }
            try store.withWrite { txn in
                try store.recordDenied("MACHINE DELETE web2", machine: m.id, details: "needs machines.write", by: alice, at: t, in: txn)
            }
            try store.withWrite { txn in
                try store.recordDenied("MACHINE CREATE x", machine: nil, details: "needs machines.write", by: alice, at: t, in: txn)
            }
            _ = try store.withWrite { txn in try store.deleteMachine("web2", by: root, at: t, in: txn) }

            // The roles a and b did not exist: version 1's free-text roles become roles, journaled first.
            let all = try store.events()
            #expect(all.prefix(2).map(\.action) == [.roleCreate, .roleCreate])
            #expect(all.prefix(2).map(\.target) == ["a", "b"])
            #expect(all[0].details == #"name "a"; perimeter "*""#)
            let events = Array(all.dropFirst(2))
            #expect(events.map(\.seq) == Array(3...9))
            #expect(events.map(\.action) == [.machineCreate, .machineEdit, .keyCreate, .keyEdit, .denied, .denied, .machineDelete])
            #expect(events.map(\.user) == ["alice", "root", "alice", "root", "alice", "alice", "root"])
            #expect(events.map(\.uid) == [1000, 0, 1000, 0, 1000, 1000, 0])
            #expect(events.map(\.target) == [m.id.value, m.id.value, k.id.value, k.id.value, "MACHINE DELETE web2", "MACHINE CREATE x", m.id.value])
            #expect(events.map(\.machine) == [m.id, m.id, m.id, m.id, m.id, nil, m.id])
            #expect(events.allSatisfy { $0.time == t })

            #expect(events[0].details == #"name "web"; description "d"; roles "a,b""#)
            #expect(events[1].details == #"name "web" -> "web2"; status "active" -> "inactive""#)
            #expect(events[2].details.contains(#"label "prod""#))
            #expect(events[2].details.contains("2027-01-31T00:00:00Z"))
            #expect(events[3].details == #"label "prod" -> "production"; status "active" -> "inactive""#)
            #expect(events[4].details == "needs machines.write")
            #expect(events[6].details.contains(#"name "web2""#))
            #expect(events[6].details.contains(k.id.value))
            for event in events {
                #expect(!event.details.contains(secret.revealed))
                #expect(!event.details.contains(String(decoding: secret.bytes[5..<37], as: UTF8.self)))
            }
        }
    }

    @Test("edit details quote old and new values with escapes; an edit that changes nothing says so")
    func editDetails() throws {
        try withStore { store, _ in
            try store.makeMachine("web", description: "one\ntwo", organization: "say \"hi\"")
            _ = try store.withWrite { txn in
                try store.editMachine("web", MachineChanges(description: "tab\there", organization: "back\\slash", roles: "r"), by: root, at: .now(), in: txn)
            }
            _ = try store.withWrite { txn in
                try store.editMachine("web", MachineChanges(status: "active"), by: root, at: .now(), in: txn)
            }
            let events = try store.events()
            #expect(events[1].action == .roleCreate)
            #expect(events[2].details == #"description "one\ntwo" -> "tab\there"; organization "say \"hi\"" -> "back\\slash"; roles "" -> "r""#)
            #expect(events[3].details == "no change")
        }
    }

    @Test("filter by machine, after and limit")
    func filters() throws {
        try withStore { store, _ in
            let a = try store.makeMachine("a")                  // 1
            let b = try store.makeMachine("b")                  // 2
            let ka = try store.makeKey("a")                     // 3
            try store.makeKey("b")                              // 4
            _ = try store.withWrite { txn in                    // 5
                try store.editKey(ka.id.value, KeyChanges(label: "x"), by: root, at: .now(), in: txn)
            }
            try store.withWrite { txn in                        // 6
                try store.recordDenied("KEY CREATE b", machine: nil, details: "", by: alice, at: .now(), in: txn)
            }
            _ = try store.withWrite { txn in try store.deleteMachine("a", by: root, at: .now(), in: txn) }  // 7

            #expect(try store.events().map(\.seq) == [1, 2, 3, 4, 5, 6, 7])
            #expect(try store.events(machine: a.id).map(\.seq) == [1, 3, 5, 7], "a deleted machine's journal stays")
            #expect(try store.events(machine: b.id).map(\.seq) == [2, 4])
            #expect(try store.events(machine: MachineID.random()).isEmpty)
            #expect(try store.events(after: 2).map(\.seq) == [3, 4, 5, 6, 7])
            #expect(try store.events(after: 2, limit: 2).map(\.seq) == [3, 4])
            #expect(try store.events(after: 3, machine: a.id).map(\.seq) == [5, 7])
            #expect(try store.events(after: 1, machine: a.id, limit: 1).map(\.seq) == [3])
            #expect(try store.events(after: 7).isEmpty)
            #expect(try store.events(after: 100).isEmpty)
            #expect(try store.events(after: UInt64.max).isEmpty)
            #expect(try store.events(limit: 0).isEmpty)
            #expect(try store.events(limit: 1).map(\.seq) == [1])
            #expect(try store.withRead { txn in try store.lastAuditSequence(in: txn) } == 7)
        }
    }

    @Test("sequence numbers keep growing across reopenings")
    func sequenceAcrossReopen() throws {
        let directory = TemporaryDirectory()
        var store = try Store(directory: directory.database)
        try store.makeMachine("a")
        try store.makeMachine("b")
        store.close()
        store = try Store(directory: directory.database)
        defer { store.close() }
        try store.makeMachine("c")
        #expect(try store.events().map(\.seq) == [1, 2, 3])
    }
}
