/// A JSON value, written by our own encoder (RFC 8259). Objects keep their key order.
public indirect enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The digits of an integer, so that UInt64 counters need no conversion.
    case number(String)
    case string(String)
    case array([JSON])
    /// An object; build it with `object(_:)` from (key, value) pairs.
    case members([Member])

    public struct Member: Sendable, Equatable {
        public let key: String
        public let value: JSON

        public init(_ key: String, _ value: JSON) {
            self.key = key
            self.value = value
        }
    }

    public static func integer(_ value: some BinaryInteger) -> JSON { .number(String(value)) }

    public static func object(_ pairs: [(String, JSON)]) -> JSON { .members(pairs.map { Member($0.0, $0.1) }) }

    public static func strings(_ values: [String]) -> JSON { .array(values.map(JSON.string)) }

    /// The document, indented by two spaces, without a final newline.
    public func encoded(pretty: Bool = true) -> String {
        var out = ""
        write(into: &out, indent: pretty ? 0 : nil)
        return out
    }

    private func write(into out: inout String, indent: Int?) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let digits): out += digits
        case .string(let text): JSON.quote(text, into: &out)
        case .array(let values):
            if values.isEmpty { out += "[]"; return }
            out += "["
            for (i, value) in values.enumerated() {
                if i > 0 { out += "," }
                JSON.newline(into: &out, indent: indent.map { $0 + 1 })
                value.write(into: &out, indent: indent.map { $0 + 1 })
            }
            JSON.newline(into: &out, indent: indent)
            out += "]"
        case .members(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                JSON.newline(into: &out, indent: indent.map { $0 + 1 })
                JSON.quote(member.key, into: &out)
                out += indent == nil ? ":" : ": "
                member.value.write(into: &out, indent: indent.map { $0 + 1 })
            }
            JSON.newline(into: &out, indent: indent)
            out += "}"
        }
    }

    private static func newline(into out: inout String, indent: Int?) {
        guard let indent else { return }
        out += "\n" + String(repeating: "  ", count: indent)
    }

    /// A string per RFC 8259 §7: `"` and `\` escaped, control characters
    /// U+0000–U+001F as short escapes or `\u00XX`; everything else as UTF-8.
    static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
