import Testing
import PapaoursProtocol
@testable import PapaoursCtlKit

@Suite struct JSONTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("say \"hi\"", #""say \"hi\"""#),
        ("back\\slash", #""back\\slash""#),
        ("a\nb\rc\td", #""a\nb\rc\td""#),
        ("\u{08}\u{0C}", #""\b\f""#),
        ("\u{00}\u{01}\u{1F}", #""\u0000\u0001\u001f""#),
        ("\u{7F}é🐻/", "\"\u{7F}é🐻/\""),
    ])
    func stringsAreEscapedPerRFC8259(text: String, expected: String) {
        #expect(JSON.string(text).encoded() == expected)
    }

    @Test func documentsKeepKeyOrderAndIndent() {
        let value = JSON.object([("b", .integer(UInt64.max)), ("a", .array([.null, .bool(true)])), ("e", .array([])), ("o", .object([]))])
        #expect(value.encoded(pretty: false) == #"{"b":18446744073709551615,"a":[null,true],"e":[],"o":{}}"#)
        #expect(value.encoded() == """
            {
              "b": 18446744073709551615,
              "a": [
                null,
                true
              ],
              "e": [],
              "o": {}
            }
            """)
    }

    @Test func recordsUseProtocolNamesAndTypes() throws {
        let line = try ReplyLine.parse(Array(#"KEY id=k_aaaaaaaaaaaaaaaa label="a \"b\"" roles=x,y expires= last-used=never uses=42 keys=x1"#.utf8))
        #expect(JSON.record(line).encoded(pretty: false)
            == #"{"id":"k_aaaaaaaaaaaaaaaa","label":"a \"b\"","roles":["x","y"],"expires":null,"last-used":null,"uses":42,"keys":"x1"}"#)
        let stats = try ReplyLine.parse(Array("OK uptime=5 writes=7 mode=ro".utf8))
        #expect(JSON.record(stats, numbers: true).encoded(pretty: false) == #"{"uptime":5,"writes":7,"mode":"ro"}"#)
        #expect(JSON.attribute("roles", "") == .array([]))
    }
}
