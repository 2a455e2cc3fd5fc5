/// A `require=` list as it stands in a request: checked for its form, then against a
/// machine's rights in place, without making a `Right` of each (VERIFY's hot path).
public enum RequiredRights {
    /// One or more rights, separated by commas.
    public static func isWellFormed(_ list: UnsafeRawBufferPointer) -> Bool {
        guard !list.isEmpty else { return false }
        var start = 0
        for i in 0...list.count where i == list.count || list[i] == UInt8(ascii: ",") {
            guard Right.isWellFormed(UnsafeRawBufferPointer(rebasing: list[start..<i])) else { return false }
            start = i + 1
        }
        return true
    }

    /// The first right of a well-formed `list` that is not in `held` (rights as text), nil when
    /// every one is held.
    public static func firstMissing(_ list: UnsafeRawBufferPointer, held: [[UInt8]]) -> String? {
        var start = 0
        for i in 0...list.count where i == list.count || list[i] == UInt8(ascii: ",") {
            let right = UnsafeRawBufferPointer(rebasing: list[start..<i])
            if !held.contains(where: { $0.elementsEqual(right) }) { return String(decoding: right, as: UTF8.self) }
            start = i + 1
        }
        return nil
    }
}

extension Right {
    /// `<permission>:<operation>`: permission `[a-z][a-z0-9._-]{0,63}`, operation read, write,
    /// delete or archive.
    public static func isWellFormed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), (1...64).contains(colon),
              (0x61...0x7A).contains(bytes[0]) else { return false }
        for b in bytes[1..<colon] where !((0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == 0x2E || b == 0x5F || b == 0x2D) {
            return false
        }
        let operation = UnsafeRawBufferPointer(rebasing: bytes[(colon + 1)...])
        return operationNames.contains { $0.elementsEqual(operation) }
    }

    /// The operations' names as bytes, made once (`allCases` would build an array per call).
    private static let operationNames: [[UInt8]] = Operation.allCases.map { Array($0.rawValue.utf8) }
}
