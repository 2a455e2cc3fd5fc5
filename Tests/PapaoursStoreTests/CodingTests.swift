import Testing
import PapaoursCore
@testable import PapaoursStore

@Suite("Store: record coding and errors")
struct CodingTests {
    static let machine = MachineRecord(
        id: MachineID.random(), name: "Clé production", description: "line\nbreak\t\"q\"", organization: "acme",
        roles: ["a", "b.c"], status: .inactive, created: Timestamp(seconds: 1), createdBy: "root", updated: Timestamp(seconds: 2))
    static let key = KeyRecord(
        id: KeyID.random(), machine: MachineID.random(), label: "l", status: .active, created: Timestamp(seconds: 3),
        createdBy: "alice", updated: Timestamp(seconds: 4), expires: Timestamp(seconds: 5), lastUsed: nil, uses: 0,
        lastIP: "", hash: SecretHash(of: Array("abc".utf8)))
    static let usage = KeyUsage(uses: 7, lastUsed: Timestamp(seconds: 8), lastIP: "192.0.2.1")
    static let event = AuditEvent(seq: 42, time: Timestamp(seconds: 6), uid: 1000, user: "alice", action: .keyEdit,
                                  target: "k_x", machine: MachineID.random(), details: "label \"a\" -> \"b\"",
                                  changes: [FieldChange(field: "label", old: "a", new: "b")])

    @Test("records round-trip")
    func roundTrip() throws {
        #expect(try RecordCoding.encode(Self.machine).withUnsafeBytes { try RecordCoding.decodeMachine($0) } == Self.machine)
        #expect(try RecordCoding.encode(Self.key).withUnsafeBytes { try RecordCoding.decodeKey($0, hash: Self.key.hash, usage: .none) } == Self.key)
        #expect(try RecordCoding.encode(Self.usage).withUnsafeBytes { try RecordCoding.decodeUsage($0) } == Self.usage)
        #expect(try RecordCoding.encode(Self.event).withUnsafeBytes { try RecordCoding.decodeEvent($0, seq: 42) } == Self.event)
        var noRoles = Self.machine
        noRoles.roles = []
        #expect(try RecordCoding.encode(noRoles).withUnsafeBytes { try RecordCoding.decodeMachine($0) } == noRoles)
        var used = Self.key
        used.expires = nil
        let decoded = try RecordCoding.encode(used).withUnsafeBytes { try RecordCoding.decodeKey($0, hash: used.hash, usage: Self.usage) }
        used.uses = 7
        used.lastUsed = Self.usage.lastUsed
        used.lastIP = Self.usage.lastIP
        #expect(decoded == used, "usage comes from its own record")
        var noMachine = Self.event
        noMachine.machine = nil
        noMachine.changes = []
        #expect(try RecordCoding.encode(noMachine).withUnsafeBytes { try RecordCoding.decodeEvent($0, seq: 42) } == noMachine)
        // A fleet's event says its host, after everything else: a lone host's bytes are unchanged.
        var fleetEvent = Self.event
        fleetEvent.host = "web-02"
        #expect(try RecordCoding.encode(fleetEvent).withUnsafeBytes { try RecordCoding.decodeEvent($0, seq: 42) } == fleetEvent)
        #expect(RecordCoding.encode(fleetEvent).starts(with: RecordCoding.encode(Self.event)))
    }

    @Test("every truncation of a record is reported as corrupt, never a crash")
    func truncated() {
        let encodings: [(String, [UInt8], (UnsafeRawBufferPointer) throws -> Any)] = [
            ("machine", RecordCoding.encode(Self.machine), { try RecordCoding.decodeMachine($0) }),
            ("key", RecordCoding.encode(Self.key), { try RecordCoding.decodeKey($0, hash: Self.key.hash, usage: .none) }),
            ("usage", RecordCoding.encode(Self.usage), { try RecordCoding.decodeUsage($0) }),
            ("event", RecordCoding.encode(Self.event), { try RecordCoding.decodeEvent($0, seq: 42) }),
        ]
        for (name, bytes, decode) in encodings {
            for length in 0..<bytes.count {
                let prefix = Array(bytes[0..<length])
                #expect(throws: RecordReader.Corrupt.self, "\(name) cut at \(length)") { _ = try prefix.withUnsafeBytes(decode) }
            }
            var wrongLayout = bytes
            wrongLayout[0] = 99
            #expect(throws: RecordReader.Corrupt.self) { _ = try wrongLayout.withUnsafeBytes(decode) }
        }
    }

    @Test("sequence keys sort in numeric order")
    func sequenceKeys() {
        let values: [UInt64] = [0, 1, 255, 256, 65_535, 1 << 40, UInt64.max]
        for v in values { #expect(RecordCoding.sequence(fromKey: RecordCoding.sequenceKey(v)) == v) }
        let keys = values.map(RecordCoding.sequenceKey)
        #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test("store error codes are the protocol's NO codes")
    func codes() {
        #expect(StoreError.Code.notFound.rawValue == "not-found")
        #expect(StoreError.Code.exists.rawValue == "exists")
        #expect(StoreError.Code.invalid.rawValue == "invalid")
        #expect(StoreError.Code.unavailable.rawValue == "unavailable")
    }

    @Test("errors map to store codes")
    func mapping() {
        #expect(StoreError(any: ValidationError(field: "label", problem: "is bad")).code == .invalid)
        #expect(StoreError(any: ValidationError(field: "label", problem: "is bad")).message == "label is bad")
        #expect(StoreError(any: LMDBError(-30792, "put")).code == .unavailable)   // MDB_MAP_FULL
        #expect(StoreError(any: LMDBError(28, "commit")).code == .unavailable)    // ENOSPC
        #expect(StoreError(any: LMDBError(-30796, "get")).code == .corrupt)       // MDB_CORRUPTED
        #expect(StoreError(any: StoreError(.exists, "x")).code == .exists)
        #expect(LMDBError(-30792, "put").code == .mapFull)
        #expect(LMDBError(28, "commit").code == .system(28))
    }

    @Test("audit details quote text with escapes")
    func changeLog() {
        #expect(ChangeLog.quoted("a\"b\\c\nd\te") == #""a\"b\\c\nd\te""#)
        var log = ChangeLog()
        #expect(log.text == "no change")
        log.change("name", from: "a", to: "a")
        #expect(log.text == "no change")
        log.change("name", from: "a", to: "b")
        log.set("label", "x")
        log.note("keys deleted: k_1")
        #expect(log.text == #"name "a" -> "b"; label "x"; keys deleted: k_1"#)
    }

    /// Changes.swift:67-71 splits on Characters (grapheme clusters): a quote or backslash followed by a
    /// combining mark forms one Character with it and escapes nothing, so the details become ambiguous.
    @Test("audit details escape a quote or backslash even when a combining mark follows it")
    func changeLogCombiningMarks() {
        #expect(ChangeLog.quoted("a\"\u{301}b") == "\"a\\\"\u{301}b\"")
        #expect(ChangeLog.quoted("a\\\u{301}b") == "\"a\\\\\u{301}b\"")
    }
}

@Suite("Store: audit details stay short")
struct AuditDetailLengthTests {
    @Test func longValuesAreCutSoThatAnEventFitsOneLine() {
        let quoted = ChangeLog.quoted(String(repeating: "\"", count: 1000))
        #expect(quoted.hasSuffix("…\""))
        #expect(quoted.unicodeScalars.count == 2 + 2 * 99 + 1)
        #expect(ChangeLog.quoted("short") == "\"short\"")
    }
}
