@testable import PapaoursServer
import Testing

@Suite struct GateConfigurationTests {
    @Test func gateListeners() throws {
        let parsed = try ConfigurationFile.parse("http-socket /run/papaours/http.sock\nhttp-listen 127.0.0.1:8181\nhttp-listen [::1]:8181\nhttp-listen 127.1.2.3:80\n", file: "t.conf")
        let c = parsed.configuration
        #expect(c.httpSocketPath == "/run/papaours/http.sock")
        #expect(c.httpListen.map(\.description) == ["127.0.0.1:8181", "[::1]:8181", "127.1.2.3:80"])
    }

    @Test(arguments: [
        ("http-listen 0.0.0.0:8181", "t.conf:1: http-listen: 0.0.0.0 is not a loopback address"),
        ("http-listen 192.168.1.2:8181", "t.conf:1: http-listen: 192.168.1.2 is not a loopback address"),
        ("http-listen [::]:8181", "t.conf:1: http-listen: :: is not a loopback address"),
        ("http-listen localhost:8181", "t.conf:1: http-listen: localhost is not an IP address"),
        ("http-listen 127.0.0.1", "t.conf:1: http-listen: \"127.0.0.1\" is not ADDRESS:PORT"),
        ("http-listen 127.0.0.1:0", "t.conf:1: http-listen: the port of \"127.0.0.1:0\" must be a number from 1 to 65535"),
        ("http-listen ::1:8181", "t.conf:1: http-listen: \"::1:8181\" is not ADDRESS:PORT"),
        ("http-socket", "t.conf:1: http-socket takes exactly one value, got 0"),
    ])
    func wrongListenersAreErrorsWithTheirLine(line: String, expected: String) {
        #expect(throws: ConfigurationFile.Errors.self) { try ConfigurationFile.parse(line + "\n", file: "t.conf") }
        do {
            _ = try ConfigurationFile.parse(line + "\n", file: "t.conf")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test func theGateSocketIsNotTheMainOne() {
        do {
            _ = try ConfigurationFile.parse("socket /run/p.sock\nhttp-socket /run/p.sock\n", file: "t.conf")
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix("t.conf:2: http-socket /run/p.sock is the main socket's path"))
        }
    }

    @Test func aListenerGivenTwiceIsAnError() {
        #expect(throws: ConfigurationFile.Errors.self) {
            try ConfigurationFile.parse("http-listen 127.0.0.1:1\nhttp-listen 127.0.0.1:1\n", file: "t.conf")
        }
    }
}
