import Foundation
import PapaoursClient
import PapaoursCore
import PapaoursProtocol
import Testing

/// PapaoursClient against the real papaoursd: typed records, errors, pipelining, threads.
@Suite(.serialized)
struct ClientLibraryTests {
    /// A well-formed secret (`papa_` + 32 × "A" + its checksum) that no daemon has.
    static let unknownSecret = "papa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA4SrTZ9"

    @Test func typedRecordsAndVerifyResults() throws {
        let daemon = try Daemon()
        let client = daemon.client
        let made = try makeMachineWithKey(on: daemon, name: "build-server", label: "CI runner",
                                          description: "Builds\nit", organization: "Ops", roles: ["ci", "deploy"])
        let machine = try client.machineShow("build-server")
        #expect(machine == made.machine)
        #expect(machine.description == "Builds\nit" && machine.organization == "Ops" && machine.roles == ["ci", "deploy"])
        #expect(machine.status == .active && machine.keys == 1 && machine.createdBy == "root")
        let keys = try client.keyList("build-server")
        #expect(keys.map(\.id) == [made.key.id])
        #expect(keys[0].label == "CI runner" && keys[0].machine == machine.id && keys[0].status == .active)
        #expect(keys[0].expires == nil && keys[0].lastUsed == nil && keys[0].uses == 0)

        guard case .valid(let valid) = try client.verify(made.secret, ip: "10.0.0.1") else {
            Issue.record("expected a valid key"); return
        }
        #expect(valid.machine == machine.id && valid.name == "build-server" && valid.key == made.key.id)
        #expect(valid.label == "CI runner" && valid.organization == "Ops" && valid.roles == ["ci", "deploy"])
        #expect(try client.keyEdit(made.key.id.value, status: .inactive).status == .inactive)
        #expect(try reason(client.verify(made.secret)) == .inactiveKey)
        _ = try client.keyEdit(made.key.id.value, status: .active)
        _ = try client.machineEdit("build-server", status: .inactive)
        #expect(try reason(client.verify(made.secret)) == .inactiveMachine)
        #expect(try reason(client.verify(Self.unknownSecret)) == .unknownKey)
        #expect(try reason(client.verify("papa_nope")) == .malformedKey)

        let expires = Timestamp(seconds: Timestamp.now().seconds + 86400)
        #expect(try client.keyCreate("build-server", label: "later", expires: expires).key.expires == expires)
        let stats = try client.stats()
        #expect(stats.machines == 1 && stats.keys == 2 && stats.verifyOK == 1 && stats.verifyDenied == 4)
        let hello = try client.hello()
        #expect(hello.server == "papaoursd" && hello.protocolVersion == "1.1" && hello.uid == 0 && hello.user == "root")
        #expect(hello.permissionNames == ["machines.read", "machines.write", "keys.verify", "audit.read", "rights.admin"])
    }

    @Test func refusalsAndBadRequestsAreTypedErrors() throws {
        let daemon = try Daemon()
        let client = daemon.client
        let made = try makeMachineWithKey(on: daemon)
        let missing = #expect(throws: ClientError.self) { try client.keyShow("k_aaaaaaaaaaaaaaaa") }
        #expect(missing?.code == .refused && missing?.replyCode == "not-found")
        let exists = #expect(throws: ClientError.self) { try client.machineCreate("BILLING-API") }
        #expect(exists?.code == .refused && exists?.replyCode == "exists")
        let invalid = #expect(throws: ClientError.self) { try client.keyCreate("billing-api", label: "") }
        #expect(invalid?.code == .refused && invalid?.replyCode == "invalid")
        let bad = #expect(throws: ClientError.self) { try client.machineEdit("billing-api") }
        #expect(bad?.code == .bad && bad?.replyCode == "syntax")

        let events = try client.audit(machine: "billing-api")
        #expect(events.map(\.action) == ["machine.create", "key.create"])
        #expect(events.allSatisfy { $0.user == "root" && $0.uid == 0 && $0.machine == made.machine.id.value })
        #expect(try client.audit(after: 1, limit: 1).map(\.seq) == [2])
        #expect(try client.machineDelete("billing-api") == made.machine.id)
        #expect(try client.machineList().isEmpty)
        #expect(try client.audit().last?.action == "machine.delete")
    }

    @Test func valuesTheProtocolCannotCarryAreRefusedNotAltered() throws {
        let daemon = try Daemon()
        let client = daemon.client
        let escape = #expect(throws: ClientError.self) { try client.machineCreate("web", description: "in \u{1B}[31mred") }
        #expect(escape?.code == .refused && escape?.replyCode == "invalid")
        #expect(escape?.detail == "description= contains the control character U+001B, which the protocol cannot carry")
        #expect(throws: ClientError.self) { try client.machineCreate("nul\u{0}") }
        #expect(try client.machineList().isEmpty, "nothing was stored, altered or not")
        #expect(try client.machineCreate("web", description: "two\nlines\tand a tab").description == "two\nlines\tand a tab")

        #expect(try reason(client.verify(String(repeating: "a", count: 9000))) == .malformedKey, "not BAD too-long")
        #expect(try reason(client.verify(String(repeating: "a", count: 257))) == .malformedKey)
        #expect(try reason(client.verify("papa_\u{1B}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")) == .malformedKey)
        try client.ping()
    }

    @Test func pipelinedRepliesComeBackInRequestOrder() throws {
        let daemon = try Daemon()
        let client = daemon.client
        let names = (0..<30).map { "m\($0)" }
        let created = try client.send(pipelined: names.map { Request(verb: .machineCreate, arguments: [$0]) })
        #expect(created.filter { !$0.isOK }.isEmpty)
        // Enough requests to need several write windows.
        let requests = (0..<3000).map { Request(verb: .machineShow, arguments: [names[$0 % 30]]) }
        let replies = try client.send(pipelined: requests)
        #expect(replies.map { $0.final["name"] } == (0..<3000).map { names[$0 % 30] })
        #expect(try client.stats().connections == 1)
    }

    @Test func concurrentCallersShareOneConnectionSafely() async throws {
        let daemon = try Daemon()
        let client = daemon.client
        for task in 0..<8 { _ = try client.machineCreate("task-\(task)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for _ in 0..<50 {
                        let name = try client.machineShow("task-\(task)").name
                        #expect(name == "task-\(task)")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try client.stats().connections == 1, "one connection for every caller")
    }

    @Test func unreachableDaemonsAndOversizedRequestsAreTyped() throws {
        let daemon = try Daemon()
        let nobodyThere = daemon.directory + "/nothing.sock"
        let missing = #expect(throws: ClientError.self) { try PapaoursClient(socketPath: nobodyThere).ping() }
        #expect(missing?.code == .notRunning && missing?.errno == ENOENT && missing?.socketPath == nobodyThere)
        #expect(missing?.isConnectionError == true)
        let long = #expect(throws: ClientError.self) { try PapaoursClient(socketPath: "/tmp/" + String(repeating: "x", count: 200)).connect() }
        #expect(long?.code == .pathTooLong)

        let client = daemon.client
        let tooLong = #expect(throws: ClientError.self) {
            _ = try client.send(Request(verb: .machineShow, arguments: [String(repeating: "y", count: 9000)]))
        }
        #expect(tooLong?.replyCode == "too-long")
        try client.ping()

        daemon.kill9()  // leaves its socket behind: connect(2) is refused
        let stale = #expect(throws: ClientError.self) { try client.ping() }
        #expect(stale?.code == .notRunning && stale?.errno == ECONNREFUSED)
    }

    private func reason(_ result: VerifyResult) -> VerifyRefusal.Reason? {
        if case .refused(let refusal) = result { return refusal.reason }
        return nil
    }
}
