import PapaoursCore
import PapaoursStore
import Testing

/// The change sets a fleet's hosts exchange: every case round-trips, the bytes are always the
/// same, and a damaged encoding is refused with a typed error, never a crash.
@Suite struct ChangeSetCodingTests {
    static func everyCase() -> ChangeSet {
        let machine = MachineRecord(id: MachineID.random(), name: "web é", description: "the \"front\"\n", organization: "Acme",
                                    roles: ["ops", "audit"], status: .inactive, created: Timestamp(seconds: 1_700_000_000),
                                    createdBy: "alice", updated: Timestamp(seconds: 1_800_000_000), groups: ["team"], protected: true,
                                    rights: [Right("contrats:read")!, Right("journal:write")!])
        let key = KeyRecord(id: KeyID.random(), machine: machine.id, label: "deploy", status: .active,
                            created: Timestamp(seconds: 1_700_000_001), createdBy: "bob", updated: Timestamp(seconds: 1_700_000_100),
                            expires: Timestamp(seconds: 1_900_000_000), lastUsed: Timestamp(seconds: 1_750_000_000), uses: 12345,
                            lastIP: "192.0.2.7", hash: Secret.generate().hash)
        let bare = KeyRecord(id: KeyID.random(), machine: machine.id, label: "", status: .inactive, created: .earliest, createdBy: "",
                             updated: .earliest, expires: nil, lastUsed: nil, uses: 0, lastIP: "", hash: Secret.generate().hash)
        let role = RoleRecord(name: "ops", description: "operators", rights: [Right("contrats:delete")!],
                              perimeter: .organizations(["Acme", "Globex"]), protected: true,
                              created: Timestamp(seconds: 5), createdBy: "root", updated: Timestamp(seconds: 6))
        let group = GroupRecord(name: "team", description: "", roles: ["ops"], perimeter: .everywhere, protected: false,
                                created: Timestamp(seconds: 7), createdBy: "root", updated: Timestamp(seconds: 8))
        let events = [
            AuditEvent(seq: 41, time: Timestamp(seconds: 1_700_000_000), uid: 1000, user: "alice", action: .machineEdit, target: machine.id.value,
                       machine: machine.id, details: "description \"a\" -> \"b\"", changes: [FieldChange(field: "description", old: "a", new: "b")]),
            AuditEvent(seq: 42, time: .latest, uid: UInt32.max, user: "papaoursd", action: .storeImport, target: "store", machine: nil,
                       details: "free words, not derived", changes: []),
        ]
        var activity = KeyActivity()
        activity.record(ok: true, ip: "192.0.2.1", at: Timestamp(seconds: 1_760_000_000))
        activity.record(ok: true, ip: "2001:db8::2", at: Timestamp(seconds: 1_760_090_000))
        activity.record(ok: false, ip: "", revoked: "inactive-key", at: Timestamp(seconds: 1_760_100_000))
        let alert = Alert(seq: 7, time: Timestamp(seconds: 1_760_100_001), kind: .revokedUse, key: key.id, machine: machine.id,
                          ip: "192.0.2.1", details: "a key taken away was presented")
        let figured = Alert(seq: 8, time: Timestamp(seconds: 1_760_100_002), kind: .spike, key: key.id, machine: machine.id,
                            ip: "", details: "250 calls", facts: [AlertFact("calls", "250"), AlertFact("median", "4.5")])
        return ChangeSet(sequence: 9_000_000_001, changes: [
            .addActivity(key.id, ActivityChange(activity: activity, keepDaysFrom: 20_000, keepHoursFrom: 480_000,
                                                revokedAlerted: Timestamp(seconds: 1_760_100_001), spikeAlerted: nil)),
            .putAlert(alert), .putAlert(figured), .pruneAlerts(before: Timestamp(seconds: 1_750_000_000), limit: 64),
            .pruneHistory([key.id, bare.id], keepDaysFrom: 20_000, keepHoursFrom: 480_000),
            .putRole(role), .putGroup(group), .putMachine(machine), .putKey(key), .putKey(bare),
            .addUsage(key.id, UsageDelta(uses: 3, lastUsed: Timestamp(seconds: 1_760_000_000), lastIP: "2001:db8::1")),
            .deleteKey(bare.id), .deleteMachine(MachineID.random()), .deleteRole("old"), .deleteGroup("gone"),
        ], events: events)
    }

    @Test func everyCaseRoundTrips() throws {
        let set = Self.everyCase()
        let bytes = ChangeSetCoding.encode(set)
        #expect(try ChangeSetCoding.decode(bytes) == set)
        let empty = ChangeSet(sequence: 1)
        #expect(try ChangeSetCoding.decode(ChangeSetCoding.encode(empty)) == empty)
    }

    @Test func encodingIsDeterministic() throws {
        let set = Self.everyCase()
        let first = ChangeSetCoding.encode(set)
        #expect(ChangeSetCoding.encode(set) == first)
        #expect(ChangeSetCoding.encode(try ChangeSetCoding.decode(first)) == first)
    }

    @Test func truncationsAreRefused() {
        let bytes = ChangeSetCoding.encode(Self.everyCase())
        for length in 0..<bytes.count {
            #expect(throws: ChangeSetCoding.DecodingError.self) { try ChangeSetCoding.decode(Array(bytes.prefix(length))) }
        }
    }

    @Test func alterationsAreRefused() {
        let bytes = ChangeSetCoding.encode(Self.everyCase())
        for i in bytes.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var altered = bytes
                altered[i] ^= flip
                #expect(throws: ChangeSetCoding.DecodingError.self) { try ChangeSetCoding.decode(altered) }
            }
        }
        var extended = bytes
        extended.insert(0, at: 10)
        #expect(throws: ChangeSetCoding.DecodingError.self) { try ChangeSetCoding.decode(extended) }
    }

    /// Garbage behind a valid checksum reaches the decoder itself: it must throw, not crash.
    @Test func garbageWithAValidChecksumIsRefused() {
        var random = SystemRandomNumberGenerator()
        let valid = ChangeSetCoding.encode(Self.everyCase())
        for trial in 0..<3000 {
            var body: [UInt8]
            if trial % 2 == 0 {
                body = Array("PCS".utf8) + [1] + (0..<Int.random(in: 0..<200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                body = Array(valid.dropLast(4))
                for _ in 0..<Int.random(in: 1...4, using: &random) { body[Int.random(in: 4..<body.count, using: &random)] = UInt8.random(in: 0...255, using: &random) }
            }
            let crc = CRC32.checksum(body)
            let bytes = body + [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
            if let set = try? ChangeSetCoding.decode(bytes) {
                #expect(ChangeSetCoding.encode(set) == bytes)
            }
        }
        #expect(throws: ChangeSetCoding.DecodingError(reason: .unknownVersion)) {
            var body = Array(valid.dropLast(4))
            body[3] = 2
            let crc = CRC32.checksum(body)
            _ = try ChangeSetCoding.decode(body + [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)])
        }
    }

    /// A set decided on one store, carried as bytes and applied to another, gives the same records.
    @Test func appliedFromBytesOnAnotherStore() throws {
        try withStore { first, _ in
            try withStore { second, _ in
                let now = Timestamp.now()
                var carried: [[UInt8]] = []
                for name in ["a", "b"] {
                    let decision = try first.read { try Decisions.createMachine(MachineDraft(name: name, organization: "Acme"), by: root, at: now, reading: $0) }
                    try first.apply([decision.changes])
                    carried.append(ChangeSetCoding.encode(decision.changes))
                }
                let key = try first.read { try Decisions.createKey(machine: "a", label: "k", expires: "", secret: .generate(), by: root, at: now, reading: $0) }
                try first.apply([key.changes])
                carried.append(ChangeSetCoding.encode(key.changes))
                try second.apply(try carried.map(ChangeSetCoding.decode))
                let a = try first.read { s in (try s.allMachines(), try s.auditEvents(.after(0), machine: nil, limit: 100), try s.key(id: key.value.id)) }
                let b = try second.read { s in (try s.allMachines(), try s.auditEvents(.after(0), machine: nil, limit: 100), try s.key(id: key.value.id)) }
                #expect(a.0 == b.0 && a.1 == b.1 && a.2 == b.2)
                #expect(first.changeSequence == second.changeSequence)
            }
        }
    }
}
