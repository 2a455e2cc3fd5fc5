/// Builds one protocol line, quoting a value only when it must be quoted.
public struct LineEncoder: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 128) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The line with its LF, taken from the encoder: no copy is left behind (a reply may hold
    /// a secret), provided the capacity given at init was enough.
    public consuming func lineWithLF() -> [UInt8] {
        bytes.append(0x0A)
        return bytes
    }

    /// A bare word, written as is (verbs, codes, item types).
    public mutating func word(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
    }

    /// A positional value: a word when it can be one, else a quoted string.
    public mutating func argument(_ text: String) {
        separate()
        if text.isEmpty || needsQuotes(text, positional: true) { appendQuoted(text) } else { bytes.append(contentsOf: text.utf8) }
    }

    /// `name=value`, the value quoted only when it must be.
    public mutating func attribute(_ name: String, _ value: String) {
        separate()
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: "="))
        if needsQuotes(value, positional: false) { appendQuoted(value) } else { bytes.append(contentsOf: value.utf8) }
    }

    /// `name=value` with the value's UTF-8 bytes as they stand in a record, quoted only when
    /// they must be: no String is made when they need no quotes.
    public mutating func attribute(_ name: String, utf8 value: UnsafeRawBufferPointer) {
        guard value.allSatisfy(Tokenizer.isWordByte) else {
            attribute(name, String(decoding: value, as: UTF8.self))
            return
        }
        separate()
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: "="))
        bytes.append(contentsOf: value)
    }

    /// `name=value` for a value of bytes that need no quotes (a secret's alphabet), copied
    /// straight in: no String of it is made.
    public mutating func attribute(_ name: String, plainBytes value: [UInt8]) {
        separate()
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: "="))
        bytes.append(contentsOf: value)
    }

    /// Free text to the end of the line (the text of NO and BAD); control characters become spaces.
    public mutating func text(_ text: String) {
        separate()
        for byte in text.utf8 { bytes.append(Tokenizer.isControl(byte) ? UInt8(ascii: " ") : byte) }
    }

    private mutating func separate() {
        if !bytes.isEmpty { bytes.append(UInt8(ascii: " ")) }
    }

    private func needsQuotes(_ text: String, positional: Bool) -> Bool {
        for byte in text.utf8 where !Tokenizer.isWordByte(byte) || (positional && byte == UInt8(ascii: "=")) {
            return true
        }
        return false
    }

    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            // Other control characters cannot be written; validation keeps them out of records.
            case let b where Tokenizer.isControl(b): bytes.append(UInt8(ascii: " "))
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
