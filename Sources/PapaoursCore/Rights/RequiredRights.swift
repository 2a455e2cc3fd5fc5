#if canImport(Glibc)
import Glibc
#endif

/// A `require=` list as it stands in a request: checked for its form, then against a
/// machine's rights in place, without making a `Right` of each (VERIFY's hot path: plain
/// loops and memcmp, no closure, no allocation).
public enum RequiredRights {
    /// One or more rights, separated by commas.
    public static func isWellFormed(_ list: UnsafeRawBufferPointer) -> Bool {
        guard !list.isEmpty else { return false }
        var start = 0
        var i = 0
        while i <= list.count {
            if i == list.count || list[i] == UInt8(ascii: ",") {
                guard Right.isWellFormed(UnsafeRawBufferPointer(rebasing: list[start..<i])) else { return false }
                start = i + 1
            }
            i += 1
        }
        return true
    }

    /// The first right of a well-formed `list` that is not in `held` (rights as text), nil when
    /// every one is held.
    public static func firstMissing(_ list: UnsafeRawBufferPointer, held: [[UInt8]]) -> String? {
        var start = 0
        var i = 0
        while i <= list.count {
            if i == list.count || list[i] == UInt8(ascii: ",") {
                let right = UnsafeRawBufferPointer(rebasing: list[start..<i])
                if !isHeld(right, in: held) { return String(decoding: right, as: UTF8.self) }
                start = i + 1
            }
            i += 1
        }
        return nil
    }

    @inline(__always)
    private static func isHeld(_ right: UnsafeRawBufferPointer, in held: [[UInt8]]) -> Bool {
        for text in held where text.count == right.count {
            if text.withUnsafeBytes({ memcmp($0.baseAddress!, right.baseAddress!, right.count) }) == 0 { return true }
        }
        return false
    }
}

extension Right {
    /// `<permission>:<operation>`: permission `[a-z][a-z0-9._-]{0,63}`, operation read, write,
    /// delete or archive.
    public static func isWellFormed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var colon = 0
        while colon < bytes.count && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
        guard colon < bytes.count, (1...64).contains(colon), (0x61...0x7A).contains(bytes[0]) else { return false }
        for i in 1..<colon {
            let b = bytes[i]
            guard (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == 0x2E || b == 0x5F || b == 0x2D else { return false }
        }
        let operation = UnsafeRawBufferPointer(rebasing: bytes[(colon + 1)...])
        return matches(operation, "read") || matches(operation, "write") || matches(operation, "delete") || matches(operation, "archive")
    }

    @inline(__always)
    private static func matches(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        bytes.count == name.utf8CodeUnitCount && memcmp(bytes.baseAddress!, name.utf8Start, bytes.count) == 0
    }
}
