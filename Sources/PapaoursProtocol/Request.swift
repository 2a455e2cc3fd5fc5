/// One parsed request: its verb, positional arguments and attributes.
public struct Request: Sendable, Equatable {
    public let verb: Verb
    public let arguments: [String]
    public let attributes: [String: String]

    public init(verb: Verb, arguments: [String] = [], attributes: [String: String] = [:]) {
        self.verb = verb
        self.arguments = arguments
        self.attributes = attributes
    }

    public subscript(attribute name: String) -> String? { attributes[name] }

    /// Parses one line (no LF, no trailing CR).
    public static func parse(_ line: [UInt8]) throws(ProtocolError) -> Request {
        let tokens = try Tokenizer.tokens(line, literalWordAt: secretTokenIndex(line))
        guard let first = tokens.first else { throw ProtocolError(.syntax, "empty request") }
        guard case .word(let firstWord) = first else {
            throw ProtocolError(.syntax, "a request must start with a command word")
        }
        let head = asciiUppercased(firstWord)
        var rest = tokens.dropFirst()
        let verbName: String
        if Verb.groups.contains(head) {
            guard case .word(let second)? = rest.first else {
                let choices = Verb.allCases.filter { $0.rawValue.hasPrefix(head + " ") }
                    .map { String($0.rawValue.dropFirst(head.count + 1)) }.joined(separator: ", ")
                throw ProtocolError(.unknownCommand, "\(head) needs one of \(choices)")
            }
            verbName = head + " " + asciiUppercased(second)
            rest = rest.dropFirst()
        } else {
            verbName = head
        }
        guard let verb = Verb(rawValue: verbName) else {
            throw ProtocolError(.unknownCommand, "unknown command \(sanitized(verbName))")
        }
        var arguments: [String] = []
        var attributes: [String: String] = [:]
        // A line that carries a secret never has a token of it echoed: the user may have put it anywhere.
        let carriesSecret = verb.secretPosition != nil
        for (offset, token) in rest.enumerated() {
            switch token {
            case .attribute(let name, let value):
                guard verb.accepts(attribute: name) else {
                    if carriesSecret {
                        let known = verb.attributes.sorted().map { $0 + "=" }.joined(separator: " ")
                        throw ProtocolError(.syntax, "\(verb.rawValue) takes only the attributes \(known) after its arguments")
                    }
                    throw ProtocolError(.syntax, "\(verb.rawValue) takes no attribute \(name)=")
                }
                guard attributes[name] == nil else {
                    throw ProtocolError(.syntax, "attribute \(name)= is repeated")
                }
                attributes[name] = value
            case .word(let text):
                if offset != verb.secretPosition && text.utf8.contains(UInt8(ascii: "=")) {
                    if carriesSecret {
                        throw ProtocolError(.syntax, "argument \(offset + 1) of \(verb.rawValue) contains '=': quote it, or use a known lowercase attribute name")
                    }
                    throw ProtocolError(.syntax, "argument \"\(sanitized(text))\" contains '=': quote it, or use a known lowercase attribute name")
                }
                arguments.append(text)
            case .quoted(let text):
                arguments.append(text)
            }
        }
        if arguments.count < verb.arguments.count {
            throw ProtocolError(.syntax, "\(verb.rawValue) needs <\(verb.arguments[arguments.count])>")
        }
        if arguments.count > verb.arguments.count {
            throw ProtocolError(.syntax, "\(verb.rawValue) takes \(verb.arguments.count) argument\(verb.arguments.count == 1 ? "" : "s"), got \(arguments.count)")
        }
        for name in verb.requiredAttributes.sorted() where attributes[name] == nil {
            throw ProtocolError(.syntax, "\(verb.rawValue) needs \(name)=")
        }
        if verb.needsAnAttribute && attributes.isEmpty {
            throw ProtocolError(.syntax, "\(verb.rawValue) needs at least one of " + verb.attributes.sorted().map { $0 + "=" }.joined(separator: " "))
        }
        return Request(verb: verb, arguments: arguments, attributes: attributes)
    }

    /// The request as a line (without LF), quoted as the protocol requires.
    public func encoded() -> [UInt8] {
        var line = LineEncoder()
        line.word(verb.rawValue)
        for argument in arguments { line.argument(argument) }
        for name in attributes.keys.sorted() { line.attribute(name, attributes[name]!) }
        return line.bytes
    }

    /// Where the secret stands among the line's tokens, from its leading words: the token
    /// there is the secret whatever it holds (VERIFY's first argument, KEY IMPORT's second).
    static func secretTokenIndex(_ line: [UInt8]) -> Int? {
        let words = line.split(separator: UInt8(ascii: " "), maxSplits: 2).prefix(2)
            .map { asciiUppercased(String(decoding: $0, as: UTF8.self)) }
        guard let head = words.first else { return nil }
        let grouped = Verb.groups.contains(head) && words.count == 2
        let verb = Verb(rawValue: grouped ? head + " " + words[1] : head)
        return verb?.secretPosition.map { $0 + (grouped ? 2 : 1) }
    }

    /// Verbs are case-insensitive in ASCII only: `pıng` is not `PING`.
    static func asciiUppercased(_ word: String) -> String {
        String(decoding: word.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    /// A user-supplied fragment made safe to echo in a one-line message.
    static func sanitized(_ text: String) -> String {
        let clipped = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return String(clipped.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) })
    }
}
