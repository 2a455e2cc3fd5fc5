import PapaoursCore

/// Records in the bytes the store keeps them in, for a store of record elsewhere (the fleet's
/// PostgreSQL): the same bytes on every host, so that a copy made from them is byte-identical.
/// A key's record holds neither its hash nor its usage, which are kept beside it, as here.
public enum StoredRecord {
    public struct Corrupt: Error, Sendable, CustomStringConvertible {
        public let what: String
        public init(what: String) { self.what = what }
        public var description: String { "\(what) record is corrupt" }
    }

    public static func bytes(_ m: MachineRecord) -> [UInt8] { RecordCoding.encode(m) }
    public static func bytes(_ k: KeyRecord) -> [UInt8] { RecordCoding.encode(k) }
    public static func bytes(_ r: RoleRecord) -> [UInt8] { RecordCoding.encode(r) }
    public static func bytes(_ g: GroupRecord) -> [UInt8] { RecordCoding.encode(g) }
    /// Without its sequence, which is its key.
    public static func bytes(_ e: AuditEvent) -> [UInt8] { RecordCoding.encode(e) }

    public static func machine(_ bytes: [UInt8]) throws(Corrupt) -> MachineRecord {
        try decoded("machine", bytes, RecordCoding.decodeMachine)
    }

    public static func key(_ bytes: [UInt8], hash: SecretHash, usage: KeyUsage) throws(Corrupt) -> KeyRecord {
        try decoded("key", bytes) { b throws(RecordReader.Corrupt) in try RecordCoding.decodeKey(b, hash: hash, usage: usage) }
    }

    public static func role(_ bytes: [UInt8]) throws(Corrupt) -> RoleRecord { try decoded("role", bytes, RecordCoding.decodeRole) }
    public static func group(_ bytes: [UInt8]) throws(Corrupt) -> GroupRecord { try decoded("group", bytes, RecordCoding.decodeGroup) }

    public static func event(_ bytes: [UInt8], seq: UInt64) throws(Corrupt) -> AuditEvent {
        try decoded("audit event \(seq)", bytes) { b throws(RecordReader.Corrupt) in try RecordCoding.decodeEvent(b, seq: seq) }
    }

    private static func decoded<R>(_ what: String, _ bytes: [UInt8],
                                   _ decode: (UnsafeRawBufferPointer) throws(RecordReader.Corrupt) -> R) throws(Corrupt) -> R {
        do {
            return try bytes.withUnsafeBytes { b throws(RecordReader.Corrupt) in try decode(b) }
        } catch {
            throw Corrupt(what: what)
        }
    }
}
