import PapaoursProtocol
import Testing
@testable import PapaoursClient

/// Reading replies into records, without a socket: what the real daemon never sends.
@Suite struct ReplyTests {
    static let machine = #"id=m_abcdefghij012345 name=build-server description="Builds\nit" organization=Ops roles=ci,deploy status=active created=2026-11-28T22:46:38Z created-by=alice updated=2026-11-28T22:46:38Z keys=1"#

    private func line(_ text: String) throws -> ReplyLine { try ReplyLine.parse(Array(text.utf8)) }

    @Test func listingsAreChecked() throws {
        let item = try line("MACHINE " + Self.machine)
        #expect(try Reply(items: [item], final: line("OK count=1")).listing(of: "MACHINE").count == 1)
        let short = #expect(throws: ClientError.self) { try Reply(items: [item], final: line("OK count=2")).listing(of: "MACHINE") }
        #expect(short?.code == .protocolViolation)
        let uncounted = #expect(throws: ClientError.self) { try Reply(items: [], final: line("OK")).listing(of: "MACHINE") }
        #expect(uncounted?.code == .protocolViolation)
        let wrongType = #expect(throws: ClientError.self) { try Reply(items: [item], final: line("OK count=1")).listing(of: "KEY") }
        #expect(wrongType?.code == .protocolViolation)
        #expect(throws: ClientError.refused("forbidden", "no")) { try Reply(items: [], final: line("NO forbidden no")).listing(of: "KEY") }
    }

    @Test func recordsAreTypedAndMalformedOnesNamed() throws {
        let machine = try Machine(line("OK " + Self.machine))
        #expect(machine.description == "Builds\nit" && machine.roles == ["ci", "deploy"] && machine.keys == 1)
        let stats = #expect(throws: ClientError.self) { try ServerStats(line("OK uptime=x")) }
        #expect(stats?.code == .protocolViolation && stats?.detail.contains("uptime") == true)
        let missing = #expect(throws: ClientError.self) { try Machine(line("OK id=m_abcdefghij012345")) }
        #expect(missing?.detail == "reply without name=")
    }
}
