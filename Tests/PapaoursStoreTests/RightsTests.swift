import Testing
import PapaoursCore
@testable import PapaoursStore

/// Roles, groups and the rights kept in machine records (protocol.md, "Rights").
@Suite("Store: roles, groups and rights")
struct RightsTests {
    let scoped = Authority(rightsAdmin: false, scope: ["CFA Jean Bosco"])
    let writer = Authority(rightsAdmin: false, scope: nil)

    func role(_ store: Store, _ name: String, rights: String = "", perimeter: String = "*", protected: String = "no",
              authority: Authority = .full) throws -> RoleRecord {
        try store.withWrite { w in
            try w.take(Decisions.createRole(RoleDraft(name: name, members: rights, perimeter: perimeter, protected: protected),
                                            authority: authority, by: root, at: .now(), reading: w.view))
        }
    }

    func group(_ store: Store, _ name: String, roles: String, perimeter: String = "*", protected: String = "no") throws -> GroupRecord {
        try store.withWrite { w in
            try w.take(Decisions.createGroup(RoleDraft(name: name, members: roles, perimeter: perimeter, protected: protected),
                                             authority: .full, by: root, at: .now(), reading: w.view))
        }
    }

    func machine(_ store: Store, _ name: String, organization: String, roles: String = "", groups: String = "",
                 authority: Authority = .full) throws -> MachineRecord {
        try store.withWrite { w in
            try w.take(Decisions.createMachine(MachineDraft(name: name, organization: organization, roles: roles, groups: groups),
                                               authority: authority, by: root, at: .now(), reading: w.view))
        }
    }

    func editRole(_ store: Store, _ name: String, _ changes: RoleChanges, authority: Authority = .full) throws -> RoleRecord {
        try store.withWrite { w in
            try w.take(Decisions.editRole(name, changes, authority: authority, by: root, at: .now(), reading: w.view))
        }
    }

    func editMachine(_ store: Store, _ ref: String, _ changes: MachineChanges, authority: Authority = .full) throws -> MachineRecord {
        try store.withWrite { w in
            try w.take(Decisions.editMachine(ref, changes, authority: authority, by: root, at: .now(), reading: w.view))
        }
    }

    func rights(_ store: Store, _ name: String) throws -> [String] { try #require(try store.show(name)).rights.map(\.description) }

    @Test("the guide's example: the rights are computed into the machine when it is written")
    func guideExample() throws {
        try withStore { store, _ in
            _ = try role(store, "lecteur-contrats", rights: "contrats:read")
            _ = try role(store, "facturier", rights: "factures:write")
            _ = try group(store, "facturation", roles: "lecteur-contrats,facturier", perimeter: "CFA Jean Bosco")
            _ = try machine(store, "Service de facturation", organization: "CFA Jean Bosco", groups: "facturation")
            #expect(try rights(store, "Service de facturation") == ["contrats:read", "factures:write"])
            _ = try machine(store, "Ailleurs", organization: "Lycée Voltaire", groups: "facturation")
            #expect(try rights(store, "Ailleurs").isEmpty, "outside the group's perimeter")
        }
    }

    @Test("a role edited, renamed or a group changed rewrites the rights of every machine it reaches, in the same commit")
    func editsReachHolders() throws {
        try withStore { store, _ in
            _ = try role(store, "lecteur", rights: "contrats:read")
            _ = try group(store, "g", roles: "lecteur")
            _ = try machine(store, "direct", organization: "Acme", roles: "lecteur")
            _ = try machine(store, "via-group", organization: "Acme", groups: "g")
            _ = try editRole(store, "lecteur", RoleChanges(members: "contrats:read,contrats:write"))
            #expect(try rights(store, "direct") == ["contrats:read", "contrats:write"])
            #expect(try rights(store, "via-group") == ["contrats:read", "contrats:write"])
            _ = try editRole(store, "lecteur", RoleChanges(name: "redacteur", perimeter: "Beta"))
            #expect(try store.show("direct")?.roles == ["redacteur"])
            #expect(try store.read { try $0.group(name: "g") }?.roles == ["redacteur"])
            #expect(try rights(store, "direct").isEmpty && rights(store, "via-group").isEmpty, "Acme is out of the new perimeter")
            #expect(try store.read { try $0.role(name: "lecteur") } == nil)
            #expect(try store.read { try $0.machineIDs(role: "redacteur").count } == 1)
            // A machine moved out of a perimeter loses the rights at once, and back in gets them again.
            _ = try editMachine(store, "direct", MachineChanges(organization: "Beta"))
            #expect(try rights(store, "direct") == ["contrats:read", "contrats:write"])
        }
    }

    @Test("deleting a role or group someone holds is invalid; a missing group is not found; a missing role is created with no rights")
    func deletesAndReferences() throws {
        try withStore { store, _ in
            _ = try role(store, "r", rights: "a:read")
            _ = try group(store, "g", roles: "r")
            _ = try machine(store, "m", organization: "Acme", groups: "g")
            #expect(storeError { try store.withWrite { w in try w.take(Decisions.deleteRole("r", authority: .full, by: root, at: .now(), reading: w.view)) } }?.code == .invalid)
            #expect(storeError { try store.withWrite { w in try w.take(Decisions.deleteGroup("g", authority: .full, by: root, at: .now(), reading: w.view)) } }?.code == .invalid)
            #expect(storeError { try machine(store, "n", organization: "Acme", groups: "nope") }?.code == .notFound)
            #expect(storeError { try group(store, "h", roles: "nope") }?.code == .notFound)
            #expect(storeError { try role(store, "r") }?.code == .exists)
            _ = try machine(store, "v1", organization: "Acme", roles: "free-text")
            let made = try #require(try store.read { try $0.role(name: "free-text") })
            #expect(made.rights.isEmpty && made.perimeter == .everywhere)
            #expect(try store.events().contains { $0.action == .roleCreate && $0.target == "free-text" })
            _ = try editMachine(store, "m", MachineChanges(groups: ""))
            _ = try store.withWrite { w in try w.take(Decisions.deleteGroup("g", authority: .full, by: root, at: .now(), reading: w.view)) }
            _ = try store.withWrite { w in try w.take(Decisions.deleteRole("r", authority: .full, by: root, at: .now(), reading: w.view)) }
            #expect(try store.read { try $0.allGroups() }.isEmpty)
        }
    }

    @Test("protected records are rights.admin's; a scoped writer acts only in its organisations and never on roles")
    func reach() throws {
        try withStore { store, _ in
            _ = try role(store, "admin-papaours", rights: "papaours:write", protected: "yes")
            #expect(storeError { try role(store, "x", protected: "yes", authority: writer) }?.code == .forbidden)
            #expect(storeError { try editRole(store, "admin-papaours", RoleChanges(description: "d"), authority: writer) }?.code == .forbidden)
            #expect(storeError { try machine(store, "m", organization: "Acme", roles: "admin-papaours", authority: writer) }?.code == .forbidden)
            _ = try machine(store, "system", organization: "Acme", roles: "admin-papaours")
            #expect(storeError { try editMachine(store, "system", MachineChanges(protected: "yes"), authority: writer) }?.code == .forbidden)
            _ = try editMachine(store, "system", MachineChanges(protected: "yes"))
            #expect(storeError { try editMachine(store, "system", MachineChanges(description: "d"), authority: writer) }?.code == .forbidden)
            #expect(storeError {
                try store.withWrite { w in
                    try w.take(Decisions.createKey(machine: "system", label: "k", expires: "", secret: .generate(), authority: writer,
                                                   by: root, at: .now(), reading: w.view))
                }
            }?.code == .forbidden)
            // Scoped: its organisation only; another is absent; moving out is refused; roles are not its to make.
            _ = try machine(store, "bosco", organization: "CFA Jean Bosco", authority: scoped)
            #expect(storeError { try machine(store, "voltaire", organization: "Lycée Voltaire", authority: scoped) }?.code == .forbidden)
            #expect(storeError { try machine(store, "none", organization: "", authority: scoped) }?.code == .forbidden)
            #expect(storeError { try editMachine(store, "system", MachineChanges(description: "d"), authority: scoped) }?.code == .notFound)
            #expect(storeError { try editMachine(store, "bosco", MachineChanges(organization: "Acme"), authority: scoped) }?.code == .forbidden)
            #expect(storeError { try role(store, "mine", authority: scoped) }?.code == .forbidden)
            #expect(storeError { try editMachine(store, "bosco", MachineChanges(roles: "brand-new"), authority: scoped) }?.code == .forbidden)
            _ = try role(store, "existing", rights: "a:read")
            #expect(try editMachine(store, "bosco", MachineChanges(roles: "existing"), authority: scoped).rights.map(\.description) == ["a:read"])
        }
    }

    @Test("a schema-3 store is upgraded: its free-text roles become roles with no rights")
    func upgradeFromSchema3() throws {
        try withStore { store, _ in
            _ = try machine(store, "m", organization: "Acme", roles: "a,b")
            #expect(try store.read { try $0.allRoles() }.map(\.name) == ["a", "b"])
            #expect(try store.read { try $0.holderCount(role: "a") } == 1)
        }
    }
}
