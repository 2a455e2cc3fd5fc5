import PapaoursHTTP
import Testing

@Suite struct RequestParserTests {
    func parse(_ text: String) -> HTTPRequestParser.Result { HTTPRequestParser.parse(Array(text.utf8)) }

    func request(_ text: String) -> (HTTPRequest, Int)? {
        if case .request(let r, let n) = parse(text) { return (r, n) }
        return nil
    }

    func refusal(_ text: String) -> String? {
        if case .invalid(let e) = parse(text) { return e.message }
        return nil
    }

    @Test func aGetWithFieldsAndQuery() throws {
        let text = "GET /verify?require=a:read HTTP/1.1\r\nHost: gate\r\nX-API-KEY:  papa_x \t\r\n\r\nNEXT"
        let (r, length) = try #require(request(text))
        #expect(length == text.utf8.count - 4)
        #expect(r.method == "GET" && r.path == "/verify" && r.query == "require=a:read" && r.minorVersion == 1)
        #expect(r.value("x-api-key") == "papa_x")
        #expect(r.value("HOST") == "gate")
        #expect(r.keepAlive && r.contentLength == 0)
    }

    @Test func listFields() throws {
        let (r, _) = try #require(request("GET / HTTP/1.1\r\nX-Forwarded-For:  203.0.113.7 , 10.0.0.1\r\nX-Forwarded-For: 10.9.9.9\r\n\r\n"))
        #expect(r.firstListElement("x-forwarded-for") == "203.0.113.7")
        #expect(r.firstListElement("x-real-ip") == nil)
    }

    @Test func bareLineFeedsAndLeadingEmptyLines() throws {
        let (r, _) = try #require(request("\r\n\nHEAD /health HTTP/1.0\nConnection: keep-alive\n\n"))
        #expect(r.isHead && r.path == "/health" && r.minorVersion == 0 && r.keepAlive)
    }

    @Test func keepAliveRules() throws {
        #expect(try #require(request("GET / HTTP/1.0\r\n\r\n")).0.keepAlive == false)
        #expect(try #require(request("GET / HTTP/1.1\r\nConnection: Keep-Alive, CLOSE\r\n\r\n")).0.keepAlive == false)
    }

    @Test func incompleteHeads() {
        #expect(parse("") == .incomplete)
        #expect(parse("GET /verify HT") == .incomplete)
        #expect(parse("GET /verify HTTP/1.1\r\nHost: a\r\n") == .incomplete)
        #expect(parse("GET /verify HTTP/1.1\r\nHost: a\r\n\r") == .incomplete)
    }

    @Test func aBadRequestLineIsRefusedBeforeTheHeadEnds() {
        #expect(refusal("garbage\r\n")?.contains("METHOD TARGET") == true)
        #expect(refusal("GET /verify SPDY/3\r\n") == "not an HTTP/1.x request")
        #expect(refusal("GET /verify HTTP/2.0\r\n") == "not an HTTP/1.x request")
        #expect(refusal("GET  /verify HTTP/1.1\r\n") != nil)
        #expect(refusal("G(T /verify HTTP/1.1\r\n") == "the method is not a token")
        #expect(refusal("GET /v\u{7F} HTTP/1.1\r\n") != nil)
        #expect(refusal("GET /v\rx HTTP/1.1\r\n")?.contains("carriage return") == true)
    }

    @Test func badFields() {
        #expect(refusal("GET / HTTP/1.1\r\nHost : a\r\n\r\n")?.contains("header field 1 has an invalid name") == true)
        #expect(refusal("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n")?.contains("folded") == true)
        #expect(refusal("GET / HTTP/1.1\r\nnocolon\r\n\r\n") == "header field 1 has no colon")
        #expect(refusal("GET / HTTP/1.1\r\nA: b\u{01}c\r\n\r\n") == "header field 1 holds a control character")
        #expect(refusal("GET relative HTTP/1.1\r\n\r\n")?.contains("neither a path") == true)
    }

    @Test func theHeadLimitIs8192BytesBlankLineIncluded() {
        let line = "GET / HTTP/1.1\r\n"
        let filler = String(repeating: "a", count: 8192 - line.utf8.count - "X: \r\n\r\n".utf8.count)
        #expect(request(line + "X: " + filler + "\r\n\r\n") != nil)
        #expect(refusal(line + "X: " + filler + "a\r\n\r\n")?.contains("8192") == true)
        // Past the limit with no end in sight: refused without waiting for more.
        #expect(refusal(line + "X: " + String(repeating: "b", count: 9 * 1024))?.contains("8192") == true)
    }

    @Test func atMostOneHundredFieldsHostIncluded() {
        let fields = (1...99).map { "F\($0): v\r\n" }.joined()
        #expect(request("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n") != nil)
        #expect(refusal("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "F100: v\r\n\r\n") == "more than 100 header fields")
    }

    @Test func bodyFraming() throws {
        #expect(try #require(request("POST /verify HTTP/1.1\r\nContent-Length: 12\r\n\r\n")).0.contentLength == 12)
        #expect(try #require(request("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5, 5\r\n\r\n")).0.contentLength == 5)
        #expect(refusal("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")?.contains("twice") == true)
        #expect(refusal("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")?.contains("Content-Length") == true)
        #expect(try #require(request("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n")).0.chunked)
        #expect(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")?.contains("other than chunked") == true)
        #expect(refusal("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")?.contains("other than chunked") == true)
        #expect(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n") == "both Transfer-Encoding and Content-Length")
    }

    @Test func targetForms() throws {
        let (absolute, _) = try #require(request("GET http://gate:8080/verify?x=1#frag HTTP/1.1\r\n\r\n"))
        #expect(absolute.path == "/verify" && absolute.query == "x=1")
        #expect(try #require(request("GET http://gate HTTP/1.1\r\n\r\n")).0.path == "/")
        #expect(try #require(request("OPTIONS * HTTP/1.1\r\n\r\n")).0.path == "*")
    }
}
