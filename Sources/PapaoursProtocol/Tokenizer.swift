/// Cuts one line (without its LF, and without the CR before it) into tokens.
public enum Tokenizer {
    public static let maxLineLength = 8192

    private static let space = UInt8(ascii: " ")
    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
    private static let equals = UInt8(ascii: "=")

    @inline(__always)
    static func isControl(_ b: UInt8) -> Bool { b < 0x20 || b == 0x7F }

    @inline(__always)
    static func isWordByte(_ b: UInt8) -> Bool { b != space && b != quote && b != backslash && !isControl(b) }

    /// `literalWordAt`: the index of a token read as a word even when it looks like an
    /// attribute (the place of a secret, which may hold `=`).
    public static func tokens(_ line: [UInt8], literalWordAt literal: Int? = nil) throws(ProtocolError) -> [Token] {
        guard String(validating: line, as: UTF8.self) != nil else {
            throw ProtocolError(.syntax, "invalid UTF-8 at byte \(firstInvalidUTF8(line) + 1)")
        }
        var tokens: [Token] = []
        var i = 0
        let n = line.count
        while i < n {
            let b = line[i]
            if b == space { i += 1; continue }
            if b == quote {
                let (text, next) = try quoted(line, from: i)
                try expectEndOfToken(line, at: next)
                tokens.append(.quoted(text))
                i = next
                continue
            }
            let start = i
            if tokens.count != literal, let nameEnd = attributeNameEnd(line, from: i) {
                let name = String(decoding: line[start..<nameEnd], as: UTF8.self)
                i = nameEnd + 1
                if i < n && line[i] == quote {
                    let (text, next) = try quoted(line, from: i)
                    try expectEndOfToken(line, at: next)
                    tokens.append(.attribute(name: name, value: text))
                    i = next
                } else {
                    let valueStart = i
                    while i < n && line[i] != space {
                        guard isWordByte(line[i]) else { throw unexpected(line, at: i) }
                        i += 1
                    }
                    tokens.append(.attribute(name: name, value: String(decoding: line[valueStart..<i], as: UTF8.self)))
                }
                continue
            }
            while i < n && line[i] != space {
                guard isWordByte(line[i]) else { throw unexpected(line, at: i) }
                i += 1
            }
            tokens.append(.word(String(decoding: line[start..<i], as: UTF8.self)))
        }
        return tokens
    }

    /// The index of the `=` when an attribute name `[a-z][a-z0-9-]*=` starts at `start`.
    static func attributeNameEnd(_ line: [UInt8], from start: Int) -> Int? {
        var i = start
        guard i < line.count, line[i] >= UInt8(ascii: "a"), line[i] <= UInt8(ascii: "z") else { return nil }
        i += 1
        while i < line.count {
            let b = line[i]
            if b == equals { return i }
            let ok = (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-")
            guard ok else { return nil }
            i += 1
        }
        return nil
    }

    /// A quoted string starting at the `"` at `start`; returns its text and the index after the closing quote.
    static func quoted(_ line: [UInt8], from start: Int) throws(ProtocolError) -> (String, Int) {
        var out: [UInt8] = []
        var i = start + 1
        while i < line.count {
            let b = line[i]
            if b == quote { return (String(decoding: out, as: UTF8.self), i + 1) }
            if isControl(b) {
                throw ProtocolError(.syntax, "control character 0x\(hex(b)) inside a quoted string at byte \(i + 1)")
            }
            if b == backslash {
                guard i + 1 < line.count else { break }
                switch line[i + 1] {
                case quote: out.append(quote)
                case backslash: out.append(backslash)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                default:
                    throw ProtocolError(.syntax, "unknown escape \\\(printable(line[i + 1])) at byte \(i + 1); only \\\" \\\\ \\n \\r \\t are allowed")
                }
                i += 2
                continue
            }
            out.append(b)
            i += 1
        }
        throw ProtocolError(.syntax, "quoted string opened at byte \(start + 1) is not closed")
    }

    static func expectEndOfToken(_ line: [UInt8], at i: Int) throws(ProtocolError) {
        guard i >= line.count || line[i] == space else {
            throw ProtocolError(.syntax, "a space must follow the closing quote at byte \(i)")
        }
    }

    static func unexpected(_ line: [UInt8], at i: Int) -> ProtocolError {
        let b = line[i]
        if isControl(b) { return ProtocolError(.syntax, "control character 0x\(hex(b)) at byte \(i + 1)") }
        if b == quote { return ProtocolError(.syntax, "unexpected quote at byte \(i + 1); quote the whole token") }
        return ProtocolError(.syntax, "unexpected backslash at byte \(i + 1); backslashes are allowed only inside quotes")
    }

    static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(b >> 4)], digits[Int(b & 0xF)]], as: UTF8.self)
    }

    static func printable(_ b: UInt8) -> String {
        b >= 0x21 && b < 0x7F ? String(UnicodeScalar(b)) : "0x" + hex(b)
    }

    /// Index of the first byte that breaks UTF-8.
    static func firstInvalidUTF8(_ line: [UInt8]) -> Int {
        var iterator = line.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput, .error: return offset
            }
        }
    }
}
