import Testing
@testable import PapaoursCore

private let idCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

@Suite("MachineID and KeyID")
struct IdentifierTests {
    @Test("random machine ids: m_ + 16 of [a-z0-9], parse back")
    func randomMachineIDs() throws {
        var seen = Set<MachineID>()
        for _ in 0..<500 {
            let id = MachineID.random()
            let utf8 = Array(id.value.utf8)
            #expect(utf8.count == 18)
            #expect(id.value.hasPrefix("m_"))
            #expect(utf8[2...].allSatisfy { idCharacters.contains($0) })
            let parsed = try #require(MachineID(id.value))
            #expect(parsed == id)
            #expect(id.description == id.value)
            #expect(KeyID(id.value) == nil)
            seen.insert(id)
        }
        #expect(seen.count == 500)
    }

    @Test("random key ids: k_ + 16 of [a-z0-9], parse back")
    func randomKeyIDs() throws {
        var characters = Set<UInt8>()
        for _ in 0..<500 {
            let id = KeyID.random()
            let utf8 = Array(id.value.utf8)
            #expect(utf8.count == 18)
            #expect(id.value.hasPrefix("k_"))
            #expect(utf8[2...].allSatisfy { idCharacters.contains($0) })
            #expect(try #require(KeyID(id.value)) == id)
            #expect(MachineID(id.value) == nil)
            characters.formUnion(utf8[2...])
        }
        #expect(characters == idCharacters)
    }

    @Test("lengths")
    func lengths() {
        #expect(MachineID.length == 18)
        #expect(KeyID.length == 18)
    }

    @Test("malformed machine ids are refused", arguments: [
        "", "m_", "m_abcdefghijklmno", "m_abcdefghijklmnopq", "m_ABCDEFGHIJKLMNOP", "m_abcdefghijklmnoP",
        "M_abcdefghijklmnop", "k_abcdefghijklmnop", "m-abcdefghijklmnop", "mm_abcdefghijklmno", "m_abcdefgh-jklmnop",
        "m_abcdefgh_jklmnop", "m_abcdefgh jklmnop", "m_abcdéfghijklmno", "m_abcdefghijklmn\n", "_mabcdefghijklmnop",
    ])
    func malformedMachine(text: String) {
        #expect(MachineID(text) == nil)
    }

    @Test("well-formed ids are accepted", arguments: ["m_abcdefghijklmnop", "m_0123456789abcdef", "m_zzzzzzzzzzzzzzzz"])
    func wellFormed(text: String) {
        #expect(MachineID(text)?.value == text)
        #expect(KeyID("k_" + text.dropFirst(2))?.value == "k_" + text.dropFirst(2))
    }

    @Test("malformed key ids are refused", arguments: [
        "k_ABCDEFGHIJKLMNOP", "k_abc", "m_abcdefghijklmnop", "K_abcdefghijklmnop", "k_abcdefghijklmnopq", "key_abcdefghijklm",
    ])
    func malformedKey(text: String) {
        #expect(KeyID(text) == nil)
    }

    @Test("ids order by their text")
    func ordering() {
        let a = MachineID(unchecked: "m_aaaaaaaaaaaaaaaa")
        let b = MachineID(unchecked: "m_aaaaaaaaaaaaaaab")
        #expect(a < b)
        #expect(!(b < a))
        #expect([b, a].sorted() == [a, b])
    }
}

@Suite("Permissions")
struct PermissionsTests {
    @Test("wire names, in HELLO order")
    func names() {
        #expect(Permissions.names.map(\.0) == ["machines.read", "machines.write", "keys.verify", "audit.read", "rights.admin"])
        #expect(Permissions.all.names == ["machines.read", "machines.write", "keys.verify", "audit.read", "rights.admin"])
        #expect(Permissions.all.description == "machines.read,machines.write,keys.verify,audit.read,rights.admin")
        #expect(Permissions().description == "")
        #expect(Permissions([.auditRead, .machinesRead]).description == "machines.read,audit.read")
        #expect(Permissions([.keysVerify]).names == ["keys.verify"])
    }

    @Test("parse by name", arguments: [
        ("machines.read", Permissions.machinesRead), ("machines.write", .machinesWrite),
        ("keys.verify", .keysVerify), ("audit.read", .auditRead), ("all", .all),
    ])
    func parse(name: String, expected: Permissions) {
        #expect(Permissions(name: name) == expected)
    }

    @Test("unknown names are refused", arguments: ["", "ALL", "Machines.read", "machines", "read", "machines.read ", "audit.write"])
    func unknown(name: String) {
        #expect(Permissions(name: name) == nil)
    }

    @Test("all holds the five permissions and nothing else")
    func all() {
        #expect(Permissions.all.contains(.machinesRead))
        #expect(Permissions.all.contains(.machinesWrite))
        #expect(Permissions.all.contains(.keysVerify))
        #expect(Permissions.all.contains(.auditRead))
        #expect(Permissions.all.contains(.rightsAdmin))
        #expect(Permissions.all.rawValue == 0b1_1111)
    }
}

@Suite("Records")
struct RecordTests {
    private func key(expires: Timestamp?) -> KeyRecord {
        KeyRecord(id: KeyID.random(), machine: MachineID.random(), label: "l", status: .active,
                  created: Timestamp(seconds: 0), createdBy: "root", updated: Timestamp(seconds: 0),
                  expires: expires, lastUsed: nil, uses: 0, lastIP: "", hash: SecretHash(of: [1]))
    }

    @Test("isExpired: never without expiry, from the expiry second on")
    func expiry() {
        #expect(!key(expires: nil).isExpired(at: Timestamp(seconds: Int64.max)))
        let k = key(expires: Timestamp(seconds: 1000))
        #expect(!k.isExpired(at: Timestamp(seconds: 999)))
        #expect(k.isExpired(at: Timestamp(seconds: 1000)))
        #expect(k.isExpired(at: Timestamp(seconds: 1001)))
    }

    @Test("UsageDelta.merge adds uses and keeps the latest use")
    func merge() {
        var delta = UsageDelta(uses: 2, lastUsed: Timestamp(seconds: 100), lastIP: "10.0.0.1")
        delta.merge(UsageDelta(uses: 3, lastUsed: Timestamp(seconds: 50), lastIP: "10.0.0.2"))
        #expect(delta == UsageDelta(uses: 5, lastUsed: Timestamp(seconds: 100), lastIP: "10.0.0.1"))
        delta.merge(UsageDelta(uses: 1, lastUsed: Timestamp(seconds: 200), lastIP: "10.0.0.3"))
        #expect(delta == UsageDelta(uses: 6, lastUsed: Timestamp(seconds: 200), lastIP: "10.0.0.3"))
    }

    @Test("audit actions have their wire names")
    func auditActions() {
        #expect(AuditAction.allCases.map(\.rawValue) == ["machine.create", "machine.edit", "machine.delete", "key.create", "key.edit", "denied",
                                                          "store.import", "store.backup", "store.export", "store.restore",
                                                          "role.create", "role.edit", "role.delete", "group.create", "group.edit", "group.delete",
                                                          "key.rotate"])
    }

    @Test("status wire names")
    func status() {
        #expect(Status(wire: "active") == .active)
        #expect(Status(wire: "inactive") == .inactive)
        #expect(Status(wire: "Active") == nil)
        #expect(Status(wire: "") == nil)
    }
}
