/// A parameter of a statement. Text goes as text, its type inferred by the server from the
/// statement; bytes and integers go in binary (bytea, int8), so no escaping is ever needed.
public enum PGValue: Sendable, Equatable {
    case text(String)
    case bytes([UInt8])
    case int64(Int64)
    case null

    static let byteaOID: UInt32 = 17
    static let int8OID: UInt32 = 20

    var oid: UInt32 {
        switch self {
        case .bytes: PGValue.byteaOID
        case .int64: PGValue.int8OID
        case .text, .null: 0
        }
    }

    var isBinary: Bool {
        switch self {
        case .bytes, .int64: true
        case .text, .null: false
        }
    }

    /// The value as libpq sends it; nil for NULL.
    var wire: [UInt8]? {
        switch self {
        case .text(let s): Array(s.utf8)
        case .bytes(let b): b
        case .int64(let n): withUnsafeBytes(of: n.bigEndian) { Array($0) }
        case .null: nil
        }
    }

    /// The value as a field of COPY's text format: backslash escapes, `\N` for NULL, bytea in hex.
    var copyText: [UInt8] {
        switch self {
        case .null: return Array("\\N".utf8)
        case .int64(let n): return Array(String(n).utf8)
        case .bytes(let b):
            // `\\x…`: COPY turns `\\` into `\`, and bytea reads `\x` and hex digits.
            var out = Array("\\\\x".utf8)
            out.reserveCapacity(3 + b.count * 2)
            let digits = Array("0123456789abcdef".utf8)
            for byte in b {
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0xF)])
            }
            return out
        case .text(let s):
            var out: [UInt8] = []
            out.reserveCapacity(s.utf8.count)
            for byte in s.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): out += [0x5C, 0x5C]
                case 0x09: out += [0x5C, UInt8(ascii: "t")]
                case 0x0A: out += [0x5C, UInt8(ascii: "n")]
                case 0x0D: out += [0x5C, UInt8(ascii: "r")]
                default: out.append(byte)
                }
            }
            return out
        }
    }
}
