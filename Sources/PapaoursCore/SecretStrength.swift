#if canImport(Glibc)
import Glibc
#endif

/// How much a secret issued elsewhere can be trusted before it is imported.
public enum SecretStrength {
    public static let minimumImportBits = 128.0

    /// Bits of entropy judged by length and alphabet: length × log2 of the alphabet, where the
    /// alphabet is the size of the character classes the value uses (digits 10, lower 26,
    /// upper 26, other printable 32), but never more than twice the number of distinct
    /// characters it holds, so that `aaaa…` or `abcabc…` gets the little credit it deserves.
    public static func estimatedBits(_ value: [UInt8]) -> Double {
        if case .success(.papaours) = Secret.classify(value) { return Double(Secret.randomLength) * log2(62) }
        var digits = false, lower = false, upper = false, other = false
        var distinct = Set<UInt8>()
        for b in value {
            distinct.insert(b)
            switch b {
            case 0x30...0x39: digits = true
            case 0x61...0x7A: lower = true
            case 0x41...0x5A: upper = true
            default: other = true
            }
        }
        let classes = (digits ? 10 : 0) + (lower ? 26 : 0) + (upper ? 26 : 0) + (other ? 32 : 0)
        let alphabet = min(classes, 2 * distinct.count)
        guard alphabet > 1 else { return 0 }
        return Double(value.count) * log2(Double(alphabet))
    }
}

/// Lowercase hexadecimal, for hashes in exports.
public enum Hex {
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
