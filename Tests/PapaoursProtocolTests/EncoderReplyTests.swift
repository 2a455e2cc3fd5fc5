import Testing
@testable import PapaoursProtocol

private func line(_ build: (inout LineEncoder) -> Void) -> String {
    var encoder = LineEncoder()
    build(&encoder)
    return String(decoding: encoder.bytes, as: UTF8.self)
}

@Suite("LineEncoder")
struct LineEncoderTests {
    @Test("words and attributes are separated by single spaces")
    func layout() {
        #expect(line { $0.word("OK") } == "OK")
        #expect(line { $0.word("OK"); $0.attribute("id", "m_abcdefghijklmnop"); $0.attribute("keys", "0") } == "OK id=m_abcdefghijklmnop keys=0")
        #expect(line { _ in } == "")
    }

    @Test("attribute values are quoted only when needed", arguments: [
        ("plain", "plain"),
        ("", ""),
        ("a=b", "a=b"),
        ("2026-11-28T22:46:38Z", "2026-11-28T22:46:38Z"),
        ("Clé", "Clé"),
        ("a,b", "a,b"),
        ("a b", #""a b""#),
        ("say \"hi\"", #""say \"hi\"""#),
        ("back\\slash", #""back\\slash""#),
        ("line\nbreak", #""line\nbreak""#),
        ("cr\rlf", #""cr\rlf""#),
        ("tab\there", #""tab\there""#),
        ("\"", #""\"""#),
    ])
    func attributeQuoting(value: String, expected: String) {
        #expect(line { $0.attribute("v", value) } == "v=" + expected)
    }

    @Test("positional arguments are quoted when empty or holding '=', space, quote, backslash or control", arguments: [
        ("web", "web"),
        ("Clé", "Clé"),
        ("", #""""#),
        ("a=b", #""a=b""#),
        ("=", #""=""#),
        ("a b", #""a b""#),
        ("a\"b", #""a\"b""#),
        ("a\\b", #""a\\b""#),
        ("a\nb", #""a\nb""#),
        ("a\u{7F}b", #""a b""#),
    ])
    func argumentQuoting(value: String, expected: String) {
        #expect(line { $0.argument(value) } == expected)
    }

    @Test("other control characters cannot be written: they become spaces inside the quotes")
    func otherControls() {
        #expect(line { $0.attribute("v", "a\u{1}b") } == #"v="a b""#)
        #expect(line { $0.attribute("v", "a\u{0}") } == #"v="a ""#)
    }

    @Test("text() writes to the end of line, controls replaced by spaces")
    func text() {
        #expect(line { $0.word("NO"); $0.word("not-found"); $0.text("no machine \"x\"") } == "NO not-found no machine \"x\"")
        #expect(line { $0.word("BAD"); $0.word("syntax"); $0.text("a\nb\rc\td\u{0}e\u{7F}f") } == "BAD syntax a b c d e f")
    }

    @Test("an attribute value survives encoding then tokenizing", arguments: [
        "", "plain", "two words", "  leading and trailing  ", "quote\"inside", "\"", "\"\"", "back\\slash", "\\", "\\\"",
        "line\nbreak", "\n", "cr\r\nlf", "tab\tchar", "a=b", "=", "==", "name=value", "Clé production", "日本語のラベル",
        "emoji 🦀🐻", "e\u{301}", "\u{85}nel", "\u{2028}", "mixed \"\\\n\t\r= é",
        "label=\"x\"", "\\n", String(repeating: "x", count: 500),
    ])
    func attributeRoundTrip(value: String) throws {
        var encoder = LineEncoder()
        encoder.word("OK")
        encoder.attribute("v", value)
        encoder.attribute("w", value)
        let tokens = try Tokenizer.tokens(encoder.bytes)
        #expect(tokens == [.word("OK"), .attribute(name: "v", value: value), .attribute(name: "w", value: value)])
    }

    @Test("a positional argument survives encoding then tokenizing", arguments: [
        "", "web", "two words", "a=b", "quote\"", "back\\", "line\nbreak", "Clé production", "label=x", "🦀",
    ])
    func argumentRoundTrip(value: String) throws {
        var encoder = LineEncoder()
        encoder.word("MACHINE")
        encoder.word("SHOW")
        encoder.argument(value)
        let tokens = try Tokenizer.tokens(encoder.bytes)
        #expect(tokens.count == 3)
        #expect(tokens.last?.text == value)
        #expect(try Request.parse(encoder.bytes).arguments == [value])
    }
}

@Suite("ReplyLine.parse")
struct ReplyLineTests {
    private func parse(_ s: String) throws(ProtocolError) -> ReplyLine { try ReplyLine.parse(Array(s.utf8)) }

    @Test("OK with attributes")
    func ok() throws {
        let reply = try parse(#"OK id=m_abcdefghijklmnop name="web server" description= roles=a,b"#)
        #expect(reply.kind == .ok)
        #expect(reply.isFinal)
        #expect(reply["id"] == "m_abcdefghijklmnop")
        #expect(reply["name"] == "web server")
        #expect(reply["description"] == "")
        #expect(reply["roles"] == "a,b")
        #expect(reply["missing"] == nil)
        #expect(reply.attributes.map(\.0) == ["id", "name", "description", "roles"])
        #expect(try parse("OK") == ReplyLine(kind: .ok))
        #expect(try parse("OK count=0") == ReplyLine(kind: .ok, attributes: [("count", "0")]))
    }

    @Test("NO code text")
    func no() throws {
        let reply = try parse("NO not-found no machine \"web\" here")
        #expect(reply.kind == .no(code: "not-found"))
        #expect(reply.text == "no machine \"web\" here")
        #expect(reply.attributes.isEmpty)
        #expect(reply.isFinal)
        #expect(try parse("NO busy") == ReplyLine(kind: .no(code: "busy"), text: ""))
    }

    @Test("BAD code text")
    func bad() throws {
        let reply = try parse("BAD syntax unknown escape \\q at byte 4")
        #expect(reply.kind == .bad(code: "syntax"))
        #expect(reply.text == "unknown escape \\q at byte 4")
        #expect(try parse("BAD too-long line too long\r") == ReplyLine(kind: .bad(code: "too-long"), text: "line too long"))
    }

    @Test("item lines")
    func items() throws {
        let reply = try parse(#"KEY id=k_abcdefghijklmnop label="Clé production" expires= last-used=never uses=3"#)
        #expect(reply.kind == .item(type: "KEY"))
        #expect(!reply.isFinal)
        #expect(reply["label"] == "Clé production")
        #expect(reply["last-used"] == "never")
        #expect(reply["uses"] == "3")
        #expect(try parse("MACHINE id=m_abcdefghijklmnop").kind == .item(type: "MACHINE"))
        #expect(try parse("EVENT seq=1 details=\"name \\\"a\\\"\"")["details"] == "name \"a\"")
    }

    @Test("a CR before the end is stripped")
    func carriageReturn() throws {
        #expect(try parse("OK count=2\r") == ReplyLine(kind: .ok, attributes: [("count", "2")]))
        #expect(try parse("NO forbidden not allowed\r").text == "not allowed")
        #expect(try parse("MACHINE name=x\r")["name"] == "x")
    }

    @Test("malformed replies are syntax errors", arguments: ["", "OK stray", #""OK""#, "OK a=\"unclosed", "id=x", "OK a=b\u{1}"])
    func malformed(line: String) {
        #expect(protocolErrorCode { () throws(ProtocolError) in try parse(line) } == .syntax)
    }

    @Test("equality compares kind, text and attributes in order")
    func equality() {
        #expect(ReplyLine(kind: .ok, attributes: [("a", "1"), ("b", "2")]) != ReplyLine(kind: .ok, attributes: [("b", "2"), ("a", "1")]))
        #expect(ReplyLine(kind: .no(code: "x"), text: "t") != ReplyLine(kind: .bad(code: "x"), text: "t"))
        #expect(ReplyLine(kind: .ok, attributes: [("a", "1")]) != ReplyLine(kind: .ok, attributes: [("a", "1"), ("b", "2")]))
    }

    @Test("a line encoded by LineEncoder parses back")
    func encoderRoundTrip() throws {
        var encoder = LineEncoder()
        encoder.word("OK")
        encoder.attribute("name", "web \"server\"\n2")
        encoder.attribute("empty", "")
        encoder.attribute("roles", "a,b")
        let reply = try ReplyLine.parse(encoder.bytes)
        #expect(reply == ReplyLine(kind: .ok, attributes: [("name", "web \"server\"\n2"), ("empty", ""), ("roles", "a,b")]))
    }
}
