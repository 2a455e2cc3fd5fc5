import Testing
import PapaoursCore
@testable import PapaoursStore

@Suite("Store: machines")
struct MachineTests {
    @Test("create, show by id and by name, list, edit, delete")
    func lifecycle() throws {
        try withStore { store, _ in
            let now = Timestamp(seconds: 1_795_905_998)
            let created = try store.makeMachine("web", description: "the web\nserver", organization: "acme",
                                                roles: "api,admin,api", by: alice, at: now)
            #expect(MachineID(created.id.value) != nil)
            #expect(created.name == "web")
            #expect(created.description == "the web\nserver")
            #expect(created.organization == "acme")
            #expect(created.roles == ["api", "admin"])
            #expect(created.status == .active)
            #expect(created.created == now)
            #expect(created.updated == now)
            #expect(created.createdBy == "alice")

            #expect(try store.show(created.id.value) == created)
            #expect(try store.show("web") == created)
            #expect(try store.show("WEB") == nil, "a machine is referred to by its exact name")
            #expect(try store.show("m_0000000000000000") == nil)
            #expect(try store.withRead { txn in try store.machine(id: created.id, in: txn) } == created)

            let other = try store.makeMachine("db")
            #expect(Set(try store.list().map(\.id)) == [created.id, other.id])
            #expect(try store.list().map(\.id) == [created.id, other.id].sorted(), "listed in id order")

            let later = Timestamp(seconds: now.seconds + 60)
            let edited = try store.withWrite { txn in
                try store.editMachine("web", MachineChanges(description: "", organization: "other", roles: "x", status: "inactive"),
                                      by: root, at: later, in: txn)
            }
            #expect(edited.id == created.id)
            #expect(edited.name == "web")
            #expect(edited.description == "")
            #expect(edited.organization == "other")
            #expect(edited.roles == ["x"])
            #expect(edited.status == .inactive)
            #expect(edited.created == now)
            #expect(edited.createdBy == "alice")
            #expect(edited.updated == later)
            #expect(try store.show(created.id.value) == edited)

            let deleted = try store.withWrite { txn in try store.deleteMachine(created.id.value, by: root, at: later, in: txn) }
            #expect(deleted.machine == edited)
            #expect(deleted.keys.isEmpty)
            #expect(try store.show("web") == nil)
            #expect(try store.show(created.id.value) == nil)
            #expect(try store.list() == [other])
            let counts = try store.withRead { txn in try store.counts(in: txn) }
            #expect(counts.machines == 1)
            #expect(counts.keys == 0)
        }
    }

    @Test("a field left nil by an edit keeps its value")
    func partialEdit() throws {
        try withStore { store, _ in
            let m = try store.makeMachine("web", description: "d", organization: "o", roles: "r")
            let edited = try store.withWrite { txn in
                try store.editMachine(m.id.value, MachineChanges(organization: "o2"), by: root, at: .now(), in: txn)
            }
            #expect(edited.name == "web")
            #expect(edited.description == "d")
            #expect(edited.organization == "o2")
            #expect(edited.roles == ["r"])
            #expect(edited.status == .active)
        }
    }

    @Test("names are unique without regard to case", arguments: ["web", "WEB", "Web", "wEB"])
    func duplicateName(second: String) throws {
        try withStore { store, _ in
            try store.makeMachine("Web")
            let error = try #require(storeError { try store.makeMachine(second) })
            #expect(error.code == .exists)
            #expect(error.message.contains("already exists"))
            #expect(try store.list().count == 1)
        }
    }

    @Test("names differing otherwise are distinct")
    func similarNames() throws {
        try withStore { store, _ in
            for name in ["web", "web ", " web", "web2", "wéb", "w eb"] { try store.makeMachine(name) }
            #expect(try store.list().count == 6)
            #expect(try store.show("web ")?.name == "web ")
        }
    }

    @Test("renaming to a free name frees the old one; to a taken one is refused")
    func rename() throws {
        try withStore { store, _ in
            let a = try store.makeMachine("alpha")
            try store.makeMachine("beta")
            let taken = try #require(storeError {
                try store.withWrite { txn in try store.editMachine("alpha", MachineChanges(name: "BETA"), by: root, at: .now(), in: txn) }
            })
            #expect(taken.code == .exists)
            #expect(try store.show("alpha")?.id == a.id, "a refused edit changes nothing")

            let renamed = try store.withWrite { txn in
                try store.editMachine("alpha", MachineChanges(name: "gamma"), by: root, at: .now(), in: txn)
            }
            #expect(renamed.id == a.id)
            #expect(renamed.name == "gamma")
            #expect(try store.show("gamma")?.id == a.id)
            #expect(try store.show("alpha") == nil)
            let reborn = try store.makeMachine("ALPHA")
            #expect(reborn.id != a.id)
            #expect(try store.show("ALPHA")?.id == reborn.id)
            #expect(storeError { try store.makeMachine("Gamma") }?.code == .exists, "the new name is taken")
        }
    }

    @Test("renaming to its own name in another case is allowed")
    func renameCase() throws {
        try withStore { store, _ in
            let m = try store.makeMachine("web")
            let renamed = try store.withWrite { txn in
                try store.editMachine("web", MachineChanges(name: "WEB"), by: root, at: .now(), in: txn)
            }
            #expect(renamed.name == "WEB")
            #expect(try store.show("WEB")?.id == m.id)
            #expect(try store.show("web") == nil)
            #expect(storeError { try store.makeMachine("web") }?.code == .exists)
            // Renaming to exactly the same name is fine too.
            _ = try store.withWrite { txn in try store.editMachine("WEB", MachineChanges(name: "WEB"), by: root, at: .now(), in: txn) }
            #expect(try store.show("WEB")?.id == m.id)
            // And once deleted, the name is free in every case.
            _ = try store.withWrite { txn in try store.deleteMachine("WEB", by: root, at: .now(), in: txn) }
            try store.makeMachine("Web")
        }
    }

    /// Swift's String == treats canonically equivalent text as equal ("é" == "e\u{301}"), but the
    /// name index is keyed by the bytes. A rename between two such spellings skips the index update
    /// (Writes.swift:45 `if old.name != new.name`), so deleting the machine later leaves the old
    /// index entry behind and the name can never be used again.
    @Test("renaming between canonically equivalent spellings keeps the name index right")
    func renameCanonicallyEquivalent() throws {
        try withStore { store, _ in
            let composed = "Caf\u{E9}"       // é as one scalar
            let decomposed = "Cafe\u{301}"   // e + combining acute accent
            let m = try store.makeMachine(composed)
            _ = try store.withWrite { txn in
                try store.editMachine(m.id.value, MachineChanges(name: decomposed), by: root, at: .now(), in: txn)
            }
            _ = try store.withWrite { txn in try store.deleteMachine(m.id.value, by: root, at: .now(), in: txn) }
            #expect(try store.list().isEmpty)
            #expect(storeError { try store.makeMachine(composed) } == nil, "the name of a deleted machine must be free again")
        }
    }

    /// To decide: "é" and "e\u{301}" are the same text for people (and for Swift's ==), but the name
    /// index compares bytes, so both spellings can name two different machines.
    @Test("canonically equivalent names are the same name")
    func canonicallyEquivalentNames() throws {
        try withStore { store, _ in
            try store.makeMachine("Caf\u{E9}")
            #expect(storeError { try store.makeMachine("CAFE\u{301}") }?.code == .exists)
        }
    }

    @Test("unknown machines are not-found")
    func notFound() throws {
        try withStore { store, _ in
            try store.makeMachine("web")
            #expect(try store.show("nope") == nil)
            #expect(storeError {
                try store.withWrite { txn in try store.editMachine("nope", MachineChanges(name: "x"), by: root, at: .now(), in: txn) }
            }?.code == .notFound)
            #expect(storeError {
                try store.withWrite { txn in try store.deleteMachine("m_0000000000000000", by: root, at: .now(), in: txn) }
            }?.code == .notFound)
            #expect(storeError { try store.makeKey("nope") }?.code == .notFound)
            #expect(storeError {
                try store.withWrite { txn in try store.editKey("k_0000000000000000", KeyChanges(label: "x"), by: root, at: .now(), in: txn) }
            }?.code == .notFound)
            #expect(storeError {
                try store.withWrite { txn in try store.editKey("garbage", KeyChanges(label: "x"), by: root, at: .now(), in: txn) }
            }?.code == .notFound)
            #expect(try store.events().count == 1, "only the create was journaled")
        }
    }

    @Test("invalid values are refused as invalid, naming the field", arguments: [
        (MachineDraft(name: ""), "name"),
        (MachineDraft(name: String(repeating: "n", count: 129)), "name"),
        (MachineDraft(name: "a\u{1}b"), "name"),
        (MachineDraft(name: "web", description: String(repeating: "d", count: 1001)), "description"),
        (MachineDraft(name: "web", description: "bell\u{7}"), "description"),
        (MachineDraft(name: "web", organization: String(repeating: "o", count: 129)), "organization"),
        (MachineDraft(name: "web", roles: "a b"), "roles"),
        (MachineDraft(name: "web", roles: String(repeating: "r", count: 65)), "roles"),
    ])
    func invalidCreate(draft: MachineDraft, field: String) throws {
        try withStore { store, _ in
            let error = try #require(storeError {
                try store.withWrite { txn in try store.createMachine(draft, by: root, at: .now(), in: txn) }
            })
            #expect(error.code == .invalid)
            #expect(error.message.hasPrefix(field + " "), "\(error.message)")
            #expect(try store.list().isEmpty)
            #expect(try store.events().isEmpty)
        }
    }

    @Test("invalid edits are refused as invalid, naming the field", arguments: [
        (MachineChanges(name: ""), "name"),
        (MachineChanges(description: String(repeating: "d", count: 1001)), "description"),
        (MachineChanges(organization: "a\nb"), "organization"),
        (MachineChanges(roles: "a,,b"), "roles"),
        (MachineChanges(status: "paused"), "status"),
        (MachineChanges(status: "ACTIVE"), "status"),
    ])
    func invalidEdit(changes: MachineChanges, field: String) throws {
        try withStore { store, _ in
            let m = try store.makeMachine("web", description: "d")
            let error = try #require(storeError {
                try store.withWrite { txn in try store.editMachine("web", changes, by: root, at: .now(), in: txn) }
            })
            #expect(error.code == .invalid)
            #expect(error.message.hasPrefix(field + " "), "\(error.message)")
            #expect(try store.show("web") == m)
            #expect(try store.events().count == 1)
        }
    }

    @Test("a write transaction that throws leaves nothing behind")
    func atomicity() throws {
        try withStore { store, _ in
            let error = storeError {
                try store.withWrite { txn in
                    _ = try store.createMachine(MachineDraft(name: "first"), by: root, at: .now(), in: txn)
                    _ = try store.createMachine(MachineDraft(name: "FIRST"), by: root, at: .now(), in: txn)
                }
            }
            #expect(error?.code == .exists)
            #expect(try store.list().isEmpty)
            #expect(try store.show("first") == nil)
            #expect(try store.events().isEmpty)
            try store.makeMachine("first")
        }
    }
}
