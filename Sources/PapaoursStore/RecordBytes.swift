import PapaoursCore

/// Appends fields to a record's bytes: big-endian integers, varints and length-prefixed text.
struct RecordWriter {
    var bytes: [UInt8] = []

    init(version: UInt8) { bytes.append(version) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func raw(_ v: [UInt8]) { bytes.append(contentsOf: v) }
    /// LEB128: seven bits a byte, low first; small numbers take one byte.
    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
    /// Times as zigzag varints: the seconds of this century take five bytes.
    mutating func time(_ t: Timestamp) { varint(UInt64(bitPattern: (t.seconds << 1) ^ (t.seconds >> 63))) }
    /// Text with a varint length (layout 2).
    mutating func shortText(_ s: String) {
        varint(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }
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
    mutating func varint() throws(Corrupt) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try u8()
            guard shift < 64 else { throw Corrupt() }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }
    mutating func time() throws(Corrupt) -> Timestamp {
        let z = try varint()
        return Timestamp(seconds: Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1))
    }
    /// The bytes of a layout-2 text, in place.
    mutating func shortTextBytes() throws(Corrupt) -> UnsafeRawBufferPointer {
        let n = try varint()
        guard n <= UInt64(bytes.count) else { throw Corrupt() }
        return try take(Int(n))
    }
    mutating func shortText() throws(Corrupt) -> String { String(decoding: try shortTextBytes(), as: UTF8.self) }
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

extension PrefixedIdentifier {
    /// The id as stored: its 16 random characters, without the prefix all ids of its kind share.
    var stored: [UInt8] { Array(value.utf8.dropFirst(Self.prefix.utf8.count)) }

    init<Bytes: Collection<UInt8>>(stored bytes: Bytes) {
        self.init(unchecked: Self.prefix + String(decoding: bytes, as: UTF8.self))
    }
}

extension RecordWriter {
    /// Bytes with a varint length.
    mutating func shortBytes(_ v: [UInt8]) {
        varint(UInt64(v.count))
        bytes.append(contentsOf: v)
    }
}
