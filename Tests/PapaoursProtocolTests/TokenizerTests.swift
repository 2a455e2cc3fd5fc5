import Testing
@testable import PapaoursProtocol

private func tokens(_ s: String) throws(ProtocolError) -> [Token] { try Tokenizer.tokens(Array(s.utf8)) }

/// The code of the error `body` throws, nil when it does not throw.
func protocolErrorCode<T>(_ body: () throws(ProtocolError) -> T) -> ProtocolError.Code? {
    do {
        _ = try body()
        return nil
    } catch {
        return error.code
    }
}

func protocolError<T>(_ body: () throws(ProtocolError) -> T) -> ProtocolError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

@Suite("Tokenizer")
struct TokenizerTests {
    @Test("words separated by one or more spaces")
    func words() throws {
        #expect(try tokens("PING") == [.word("PING")])
        #expect(try tokens("MACHINE   LIST") == [.word("MACHINE"), .word("LIST")])
        #expect(try tokens("  a b  ") == [.word("a"), .word("b")])
        #expect(try tokens("") == [])
        #expect(try tokens("     ") == [])
        #expect(try tokens("Clé production") == [.word("Clé"), .word("production")])
        #expect(try tokens("a=b=c") == [.attribute(name: "a", value: "b=c")])
        #expect(try tokens("=x") == [.word("=x")])
        #expect(try tokens("Name=x") == [.word("Name=x")])
        #expect(try tokens("1a=x") == [.word("1a=x")])
        #expect(try tokens("a_b=x") == [.word("a_b=x")])
    }

    @Test("quoted strings with every escape")
    func quoted() throws {
        #expect(try tokens(#""""#) == [.quoted("")])
        #expect(try tokens(#""a b""#) == [.quoted("a b")])
        #expect(try tokens(#""\" \\ \n \r \t""#) == [.quoted("\" \\ \n \r \t")])
        #expect(try tokens(#"x "Clé production" y"#) == [.word("x"), .quoted("Clé production"), .word("y")])
        #expect(try tokens(#""a=b""#) == [.quoted("a=b")])
        #expect(try tokens(#""" """#) == [.quoted(""), .quoted("")])
        #expect(try tokens("\"\u{85}é🦀\"") == [.quoted("\u{85}é🦀")])
    }

    @Test("attributes with word, quoted or empty values")
    func attributes() throws {
        #expect(try tokens("label=prod") == [.attribute(name: "label", value: "prod")])
        #expect(try tokens(#"label="Clé production""#) == [.attribute(name: "label", value: "Clé production")])
        #expect(try tokens("label=") == [.attribute(name: "label", value: "")])
        #expect(try tokens("label= next") == [.attribute(name: "label", value: ""), .word("next")])
        #expect(try tokens(#"label="""#) == [.attribute(name: "label", value: "")])
        #expect(try tokens(#"x-2a="\"q\"""#) == [.attribute(name: "x-2a", value: "\"q\"")])
        #expect(try tokens("ip=10.0.0.1  expires=2027-01-31T00:00:00Z") ==
                [.attribute(name: "ip", value: "10.0.0.1"), .attribute(name: "expires", value: "2027-01-31T00:00:00Z")])
        #expect(try tokens("roles=a,b") == [.attribute(name: "roles", value: "a,b")])
    }

    @Test("syntax errors", arguments: [
        #""a\x""#,            // unknown escape
        #""a\0""#,
        #""a\u0041""#,
        "\"a\u{1}b\"",        // raw control in quotes
        "\"a\tb\"",
        "\"a\u{7F}b\"",
        #""abc"#,             // unclosed
        #""abc\""#,           // closing quote escaped
        #""abc\"#,            // backslash at the end
        #""a"b"#,             // quote glued to the next token
        #""a""b""#,
        #"label="a"b"#,
        #"label="a"#,         // attribute quoted value unclosed
        #"ab"c""#,            // quote inside a word
        #"label=ab"c""#,
        "a\\b",              // backslash outside quotes
        "a\tb",              // tab outside quotes
        "\tPING",
        "PING\r",
        "a\u{0}",
        "a\u{7F}",
    ])
    func syntaxErrors(line: String) {
        #expect(protocolErrorCode { () throws(ProtocolError) in try tokens(line) } == .syntax)
    }

    @Test("invalid UTF-8 is a syntax error naming the byte", arguments: [
        ([UInt8(ascii: "A"), 0xFF], 2),
        ([0x80], 1),
        ([UInt8(ascii: "a"), UInt8(ascii: "b"), 0xC3], 3),                    // truncated sequence at the end
        ([UInt8(ascii: "a"), 0xE2, 0x82, UInt8(ascii: "b")], 2),             // truncated sequence in the middle
        (Array("PING \"é\" ".utf8) + [0xC0, 0xAF], 11),                      // overlong encoding
        (Array("x".utf8) + [0xED, 0xA0, 0x80], 2),                           // surrogate
    ])
    func invalidUTF8(line: [UInt8], position: Int) throws {
        let error = try #require(protocolError { () throws(ProtocolError) in try Tokenizer.tokens(line) })
        #expect(error.code == .syntax)
        #expect(error.message.contains("UTF-8"))
        #expect(error.message.contains("byte \(position)"), "\(error.message)")
    }

    @Test("error messages locate the problem")
    func messages() throws {
        let escape = try #require(protocolError { () throws(ProtocolError) in try tokens(#"ab "c\q""#) })
        #expect(escape.message.contains("\\q"))
        let unclosed = try #require(protocolError { () throws(ProtocolError) in try tokens(#"ab "cd"#) })
        #expect(unclosed.message.contains("byte 4"))
        let control = try #require(protocolError { () throws(ProtocolError) in try tokens("ab\tc") })
        #expect(control.message.contains("0x09"))
        #expect(control.description.hasPrefix("BAD syntax "))
    }
}
