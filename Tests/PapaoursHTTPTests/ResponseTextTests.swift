import PapaoursHTTP
import Testing

@Suite struct ResponseTextTests {
    @Test func aResponseCarriesItsLengthAndConnectionState() {
        let response = HTTPResponse(status: 401, fields: [("X-Papaours-Reason", "unknown-key")], body: Array("{}\n".utf8))
        let kept = String(decoding: response.serialized(minorVersion: 1, keepAlive: true), as: UTF8.self)
        #expect(kept == "HTTP/1.1 401 Unauthorized\r\nX-Papaours-Reason: unknown-key\r\nContent-Length: 3\r\n\r\n{}\n")
        let closed = String(decoding: response.serialized(minorVersion: 1, keepAlive: false), as: UTF8.self)
        #expect(closed.contains("\r\nConnection: close\r\n"))
        let old = String(decoding: response.serialized(minorVersion: 0, keepAlive: true, head: true), as: UTF8.self)
        #expect(old.hasSuffix("Content-Length: 3\r\nConnection: keep-alive\r\n\r\n"))
    }

    @Test func headerValuesArePercentEncodedExactly() {
        #expect(HTTPText.headerValue("Acme") == "Acme")
        #expect(HTTPText.headerValue("100% é\n") == "100%25 %C3%A9%0A")
        #expect(HTTPText.percentDecoded(Substring(HTTPText.headerValue("100% é\n~+"))) == "100% é\n~+", "a + stays a + in a header value")
    }

    @Test func jsonStrings() {
        #expect(HTTPText.jsonString("say \"hi\"\\\n\u{01}") == "\"say \\\"hi\\\"\\\\\\n\\u0001\"")
    }

    @Test func queryParameters() {
        #expect(HTTPText.queryValues("require=a:read%2Cb:write&x=1&require=c:read", named: "require") == ["a:read,b:write", "c:read"])
        #expect(HTTPText.queryValues("require", named: "require") == [""])
        #expect(HTTPText.queryValues("x=1", named: "require") == [])
        #expect(HTTPText.queryValues("q=a+b%2B", named: "q") == ["a b+"], "a + is a space in a query")
        #expect(HTTPText.queryValues("require=%zz", named: "require") == nil)
        #expect(HTTPText.queryValues("require=%FF", named: "require") == nil)
    }
}
