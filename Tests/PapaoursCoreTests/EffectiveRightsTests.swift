import Testing
import PapaoursCore

/// The one computation of effective rights (protocol.md, "Rights"), as tables.
@Suite("Effective rights")
struct EffectiveRightsTests {
    static let t = Timestamp(seconds: 1_795_905_998)

    static func role(_ name: String, _ rights: String, _ perimeter: String = "*") -> RoleRecord {
        RoleRecord(name: name, rights: try! Validation.rights(rights), perimeter: try! Perimeter(parsing: perimeter),
                   created: t, createdBy: "root", updated: t)
    }

    static func group(_ name: String, _ roles: [String], _ perimeter: String = "*") -> GroupRecord {
        GroupRecord(name: name, roles: roles, perimeter: try! Perimeter(parsing: perimeter), created: t, createdBy: "root", updated: t)
    }

    static let roles = [
        role("lecteur-contrats", "contrats:read", "CFA Jean Bosco,Lycée Voltaire"),
        role("facturier", "factures:write,factures:read"),
        role("formateur", "formations:read,formations:write", "Lycée Voltaire"),
        role("vide", ""),
    ]
    static let groups = [
        group("facturation", ["lecteur-contrats", "facturier"], "CFA Jean Bosco"),
        group("pedagogie", ["formateur"]),
        group("ailleurs", ["facturier"], "Autre"),
    ]

    static func rights(_ organization: String, roles: [String], groups: [String]) -> [String] {
        EffectiveRights.rights(organization: organization, roles: roles, groups: groups,
                               role: { name in Self.roles.first { $0.name == name } },
                               group: { name in Self.groups.first { $0.name == name } }).map(\.description)
    }

    @Test("a role applies only when the machine's organisation is in its perimeter", arguments: [
        ("CFA Jean Bosco", ["lecteur-contrats"], ["contrats:read"]),
        ("Lycée Voltaire", ["lecteur-contrats"], ["contrats:read"]),
        ("Autre", ["lecteur-contrats"], []),
        ("", ["lecteur-contrats"], []),
        ("cfa jean bosco", ["lecteur-contrats"], []),  // exact, case-sensitive
        ("Autre", ["facturier"], ["factures:read", "factures:write"]),  // `*` holds every organisation
        ("", ["facturier"], ["factures:read", "factures:write"]),  // even none
        ("CFA Jean Bosco", ["vide", "formateur"], []),
        ("Lycée Voltaire", ["formateur", "lecteur-contrats"], ["contrats:read", "formations:read", "formations:write"]),
    ])
    func direct(organization: String, roles: [String], expected: [String]) {
        #expect(Self.rights(organization, roles: roles, groups: []) == expected)
    }

    @Test("a group applies in its perimeter, and each of its roles in its own", arguments: [
        // The guide's example: read contracts and write invoices, nothing on trainings.
        ("CFA Jean Bosco", ["facturation"], ["contrats:read", "factures:read", "factures:write"]),
        ("Lycée Voltaire", ["facturation"], []),  // the group's perimeter excludes it
        ("CFA Jean Bosco", ["pedagogie"], []),  // the group applies, its role's perimeter does not
        ("Lycée Voltaire", ["pedagogie"], ["formations:read", "formations:write"]),
        ("CFA Jean Bosco", ["ailleurs"], []),
        ("CFA Jean Bosco", ["facturation", "pedagogie", "inconnu"], ["contrats:read", "factures:read", "factures:write"]),
    ])
    func throughGroups(organization: String, groups: [String], expected: [String]) {
        #expect(Self.rights(organization, roles: [], groups: groups) == expected)
    }

    @Test("organisation names are compared after NFC")
    func canonical() throws {
        let composed = "Lyc\u{E9}e Voltaire", decomposed = "Lyce\u{301}e Voltaire"
        #expect(try Perimeter(parsing: decomposed).contains(composed))
        #expect(try Perimeter(parsing: composed).contains(decomposed))
    }

    @Test("each right says where it comes from: the role, and the group it came through")
    func sources() {
        let found = EffectiveRights.sources(organization: "CFA Jean Bosco", roles: ["facturier"], groups: ["facturation"],
                                            role: { name in Self.roles.first { $0.name == name } },
                                            group: { name in Self.groups.first { $0.name == name } })
        #expect(found.map(\.0.description) == ["contrats:read", "factures:read", "factures:write"])
        #expect(found[1].1 == [.init(role: "facturier", group: nil), .init(role: "facturier", group: "facturation")])
        #expect(found[0].1 == [.init(role: "lecteur-contrats", group: "facturation")])
    }

    @Test("perimeters and rights lists are checked", arguments: ["a,,b", "*,Acme", String(repeating: "x", count: 129)])
    func badPerimeter(text: String) {
        #expect(throws: ValidationError.self) { try Perimeter(parsing: text) }
    }

    @Test("a require= list is checked in place: its form, then the first right not held",
          arguments: [("contrats:read", true, nil), ("contrats:read,factures:write", true, "factures:write"),
                      ("factures:read,contrats:read", true, nil), ("a.b-c_d9:archive", true, "a.b-c_d9:archive"),
                      ("contrats:read,", false, nil), (",contrats:read", false, nil), ("contrats", false, nil),
                      ("Contrats:read", false, nil), ("contrats:lire", false, nil), (":read", false, nil),
                      ("9a:read", false, nil), ("", false, nil), (String(repeating: "a", count: 65) + ":read", false, nil)])
    func requiredInPlace(list: String, wellFormed: Bool, missing: String?) {
        let held = [Array("contrats:read".utf8), Array("factures:read".utf8)]
        let bytes = Array(list.utf8)
        #expect(bytes.withUnsafeBytes(RequiredRights.isWellFormed) == wellFormed)
        #expect(bytes.withUnsafeBytes(RequiredRights.isWellFormed) == (Right.list(list) != nil), "the same grammar as Right")
        if wellFormed { #expect(bytes.withUnsafeBytes { RequiredRights.firstMissing($0, held: held) } == missing) }
    }

    @Test("every operation of Right is one the in-place check knows")
    func operations() {
        for operation in Right.Operation.allCases {
            #expect(Array("contrats:\(operation.rawValue)".utf8).withUnsafeBytes(RequiredRights.isWellFormed))
        }
    }

    @Test("rights are sorted, once each; a malformed one is refused")
    func rightsList() throws {
        #expect(try Validation.rights("b:write,a:read,b:write").map(\.description) == ["a:read", "b:write"])
        #expect(try Validation.rights("").isEmpty)
        for bad in ["a", "a:lire", "A:read", "a:read,", ":read"] {
            #expect(throws: ValidationError.self) { try Validation.rights(bad) }
        }
    }
}
