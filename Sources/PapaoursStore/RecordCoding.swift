import PapaoursCore

/// The byte layout of each record in schema 3 (first byte: the record's layout, 2).
/// Numbers are varints and texts varint-prefixed, so a key record is about 70 bytes.
enum RecordCoding {
    static let layout: UInt8 = 2

    /// Machines take layout 3 (schema 4): groups, protected and the effective rights follow
    /// the fields of layout 2, which is still read (a schema-3 store being upgraded).
    static let machineLayout: UInt8 = 3

    static func encode(_ m: MachineRecord) -> [UInt8] {
        var w = RecordWriter(version: machineLayout)
        w.shortBytes(m.id.stored)
        w.shortText(m.name)
        w.shortText(m.description)
        w.shortText(m.organization)
        w.shortText(m.roles.joined(separator: ","))
        w.u8(m.status == .active ? 1 : 0)
        w.time(m.created)
        w.shortText(m.createdBy)
        w.time(m.updated)
        w.shortText(m.groups.joined(separator: ","))
        w.u8(m.protected ? 1 : 0)
        w.shortText(Right.listText(m.rights))
        return w.bytes
    }

    static func decodeMachine(_ bytes: UnsafeRawBufferPointer) throws(RecordReader.Corrupt) -> MachineRecord {
        var r = RecordReader(bytes)
        let version = try r.u8()
        guard version == layout || version == machineLayout else { throw RecordReader.Corrupt() }
        let id = MachineID(stored: try r.shortTextBytes())
        let name = try r.shortText()
        let description = try r.shortText()
        let organization = try r.shortText()
        let roles = try r.shortText()
        let status: Status = try r.u8() == 1 ? .active : .inactive
        let created = try r.time()
        let createdBy = try r.shortText()
        let updated = try r.time()
        var record = MachineRecord(id: id, name: name, description: description, organization: organization,
                                   roles: list(roles), status: status, created: created, createdBy: createdBy, updated: updated)
        if version == machineLayout {
            record.groups = list(try r.shortText())
            record.protected = try r.u8() == 1
            record.rights = try rights(r.shortText())
        }
        return record
    }

    static func encode(_ role: RoleRecord) -> [UInt8] {
        var w = RecordWriter(version: layout)
        w.shortText(role.name)
        w.shortText(role.description)
        w.shortText(Right.listText(role.rights))
        write(role.perimeter, into: &w)
        w.u8(role.protected ? 1 : 0)
        w.time(role.created)
        w.shortText(role.createdBy)
        w.time(role.updated)
        return w.bytes
    }

    static func decodeRole(_ bytes: UnsafeRawBufferPointer) throws(RecordReader.Corrupt) -> RoleRecord {
        var r = RecordReader(bytes)
        guard try r.u8() == layout else { throw RecordReader.Corrupt() }
        let name = try r.shortText()
        let description = try r.shortText()
        let rights = try rights(r.shortText())
        let perimeter = try perimeter(&r)
        let protected = try r.u8() == 1
        return RoleRecord(name: name, description: description, rights: rights, perimeter: perimeter, protected: protected,
                          created: try r.time(), createdBy: try r.shortText(), updated: try r.time())
    }

    static func encode(_ group: GroupRecord) -> [UInt8] {
        var w = RecordWriter(version: layout)
        w.shortText(group.name)
        w.shortText(group.description)
        w.shortText(group.roles.joined(separator: ","))
        write(group.perimeter, into: &w)
        w.u8(group.protected ? 1 : 0)
        w.time(group.created)
        w.shortText(group.createdBy)
        w.time(group.updated)
        return w.bytes
    }

    static func decodeGroup(_ bytes: UnsafeRawBufferPointer) throws(RecordReader.Corrupt) -> GroupRecord {
        var r = RecordReader(bytes)
        guard try r.u8() == layout else { throw RecordReader.Corrupt() }
        let name = try r.shortText()
        let description = try r.shortText()
        let roles = list(try r.shortText())
        let perimeter = try perimeter(&r)
        let protected = try r.u8() == 1
        return GroupRecord(name: name, description: description, roles: roles, perimeter: perimeter, protected: protected,
                           created: try r.time(), createdBy: try r.shortText(), updated: try r.time())
    }

    private static func list(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: ",").map(String.init)
    }

    private static func rights(_ text: String) throws(RecordReader.Corrupt) -> [Right] {
        guard let rights = try? Validation.rights(text) else { throw RecordReader.Corrupt() }
        return rights
    }

    /// A perimeter as a count (0 for `*`) and the organisations' names.
    private static func write(_ perimeter: Perimeter, into w: inout RecordWriter) {
        switch perimeter {
        case .everywhere: w.varint(0)
        case .organizations(let names):
            w.varint(UInt64(names.count))
            for name in names { w.shortText(name) }
        }
    }

    private static func perimeter(_ r: inout RecordReader) throws(RecordReader.Corrupt) -> Perimeter {
        let count = try r.varint()
        guard count > 0 else { return .everywhere }
        guard count <= UInt64(Validation.maxPerimeter) else { throw RecordReader.Corrupt() }
        var names: [String] = []
        for _ in 0..<count { names.append(try r.shortText()) }
        return .organizations(names)
    }

    /// A key, stored under its secret's hash. What VERIFY needs comes first (see KeyView);
    /// usage lives apart, in `key-usage`.
    static func encode(_ k: KeyRecord) -> [UInt8] {
        var w = RecordWriter(version: layout)
        w.u8(k.status == .active ? 1 : 0)
        w.u8(k.expires == nil ? 0 : 1)
        w.time(k.expires ?? Timestamp(seconds: 0))
        w.shortBytes(k.id.stored)
        w.shortBytes(k.machine.stored)
        w.shortText(k.label)
        w.time(k.created)
        w.shortText(k.createdBy)
        w.time(Timestamp(seconds: k.updated.seconds - k.created.seconds))
        return w.bytes
    }

    static func decodeKey(_ bytes: UnsafeRawBufferPointer, hash: SecretHash, usage: KeyUsage) throws(RecordReader.Corrupt) -> KeyRecord {
        var r = RecordReader(bytes)
        let view = try KeyView(reading: &r)
        let created = try r.time()
        let createdBy = try r.shortText()
        // Stored as the time since creation: one byte for a key never edited.
        let updated = Timestamp(seconds: created.seconds &+ (try r.time()).seconds)
        return KeyRecord(id: KeyID(stored: view.id), machine: MachineID(stored: view.machine),
                         label: String(decoding: view.label, as: UTF8.self), status: view.status,
                         created: created, createdBy: createdBy, updated: updated, expires: view.expires,
                         lastUsed: usage.lastUsed, uses: usage.uses, lastIP: usage.lastIP, hash: hash)
    }

    static func encode(_ u: KeyUsage) -> [UInt8] {
        var w = RecordWriter(version: layout)
        w.varint(u.uses)
        w.u8(u.lastUsed == nil ? 0 : 1)
        w.time(u.lastUsed ?? Timestamp(seconds: 0))
        w.shortText(u.lastIP)
        return w.bytes
    }

    static func decodeUsage(_ bytes: UnsafeRawBufferPointer) throws(RecordReader.Corrupt) -> KeyUsage {
        var r = RecordReader(bytes)
        guard try r.u8() == layout else { throw RecordReader.Corrupt() }
        let uses = try r.varint()
        let present = try r.u8()
        let lastUsed = try r.time()
        return KeyUsage(uses: uses, lastUsed: present == 0 ? nil : lastUsed, lastIP: try r.shortText())
    }

    /// An event, stored under its sequence. Its details are left out when they are the words
    /// of its changes (ChangeLog.words), which they are for most events.
    static func encode(_ e: AuditEvent) -> [UInt8] {
        var w = RecordWriter(version: layout)
        w.time(e.time)
        w.varint(UInt64(e.uid))
        w.shortText(e.user)
        w.u8(code(of: e.action))
        w.shortText(e.target)
        w.shortBytes(e.machine?.stored ?? [])
        w.varint(UInt64(e.changes.count))
        for change in e.changes {
            w.shortText(change.field)
            w.shortText(change.old)
            w.shortText(change.new)
        }
        let derived = !e.changes.isEmpty && ChangeLog.words(for: e.changes, action: e.action) == e.details
        w.u8(derived ? 1 : 0)
        if !derived { w.shortText(e.details) }
        // Last and only when set: the events of a lone host keep their 1.0 bytes.
        if !e.host.isEmpty { w.shortText(e.host) }
        return w.bytes
    }

    static func decodeEvent(_ bytes: UnsafeRawBufferPointer, seq: UInt64) throws(RecordReader.Corrupt) -> AuditEvent {
        var r = RecordReader(bytes)
        guard try r.u8() == layout else { throw RecordReader.Corrupt() }
        let time = try r.time()
        let uid = try r.varint()
        guard uid <= UInt64(UInt32.max) else { throw RecordReader.Corrupt() }
        let user = try r.shortText()
        let action = try action(of: r.u8())
        let target = try r.shortText()
        let machine = try r.shortTextBytes()
        let count = try r.varint()
        guard count <= 64 else { throw RecordReader.Corrupt() }
        var changes: [FieldChange] = []
        for _ in 0..<count {
            changes.append(FieldChange(field: try r.shortText(), old: try r.shortText(), new: try r.shortText()))
        }
        let details = try r.u8() == 1 ? ChangeLog.words(for: changes, action: action) : try r.shortText()
        let host = r.offset < r.bytes.count ? try r.shortText() : ""
        return AuditEvent(seq: seq, time: time, uid: UInt32(uid), user: user, action: action, target: target,
                          machine: machine.isEmpty ? nil : MachineID(stored: machine), details: details, changes: changes,
                          host: host)
    }

    /// Each action's byte in the journal; a code once given is never given to another action.
    static func code(of action: AuditAction) -> UInt8 {
        switch action {
        case .machineCreate: 1
        case .machineEdit: 2
        case .machineDelete: 3
        case .keyCreate: 4
        case .keyEdit: 5
        case .denied: 6
        case .storeImport: 7
        case .storeBackup: 8
        case .storeExport: 9
        case .storeRestore: 10
        case .roleCreate: 11
        case .roleEdit: 12
        case .roleDelete: 13
        case .groupCreate: 14
        case .groupEdit: 15
        case .groupDelete: 16
        case .keyRotate: 17
        }
    }

    static func action(of code: UInt8) throws(RecordReader.Corrupt) -> AuditAction {
        guard let action = AuditAction.allCases.first(where: { Self.code(of: $0) == code }) else { throw RecordReader.Corrupt() }
        return action
    }

    static func sequenceKey(_ seq: UInt64) -> [UInt8] {
        withUnsafeBytes(of: seq.bigEndian) { Array($0) }
    }

    static func sequence(fromKey key: [UInt8]) -> UInt64 {
        key.suffix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// What VERIFY reads of a key record, in place: no allocation until a reply is built.
public struct KeyView {
    public let status: Status
    public let expires: Timestamp?
    public let id: UnsafeRawBufferPointer
    public let machine: UnsafeRawBufferPointer
    public let label: UnsafeRawBufferPointer

    init(reading r: inout RecordReader) throws(RecordReader.Corrupt) {
        guard try r.u8() == RecordCoding.layout else { throw RecordReader.Corrupt() }
        status = try r.u8() == 1 ? .active : .inactive
        let hasExpiry = try r.u8()
        let expiry = try r.time()
        expires = hasExpiry == 0 ? nil : expiry
        id = try r.shortTextBytes()
        machine = try r.shortTextBytes()
        label = try r.shortTextBytes()
        // Ids are stored without their prefix: 16 characters, always (StoredID holds them).
        guard id.count == 16, machine.count == 16 else { throw RecordReader.Corrupt() }
    }

    public func isExpired(at now: Timestamp) -> Bool { expires.map { $0 <= now } ?? false }
}

/// A key's use, kept apart from the key so that recording it rewrites a few bytes.
public struct KeyUsage: Sendable, Equatable {
    public var uses: UInt64
    public var lastUsed: Timestamp?
    public var lastIP: String

    public static let none = KeyUsage(uses: 0, lastUsed: nil, lastIP: "")

    public init(uses: UInt64, lastUsed: Timestamp?, lastIP: String) {
        self.uses = uses
        self.lastUsed = lastUsed
        self.lastIP = lastIP
    }

    /// Adds a flush's counts: uses add up, the latest use wins.
    public mutating func add(_ delta: UsageDelta) {
        uses += delta.uses
        if lastUsed.map({ delta.lastUsed >= $0 }) ?? true {
            lastUsed = delta.lastUsed
            lastIP = delta.lastIP
        }
    }
}
