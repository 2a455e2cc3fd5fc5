/// One reply line as a client reads it.
public struct ReplyLine: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case ok
        /// `NO <code> <text>`
        case no(code: String)
        /// `BAD <code> <text>`
        case bad(code: String)
        /// A data line before the final one: `MACHINE`, `KEY`, `EVENT`.
        case item(type: String)
    }

    public let kind: Kind
    /// Attributes in the order the server sent them.
    public let attributes: [(String, String)]
    /// The human text of NO and BAD.
    public let text: String

    public init(kind: Kind, attributes: [(String, String)] = [], text: String = "") {
        self.kind = kind
        self.attributes = attributes
        self.text = text
    }

    public subscript(name: String) -> String? { attributes.first { $0.0 == name }?.1 }

    public var isFinal: Bool {
        if case .item = kind { return false }
        return true
    }

    public static func == (a: ReplyLine, b: ReplyLine) -> Bool {
        a.kind == b.kind && a.text == b.text && a.attributes.elementsEqual(b.attributes) { $0 == $1 }
    }

    /// Parses one line (without LF) sent by the server.
    public static func parse(_ line: [UInt8]) throws(ProtocolError) -> ReplyLine {
        var end = line.count
        if end > 0 && line[end - 1] == 0x0D { end -= 1 }
        let body = Array(line[0..<end])
        let firstSpace = body.firstIndex(of: UInt8(ascii: " ")) ?? body.count
        let head = String(decoding: body[0..<firstSpace], as: UTF8.self)
        if head == "NO" || head == "BAD" {
            let rest = firstSpace < body.count ? Array(body[(firstSpace + 1)...]) : []
            let codeEnd = rest.firstIndex(of: UInt8(ascii: " ")) ?? rest.count
            let code = String(decoding: rest[0..<codeEnd], as: UTF8.self)
            let text = codeEnd < rest.count ? String(decoding: rest[(codeEnd + 1)...], as: UTF8.self) : ""
            return ReplyLine(kind: head == "NO" ? .no(code: code) : .bad(code: code), text: text)
        }
        let tokens = try Tokenizer.tokens(body)
        guard case .word(let type)? = tokens.first else {
            throw ProtocolError(.syntax, "reply does not start with a word")
        }
        var attributes: [(String, String)] = []
        for token in tokens.dropFirst() {
            guard case .attribute(let name, let value) = token else {
                throw ProtocolError(.syntax, "unexpected token in reply")
            }
            attributes.append((name, value))
        }
        return ReplyLine(kind: type == "OK" ? .ok : .item(type: type), attributes: attributes)
    }
}
