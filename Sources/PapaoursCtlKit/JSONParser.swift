/// Reads one JSON text (RFC 8259), strictly: no trailing commas, no comments, no
/// leading zeros, strings of valid UTF-8 without raw control characters. Numbers keep
/// their digits, as `JSON.number` does. Used for the lines of an export.
extension JSON {
    struct ParseError: Error, Equatable {
        /// 1-based byte column where the text stops being JSON.
        let column: Int
    }

    static let maxDepth = 64

    static func parse(_ bytes: ArraySlice<UInt8>) throws(ParseError) -> JSON {
        var parser = Parser(bytes: Array(bytes))
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.failure() }
        return value
    }

    /// The members of an object, nil for any other value.
    var members: [Member]? {
        if case .members(let members) = self { return members }
        return nil
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        func failure() -> ParseError { ParseError(column: index + 1) }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let b = current, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { index += 1 }
        }

        mutating func expect(_ word: String) throws(ParseError) {
            for b in word.utf8 {
                guard current == b else { throw failure() }
                index += 1
            }
        }

        mutating func value(depth: Int) throws(ParseError) -> JSON {
            guard depth < JSON.maxDepth, let b = current else { throw failure() }
            switch b {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw failure()
            }
        }

        mutating func object(depth: Int) throws(ParseError) -> JSON {
            index += 1
            skipSpace()
            var members: [Member] = []
            if current == UInt8(ascii: "}") { index += 1; return .members(members) }
            while true {
                guard current == UInt8(ascii: "\"") else { throw failure() }
                let key = try string()
                skipSpace()
                try expect(":")
                skipSpace()
                members.append(Member(key, try value(depth: depth + 1)))
                skipSpace()
                if current == UInt8(ascii: ",") { index += 1; skipSpace(); continue }
                try expect("}")
                return .members(members)
            }
        }

        mutating func array(depth: Int) throws(ParseError) -> JSON {
            index += 1
            skipSpace()
            var values: [JSON] = []
            if current == UInt8(ascii: "]") { index += 1; return .array(values) }
            while true {
                values.append(try value(depth: depth + 1))
                skipSpace()
                if current == UInt8(ascii: ",") { index += 1; skipSpace(); continue }
                try expect("]")
                return .array(values)
            }
        }

        mutating func digits() -> Int {
            let start = index
            while let b = current, b >= 0x30 && b <= 0x39 { index += 1 }
            return index - start
        }

        mutating func number() throws(ParseError) -> String {
            let start = index
            if current == UInt8(ascii: "-") { index += 1 }
            if current == UInt8(ascii: "0") {
                index += 1
            } else if digits() == 0 {
                throw failure()
            }
            if current == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw failure() }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw failure() }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func hex4() throws(ParseError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let b = current else { throw failure() }
                let digit: UInt32
                switch b {
                case 0x30...0x39: digit = UInt32(b - 0x30)
                case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
                case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
                default: throw failure()
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        mutating func string() throws(ParseError) -> String {
            let opening = index
            index += 1
            var out: [UInt8] = []
            var runStart = index
            while true {
                guard let b = current else { throw failure() }
                if b == UInt8(ascii: "\"") {
                    out += bytes[runStart..<index]
                    index += 1
                    break
                }
                if b < 0x20 { throw failure() }
                if b != UInt8(ascii: "\\") { index += 1; continue }
                out += bytes[runStart..<index]
                let escape = index
                index += 1
                guard let e = current else { throw failure() }
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard current == UInt8(ascii: "\\") else { index = escape; throw failure() }
                        index += 1
                        guard current == UInt8(ascii: "u") else { index = escape; throw failure() }
                        index += 1
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { index = escape; throw failure() }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        index = escape
                        throw failure()
                    }
                    out += Array(String(Character(Unicode.Scalar(code)!)).utf8)
                default:
                    index = escape
                    throw failure()
                }
                runStart = index
            }
            guard let text = String(validating: out, as: UTF8.self) else {
                index = opening  // not UTF-8
                throw failure()
            }
            return text
        }
    }
}
