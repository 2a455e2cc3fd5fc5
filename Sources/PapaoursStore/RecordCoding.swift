import PapaoursCore

/// Appends fields to a record's bytes: fixed-width big-endian integers and length-prefixed text.
struct RecordWriter {
    var bytes: [UInt8] = []

    init(version: UInt8) { bytes.append(version) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func raw(_ v: [UInt8]) { bytes.append(contentsOf: v) }
    mutating func text(_ s: String) {
        u32(UInt32(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }
    mutating func optionalTime(_ t: Timestamp?) {
        u8(t == nil ? 0 : 1)
        i64(t?.seconds ?? 0)
    }
}

/// Reads what RecordWriter wrote; any overrun is reported as corruption, never a crash.
struct RecordReader {
    struct Corrupt: Error {}

    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func take(_ n: Int) throws(Corrupt) -> UnsafeRawBufferPointer {
        guard n >= 0, offset + n <= bytes.count else { throw Corrupt() }
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
    }

    mutating func u8() throws(Corrupt) -> UInt8 { try take(1)[0] }
    mutating func u32() throws(Corrupt) -> UInt32 {
        let b = try take(4)
        return b.reduce(0) { $0 << 8 | UInt32($1) }
    }
    mutating func u64() throws(Corrupt) -> UInt64 {
        let b = try take(8)
        return b.reduce(0) { $0 << 8 | UInt64($1) }
    }
    mutating func i64() throws(Corrupt) -> Int64 { Int64(bitPattern: try u64()) }
    mutating func raw(_ n: Int) throws(Corrupt) -> [UInt8] { Array(try take(n)) }
    mutating func text() throws(Corrupt) -> String {
        String(decoding: try take(Int(try u32())), as: UTF8.self)
    }
    mutating func optionalTime() throws(Corrupt) -> Timestamp? {
        let present = try u8()
        let seconds = try i64()
        return present == 0 ? nil : Timestamp(seconds: seconds)
    }
}

/// The byte layout of each record in the store (first byte: the record's layout version).
enum RecordCoding {
    static let layout: UInt8 = 1

    static func encode(_ m: MachineRecord) -> [UInt8] {
        var w = RecordWriter(version: layout)
        w.text(m.id.value)
        w.text(m.name)
        w.text(m.description)
        w.text(m.organization)
        w.text(m.roles.joined(separator: ","))
        w.u8(m.status == .active ? 1 : 0)
        w.i64(m.created.seconds)
        w.text(m.createdBy)
        w.i64(m.updated.seconds)
        return w.bytes
    }

    static func decodeMachine(_ bytes: UnsafeRawBufferPointer) throws(RecordReader.Corrupt) -> MachineRecord {
        var r = RecordReader(bytes)
        guard try r.u8() == layout else { throw RecordReader.Corrupt() }
        let id = MachineID(unchecked: try r.text())
        let name = try r.text()
        let description = try r.text()
        let organization = try r.text()
        let roles = try r.text()
        let status: Status = try r.u8() == 1 ? .active : .inactive
        let created = Timestamp(seconds: try r.i64())
        let createdBy = try r.text()
        let updated = Timestamp(seconds: try r.i64())
        return MachineRecord(id: id, name: name, description: description, organization: organization,
                             roles: roles.isEmpty ? [] : roles.split(separator: ",").map(String.init),
                             status: status, created: created, createdBy: createdBy, updated: updated)
    }

    static func encode(_ k: KeyRecord) -> [UInt8] {
        var w = RecordWriter(version: layout)
        w.text(k.id.value)
        w.text(k.machine.value)
        w.text(k.label)
        w.u8(k.status == .active ? 1 : 0)
        w.i64(k.created.seconds)
        w.text(k.createdBy)
        w.i64(k.updated.seconds)
        w.optionalTime(k.expires)
        w.optionalTime(k.lastUsed)
        w.u64(k.uses)
        w.text(k.lastIP)
        w.raw(k.hash.bytes)
        return w.bytes
    }

    static func decodeKey(_ bytes: UnsafeRawBufferPointer) throws(RecordReader.Corrupt) -> KeyRecord {
        var r = RecordReader(bytes)
        guard try r.u8() == layout else { throw RecordReader.Corrupt() }
        let id = KeyID(unchecked: try r.text())
        let machine = MachineID(unchecked: try r.text())
        let label = try r.text()
        let status: Status = try r.u8() == 1 ? .active : .inactive
        let created = Timestamp(seconds: try r.i64())
        let createdBy = try r.text()
        let updated = Timestamp(seconds: try r.i64())
        let expires = try r.optionalTime()
        let lastUsed = try r.optionalTime()
        let uses = try r.u64()
        let lastIP = try r.text()
        guard let hash = SecretHash(stored: try r.raw(SecretHash.size)) else { throw RecordReader.Corrupt() }
        return KeyRecord(id: id, machine: machine, label: label, status: status, created: created, createdBy: createdBy,
                         updated: updated, expires: expires, lastUsed: lastUsed, uses: uses, lastIP: lastIP, hash: hash)
    }

    static func encode(_ e: AuditEvent) -> [UInt8] {
        var w = RecordWriter(version: layout)
        w.u64(e.seq)
        w.i64(e.time.seconds)
        w.u32(e.uid)
        w.text(e.user)
        w.text(e.action.rawValue)
        w.text(e.target)
        w.text(e.machine?.value ?? "")
        w.text(e.details)
        return w.bytes
    }

    static func decodeEvent(_ bytes: UnsafeRawBufferPointer) throws(RecordReader.Corrupt) -> AuditEvent {
        var r = RecordReader(bytes)
        guard try r.u8() == layout else { throw RecordReader.Corrupt() }
        let seq = try r.u64()
        let time = Timestamp(seconds: try r.i64())
        let uid = try r.u32()
        let user = try r.text()
        guard let action = AuditAction(rawValue: try r.text()) else { throw RecordReader.Corrupt() }
        let target = try r.text()
        let machine = try r.text()
        let details = try r.text()
        return AuditEvent(seq: seq, time: time, uid: uid, user: user, action: action, target: target,
                          machine: machine.isEmpty ? nil : MachineID(unchecked: machine), details: details)
    }

    static func sequenceKey(_ seq: UInt64) -> [UInt8] {
        withUnsafeBytes(of: seq.bigEndian) { Array($0) }
    }

    static func sequence(fromKey key: [UInt8]) -> UInt64 {
        key.suffix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
