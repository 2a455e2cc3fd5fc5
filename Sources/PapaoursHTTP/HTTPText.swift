/// The escapes the gate writes and reads: header values, JSON strings, query strings.
public enum HTTPText {
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// `%` and every byte outside printable ASCII (0x20–0x7E) as %XX of the UTF-8 bytes,
    /// so that a header value carries any text and decodes back exactly.
    public static func headerValue(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            if b >= 0x20 && b <= 0x7E && b != UInt8(ascii: "%") {
                out.append(b)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON string literal, quotes included (RFC 8259: `"`, `\` and control characters escaped).
    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let v = Int(scalar.value)
                out += "\\u00" + String(decoding: [hex[v >> 4], hex[v & 0x0F]], as: UTF8.self)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `%XX` decoded, and `+` as a space in a query (as forms send it) but not in a header value;
    /// nil for a broken escape or bytes that are not UTF-8.
    public static func percentDecoded(_ text: Substring, plusAsSpace: Bool = false) -> String? {
        var out: [UInt8] = []
        var bytes = text.utf8.makeIterator()
        while let b = bytes.next() {
            switch b {
            case UInt8(ascii: "%"):
                guard let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) else { return nil }
                out.append(high << 4 | low)
            case UInt8(ascii: "+") where plusAsSpace: out.append(0x20)
            default: out.append(b)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }

    /// The decoded values of one query parameter (`a=1&b=2&a=3`), in order; nil when one is badly escaped.
    public static func queryValues(_ query: String, named name: String) -> [String]? {
        var values: [String] = []
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard percentDecoded(parts[0], plusAsSpace: true) == name else { continue }
            guard let value = parts.count == 2 ? percentDecoded(parts[1], plusAsSpace: true) : "" else { return nil }
            values.append(value)
        }
        return values
    }
}
