import Testing
@testable import PapaoursProtocol

private func parse(_ s: String) throws(ProtocolError) -> Request { try Request.parse(Array(s.utf8)) }

@Suite("Request.parse")
struct RequestTests {
    @Test("every verb parses", arguments: [
        ("HELLO", Request(verb: .hello)),
        ("PING", Request(verb: .ping)),
        ("QUIT", Request(verb: .quit)),
        ("MACHINE CREATE web", Request(verb: .machineCreate, arguments: ["web"])),
        (#"MACHINE CREATE "web server" description="a b" organization=acme roles=a,b"#,
         Request(verb: .machineCreate, arguments: ["web server"],
                 attributes: ["description": "a b", "organization": "acme", "roles": "a,b"])),
        ("MACHINE LIST", Request(verb: .machineList)),
        ("MACHINE SHOW m_abcdefghijklmnop", Request(verb: .machineShow, arguments: ["m_abcdefghijklmnop"])),
        ("MACHINE EDIT web name=web2 description= organization=o roles= status=inactive",
         Request(verb: .machineEdit, arguments: ["web"],
                 attributes: ["name": "web2", "description": "", "organization": "o", "roles": "", "status": "inactive"])),
        ("MACHINE DELETE web", Request(verb: .machineDelete, arguments: ["web"])),
        ("KEY CREATE web label=prod", Request(verb: .keyCreate, arguments: ["web"], attributes: ["label": "prod"])),
        (#"KEY CREATE web label="Clé production" expires=2027-01-31T00:00:00Z"#,
         Request(verb: .keyCreate, arguments: ["web"], attributes: ["label": "Clé production", "expires": "2027-01-31T00:00:00Z"])),
        ("KEY LIST web", Request(verb: .keyList, arguments: ["web"])),
        ("KEY SHOW k_abcdefghijklmnop", Request(verb: .keyShow, arguments: ["k_abcdefghijklmnop"])),
        ("KEY EDIT k_abcdefghijklmnop status=inactive", Request(verb: .keyEdit, arguments: ["k_abcdefghijklmnop"], attributes: ["status": "inactive"])),
        ("KEY EDIT k_abcdefghijklmnop label=x", Request(verb: .keyEdit, arguments: ["k_abcdefghijklmnop"], attributes: ["label": "x"])),
        ("VERIFY papa_000000000000000000000000000000004eTygD", Request(verb: .verify, arguments: ["papa_000000000000000000000000000000004eTygD"])),
        ("VERIFY papa_000000000000000000000000000000004eTygD ip=192.0.2.1",
         Request(verb: .verify, arguments: ["papa_000000000000000000000000000000004eTygD"], attributes: ["ip": "192.0.2.1"])),
        (#"VERIFY "abc==""#, Request(verb: .verify, arguments: ["abc=="])),
        // The secret's place is never an attribute: base64 padding and `name=` prefixes are the secret.
        ("VERIFY abc==", Request(verb: .verify, arguments: ["abc=="])),
        ("VERIFY ip=1.2.3.4", Request(verb: .verify, arguments: ["ip=1.2.3.4"])),
        ("verify label=xyz ip=::1", Request(verb: .verify, arguments: ["label=xyz"], attributes: ["ip": "::1"])),
        ("KEY IMPORT web abc=def== label=x", Request(verb: .keyImport, arguments: ["web", "abc=def=="], attributes: ["label": "x"])),
        ("AUDIT", Request(verb: .audit)),
        ("AUDIT machine=web after=10 limit=5", Request(verb: .audit, attributes: ["machine": "web", "after": "10", "limit": "5"])),
        ("STATS", Request(verb: .stats)),
        ("  PING  ", Request(verb: .ping)),
    ])
    func verbs(line: String, expected: Request) throws {
        #expect(try parse(line) == expected)
    }

    @Test("verbs are case-insensitive", arguments: [
        ("machine create web", Verb.machineCreate), ("Key List web", .keyList), ("ping", .ping), ("Hello", .hello),
        ("mAcHiNe LiSt", .machineList), ("verify abcdefghijklmnopqrstuvwxyz", .verify), ("quit", .quit),
        ("audit", .audit), ("stats", .stats), ("key show k_abcdefghijklmnop", .keyShow),
    ])
    func caseInsensitive(line: String, verb: Verb) throws {
        #expect(try parse(line).verb == verb)
    }

    @Test("arguments keep their case")
    func argumentCase() throws {
        #expect(try parse("machine create WebServer").arguments == ["WebServer"])
    }

    @Test("syntax errors", arguments: [
        "",                                   // empty line
        "   ",
        "MACHINE CREATE",                     // missing argument
        "MACHINE SHOW",
        "MACHINE DELETE",
        "KEY CREATE label=x",
        "KEY LIST",
        "KEY SHOW",
        "KEY EDIT status=active",
        "VERIFY",
        "PING extra",                         // extra argument
        "HELLO there",
        "MACHINE LIST x",
        "MACHINE CREATE a b",
        "KEY SHOW k_abcdefghijklmnop k_abcdefghijklmnop",
        "VERIFY a b",
        "MACHINE CREATE web colour=red",      // unknown attribute
        "MACHINE CREATE web status=active",
        "PING x=1",
        "KEY CREATE web label=a label=b",     // repeated attribute
        "AUDIT limit=1 limit=2",
        "MACHINE EDIT web name=a name=a",
        "KEY CREATE web",                     // missing label=
        "KEY CREATE web expires=2027-01-31T00:00:00Z",
        "MACHINE EDIT web",                   // EDIT without attribute
        "KEY EDIT k_abcdefghijklmnop",
        "MACHINE CREATE a=b",                 // unquoted positional with '='
        "KEY IMPORT label=x web abc==",       // the secret out of its place
        "MACHINE SHOW =web",
        "KEY CREATE web LABEL=x",             // uppercase attribute name is a positional
        "KEY CREATE web label=x Expires=2027-01-31T00:00:00Z",
        "label=x",                            // starts with an attribute
        #""PING""#,                           // starts with a quoted string
        "PING\t",
        #"MACHINE CREATE "a"b"#,
    ])
    func syntax(line: String) {
        #expect(protocolErrorCode { () throws(ProtocolError) in try parse(line) } == .syntax)
    }

    @Test("unknown commands", arguments: [
        "FOO", "MACHINE", "MACHINE FOO", "KEY", "KEY DELETE k_abcdefghijklmnop", "machine", "MACHINE \"CREATE\" x",
        "MACHINE label=x", "MACHINES LIST", "PINGG", "LOGIN root", "MACHINECREATE web",
    ])
    func unknownCommand(line: String) {
        #expect(protocolErrorCode { () throws(ProtocolError) in try parse(line) } == .unknownCommand)
    }

    @Test("MACHINE alone lists the sub-commands")
    func groupMessage() throws {
        let error = try #require(protocolError { () throws(ProtocolError) in try parse("MACHINE") })
        for sub in ["CREATE", "LIST", "SHOW", "EDIT", "DELETE"] { #expect(error.message.contains(sub)) }
    }

    /// protocol.md: "The verb (first one or two words) is case-insensitive ASCII." Non-ASCII letters
    /// whose Unicode uppercase is an ASCII letter (dotless ı → I, long ſ → S) must not make a verb.
    @Test("verbs are case-insensitive in ASCII only", arguments: ["pıng", "ſtats", "machıne list", "ſTATS", "quıt", "key lıst web"])
    func nonASCIIVerb(line: String) {
        #expect(protocolErrorCode { () throws(ProtocolError) in try parse(line) } == .unknownCommand)
    }

    @Test("unknown command messages do not echo control characters or long text")
    func sanitizedMessage() throws {
        let long = String(repeating: "X", count: 300)
        let error = try #require(protocolError { () throws(ProtocolError) in try parse(long) })
        #expect(error.code == .unknownCommand)
        #expect(error.message.utf8.count < 100)
        #expect(Request.sanitized("a\u{85}b") == "a?b")
    }

    @Test("error messages say what is wrong")
    func messages() throws {
        let missing = try #require(protocolError { () throws(ProtocolError) in try parse("KEY CREATE web") })
        #expect(missing.message.contains("label="))
        let repeated = try #require(protocolError { () throws(ProtocolError) in try parse("AUDIT limit=1 limit=2") })
        #expect(repeated.message.contains("limit="))
        let unknown = try #require(protocolError { () throws(ProtocolError) in try parse("MACHINE CREATE web colour=red") })
        #expect(unknown.message.contains("colour"))
        let needs = try #require(protocolError { () throws(ProtocolError) in try parse("MACHINE SHOW") })
        #expect(needs.message.contains("<machine>"))
    }

    /// No part of a token that may be a secret is echoed, wherever the client put it.
    @Test("errors on lines that carry a secret never quote a token", arguments: [
        "VERIFY abc=SECRETPART ip=1 zzz=SECRETPART",
        "VERIFY SECRETPART ip=1 SECRETPART=",
        "VERIFY SECRETPART SECRETPART=x",
        "KEY IMPORT web SECRETPART=x label=l SECRETPART=",
        "KEY IMPORT web x=SECRETPART SECRETPART=x",
        "KEY IMPORT web label=x SECRETPART=",
        "VERIFY \"SECRETPART\" SECRET=PART",
    ])
    func secretsAreNotEchoed(line: String) throws {
        let error = try #require(protocolError { () throws(ProtocolError) in try parse(line) })
        #expect(!error.message.contains("SECRET"), "\(error.message)")
    }

    @Test("encoded() parses back to the same request", arguments: [
        Request(verb: .ping),
        Request(verb: .machineCreate, arguments: ["web server"], attributes: ["description": "line\nwith \"quotes\" and \\", "roles": "a,b"]),
        Request(verb: .machineCreate, arguments: ["a=b"]),
        Request(verb: .machineCreate, arguments: [""], attributes: ["organization": ""]),
        Request(verb: .machineEdit, arguments: ["Clé production"], attributes: ["name": "x=y", "status": "inactive"]),
        Request(verb: .keyCreate, arguments: ["m_abcdefghijklmnop"], attributes: ["label": "tab\there", "expires": ""]),
        Request(verb: .verify, arguments: ["abc\"def\\ghi=jkl"], attributes: ["ip": "::1"]),
        Request(verb: .keyImport, arguments: ["web", "abc=="], attributes: ["label": "l"]),
        Request(verb: .audit, attributes: ["machine": "web server", "after": "3", "limit": "10"]),
    ])
    func encodedRoundTrip(request: Request) throws {
        #expect(try Request.parse(request.encoded()) == request)
    }

    @Test("verb properties")
    func verbProperties() {
        #expect(Verb.allCases.count == 42)
        #expect(Verb.allCases.filter(\.isWrite) == [.machineCreate, .machineEdit, .machineDelete, .keyCreate, .keyEdit, .keyImport, .importCommit,
                                                    .roleCreate, .roleEdit, .roleDelete, .groupCreate, .groupEdit, .groupDelete, .keyRotate])
        #expect(Verb.keyRotate.attributes == ["grace", "label"])
        #expect(Verb.usage.arguments == ["key-id"])
        #expect(Verb.keyImport.arguments == ["machine", "secret"])
        #expect(Verb.importKey.requiredAttributes == ["id", "machine", "label", "hash"])
        #expect(Verb.importDay.requiredAttributes == ["key", "date"] && Verb.importAddress.rawValue == "IMPORT IP")
        #expect(Verb.importAlert.attributes.isSuperset(of: ["seq", "time", "kind", "key", "machine", "ip", "details", "calls", "median"]))
        #expect(Verb.keyCreate.requiredAttributes == ["label"])
        #expect(Verb.allCases.filter(\.needsAnAttribute) == [.machineEdit, .keyEdit, .roleEdit, .groupEdit])
        #expect(Verb.roleCreate.attributes == ["description", "rights", "perimeter", "protected"])
        #expect(Verb.groupEdit.attributes == ["name", "description", "roles", "perimeter", "protected"])
    }
}
