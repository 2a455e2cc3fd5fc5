import PapaoursCore

/// Layout 1 of the records, as schemas 1 and 2 wrote them; only the migration reads it.
enum LegacyRecordCoding {
    static let layout: UInt8 = 1

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
}
