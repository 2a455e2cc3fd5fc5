import PapaoursCore

/// A change set as bytes, for the fleet's `changes` table: what one host decided, applied by
/// every other. The encoding is canonical (one set, one byte string: decoding re-encodes and
/// compares), and it ends with a CRC-32 of what precedes it, so a truncated or altered set is
/// refused, never applied as something else.
///
/// Layout: "PCS" and the layout version (1); the change sequence (varint); the changes (a count,
/// then each as a tag byte and its fields, records as their store encoding, varint-prefixed);
/// the events (a count, then each as its sequence and its store encoding); the CRC-32, big-endian.
public enum ChangeSetCoding {
    static let magic: [UInt8] = Array("PCS".utf8)
    static let version: UInt8 = 1

    public struct DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Reason: Sendable, Equatable {
            case truncated, badChecksum, unknownVersion, malformed, notCanonical
        }
        public let reason: Reason
        public init(reason: Reason) { self.reason = reason }
        public var description: String {
            switch reason {
            case .truncated: "the change set is cut short"
            case .badChecksum: "the change set's checksum does not match: it was altered"
            case .unknownVersion: "the change set is of an unknown layout"
            case .malformed: "the change set is malformed"
            case .notCanonical: "the change set is not in its one canonical encoding"
            }
        }
    }

    // Each change's tag; a tag once given is never given to another case.
    private enum Tag: UInt8 {
        case putMachine = 1, deleteMachine, putKey, deleteKey, addUsage, putRole, deleteRole, putGroup, deleteGroup
        case addActivity, putAlert, pruneAlerts, pruneHistory
    }

    public static func encode(_ set: ChangeSet) -> [UInt8] {
        var w = RecordWriter(version: magic[0])
        w.raw(Array(magic.dropFirst()))
        w.u8(version)
        w.varint(set.sequence)
        w.varint(UInt64(set.changes.count))
        for change in set.changes {
            switch change {
            case .putMachine(let m):
                w.u8(Tag.putMachine.rawValue)
                w.shortBytes(RecordCoding.encode(m))
            case .deleteMachine(let id):
                w.u8(Tag.deleteMachine.rawValue)
                w.shortBytes(id.stored)
            case .putKey(let k):
                w.u8(Tag.putKey.rawValue)
                w.shortBytes(RecordCoding.encode(k))
                w.raw(k.hash.bytes)
                w.shortBytes(RecordCoding.encode(KeyUsage(uses: k.uses, lastUsed: k.lastUsed, lastIP: k.lastIP)))
            case .deleteKey(let id):
                w.u8(Tag.deleteKey.rawValue)
                w.shortBytes(id.stored)
            case .addUsage(let id, let delta):
                w.u8(Tag.addUsage.rawValue)
                w.shortBytes(id.stored)
                w.varint(delta.uses)
                w.time(delta.lastUsed)
                w.shortText(delta.lastIP)
            case .putRole(let role):
                w.u8(Tag.putRole.rawValue)
                w.shortBytes(RecordCoding.encode(role))
            case .deleteRole(let name):
                w.u8(Tag.deleteRole.rawValue)
                w.shortText(name)
            case .putGroup(let group):
                w.u8(Tag.putGroup.rawValue)
                w.shortBytes(RecordCoding.encode(group))
            case .deleteGroup(let name):
                w.u8(Tag.deleteGroup.rawValue)
                w.shortText(name)
            case .addActivity(let id, let change):
                w.u8(Tag.addActivity.rawValue)
                w.shortBytes(id.stored)
                write(change, into: &w)
            case .putAlert(let alert):
                w.u8(Tag.putAlert.rawValue)
                w.varint(alert.seq)
                w.shortBytes(UsageCoding.encode(alert))
            case .pruneAlerts(let before, let limit):
                w.u8(Tag.pruneAlerts.rawValue)
                w.time(before)
                w.varint(UInt64(max(0, limit)))
            case .pruneHistory(let keys, let days, let hours):
                w.u8(Tag.pruneHistory.rawValue)
                w.varint(UInt64(keys.count))
                for key in keys { w.shortBytes(key.stored) }
                w.varint(UInt64(days))
                w.varint(UInt64(hours))
            }
        }
        w.varint(UInt64(set.events.count))
        for event in set.events {
            w.varint(event.seq)
            w.shortBytes(RecordCoding.encode(event))
        }
        w.u32(CRC32.checksum(w.bytes))
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> ChangeSet {
        guard bytes.count >= magic.count + 1 + 4 else { throw DecodingError(reason: .truncated) }
        let body = bytes.dropLast(4)
        let stored = bytes.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard CRC32.checksum(Array(body)) == stored else {
            throw DecodingError(reason: Array(bytes.prefix(magic.count)) == magic ? .badChecksum : .malformed)
        }
        guard Array(body.prefix(magic.count)) == magic else { throw DecodingError(reason: .malformed) }
        guard body[body.startIndex + magic.count] == version else { throw DecodingError(reason: .unknownVersion) }
        let set: ChangeSet
        do {
            set = try bytes.withUnsafeBytes { all throws(RecordReader.Corrupt) in
                var r = RecordReader(UnsafeRawBufferPointer(rebasing: all[0..<body.count]))
                _ = try r.take(magic.count + 1)
                let set = try decodeBody(&r)
                guard r.offset == body.count else { throw RecordReader.Corrupt() }
                return set
            }
        } catch {
            throw DecodingError(reason: .malformed)
        }
        guard encode(set) == bytes else { throw DecodingError(reason: .notCanonical) }
        return set
    }

    /// At most this many changes or events in a set: an import of a large store is one set.
    static let maxItems: UInt64 = 1 << 28

    private static func decodeBody(_ r: inout RecordReader) throws(RecordReader.Corrupt) -> ChangeSet {
        var set = ChangeSet(sequence: try r.varint())
        let changeCount = try r.varint()
        guard changeCount <= maxItems, changeCount <= UInt64(r.bytes.count - r.offset) else { throw RecordReader.Corrupt() }
        set.changes.reserveCapacity(Int(changeCount))
        for _ in 0..<changeCount {
            guard let tag = Tag(rawValue: try r.u8()) else { throw RecordReader.Corrupt() }
            switch tag {
            case .putMachine:
                set.changes.append(.putMachine(try RecordCoding.decodeMachine(try r.shortTextBytes())))
            case .deleteMachine:
                set.changes.append(.deleteMachine(MachineID(stored: try storedID(&r))))
            case .putKey:
                let record = try r.shortTextBytes()
                guard let hash = SecretHash(stored: try r.raw(SecretHash.size)) else { throw RecordReader.Corrupt() }
                let usage = try RecordCoding.decodeUsage(try r.shortTextBytes())
                set.changes.append(.putKey(try RecordCoding.decodeKey(record, hash: hash, usage: usage)))
            case .deleteKey:
                set.changes.append(.deleteKey(KeyID(stored: try storedID(&r))))
            case .addUsage:
                let id = KeyID(stored: try storedID(&r))
                let uses = try r.varint()
                let lastUsed = try r.time()
                set.changes.append(.addUsage(id, UsageDelta(uses: uses, lastUsed: lastUsed, lastIP: try r.shortText())))
            case .putRole:
                set.changes.append(.putRole(try RecordCoding.decodeRole(try r.shortTextBytes())))
            case .deleteRole:
                set.changes.append(.deleteRole(try r.shortText()))
            case .putGroup:
                set.changes.append(.putGroup(try RecordCoding.decodeGroup(try r.shortTextBytes())))
            case .deleteGroup:
                set.changes.append(.deleteGroup(try r.shortText()))
            case .addActivity:
                let id = KeyID(stored: try storedID(&r))
                set.changes.append(.addActivity(id, try readActivity(&r)))
            case .putAlert:
                let seq = try r.varint()
                set.changes.append(.putAlert(try UsageCoding.decodeAlert(try r.shortTextBytes(), seq: seq)))
            case .pruneAlerts:
                let before = try r.time()
                let limit = try r.varint()
                guard limit <= UInt64(Int.max) else { throw RecordReader.Corrupt() }
                set.changes.append(.pruneAlerts(before: before, limit: Int(limit)))
            case .pruneHistory:
                var keys: [KeyID] = []
                for _ in 0..<(try count(&r)) { keys.append(KeyID(stored: try storedID(&r))) }
                set.changes.append(.pruneHistory(keys, keepDaysFrom: try u32(&r), keepHoursFrom: try u32(&r)))
            }
        }
        let eventCount = try r.varint()
        guard eventCount <= maxItems, eventCount <= UInt64(r.bytes.count - r.offset) else { throw RecordReader.Corrupt() }
        set.events.reserveCapacity(Int(eventCount))
        for _ in 0..<eventCount {
            let seq = try r.varint()
            set.events.append(try RecordCoding.decodeEvent(try r.shortTextBytes(), seq: seq))
        }
        return set
    }

    /// Ids are stored as their 16 random characters (StoredID).
    private static func storedID(_ r: inout RecordReader) throws(RecordReader.Corrupt) -> UnsafeRawBufferPointer {
        let bytes = try r.shortTextBytes()
        guard bytes.count == 16 else { throw RecordReader.Corrupt() }
        return bytes
    }
}
