import Foundation
import PapaoursClient
import PapaoursCore
import Testing

/// `--json` output of every command is one JSON document with the protocol's attribute names.
@Suite(.serialized)
struct CtlJSONTests {
    static let machineNames: Set = ["id", "name", "description", "organization", "roles", "status", "created", "created-by", "updated", "keys",
                                    "groups", "protected", "rights"]
    static let keyNames: Set = ["id", "machine", "label", "status", "created", "created-by", "updated", "expires", "last-used", "uses"]
    static let eventNames: Set = ["seq", "time", "uid", "user", "action", "target"]

    @Test func everyCommandPrintsJSONWithTheProtocolsNames() throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon)
        func json(_ arguments: String..., stdin: String? = nil, status: Int32 = 0) throws -> CtlRun {
            let run = try ctl.run(["--json"] + arguments, stdin: stdin)
            #expect(run.status == status, "\(arguments): \(run)")
            return run
        }
        let machine = try json("machine", "create", "billing-api", "--organization", "Acme", "--role", "a", "--role", "b").object()
        expectMachine(machine)
        #expect(machine["name"] as? String == "billing-api" && machine["roles"] as? [String] == ["a", "b"])
        #expect(machine["status"] as? String == "active" && machine["keys"] as? Int == 0)
        let id = try #require(machine["id"] as? String)
        expectMachine(try #require(try json("machine", "list").array().first))
        expectMachine(try json("machine", "edit", id, "--description", "Invoices").object())

        let created = try json("key", "create", "billing-api", "--label", "production").object()
        expectKey(created)
        let secret = try #require(created["secret"] as? String)
        #expect(secret.count == 43 && created["expires"] is NSNull && created["last-used"] is NSNull)
        let keyID = try #require(created["id"] as? String)
        let shown = try json("key", "show", keyID).object()
        expectKey(shown)
        #expect(shown["secret"] == nil && shown["uses"] as? Int == 0)
        expectKey(try #require(try json("key", "list", "billing-api").array().first))
        #expect(try json("key", "edit", keyID, "--label", "prod").object()["label"] as? String == "prod")
        #expect(try json("key", "disable", keyID).object()["status"] as? String == "inactive")
        #expect(try json("key", "enable", keyID).object()["status"] as? String == "active")
        let page = try json("machine", "show", id).object()
        expectMachine(try #require(page["machine"] as? [String: Any]))
        #expect((page["keys"] as? [[String: Any]])?.map { $0["id"] as? String } == [keyID])
        let file = daemon.directory + "/key"
        let toFile = try json("key", "create", id, "--label", "file", "--output", file).object()
        #expect(toFile["secret-file"] as? String == file && toFile["secret"] == nil)

        let valid = try json("verify", stdin: secret + "\n").object()
        #expect(valid["valid"] as? Bool == true && valid["machine"] as? String == id && valid["key"] as? String == keyID)
        #expect(valid["name"] as? String == "billing-api" && valid["roles"] as? [String] == ["a", "b"] && valid["label"] as? String == "prod")
        let refused = try json("verify", stdin: "papa_nope\n", status: 1).object()
        #expect(refused["valid"] as? Bool == false && refused["code"] as? String == "malformed-key" && refused["text"] is String)

        let events = try json("audit", "--machine", id, "--limit", "2", "--after", "0").array()
        #expect(events.count == 2 && events.allSatisfy { Self.eventNames.isSubset(of: $0.keys) })
        #expect(events.count == 2 && events[0]["action"] as? String == "machine.create")
        // Without --after, the newest events, still oldest first.
        let all = try json("audit", "--machine", id, "--after", "0", "--limit", "1000").array().compactMap { $0["seq"] as? Int }
        let newest = try json("audit", "--machine", id, "--limit", "2").array().compactMap { $0["seq"] as? Int }
        #expect(all.count > 2 && newest == Array(all.suffix(2)))
        #expect(try json("audit", "--before", "2").array().compactMap { $0["seq"] as? Int } == [1])
        _ = try json("audit", "--after", "1", "--before", "5", status: 2)
        #expect(try json("audit", "--after", "99").array().isEmpty)

        let status = try json("status").object()
        let hello = try #require(status["hello"] as? [String: Any]), stats = try #require(status["stats"] as? [String: Any])
        #expect(status["socket"] as? String == daemon.socketPath && hello["server"] as? String == "papaoursd")
        #expect(hello["protocol"] as? String == "1.1" && hello["uid"] as? Int == 0 && (hello["permissions"] as? [String])?.count == 5)
        #expect(stats["machines"] as? Int == 1 && stats["keys"] as? Int == 2 && stats["verify-ok"] as? Int == 1)

        #expect(try json("machine", "delete", id, "--yes").object()["id"] as? String == id)
        #expect(try json("machine", "list").array().isEmpty)
        #expect(try json("key", "list", id, status: 1).stdout.isEmpty, "errors go to stderr, not into the document")
    }

    private func expectMachine(_ object: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Set(object.keys) == Self.machineNames, sourceLocation: sourceLocation)
        #expect(object["roles"] is [String] && object["keys"] is Int, sourceLocation: sourceLocation)
    }

    private func expectKey(_ object: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Self.keyNames.isSubset(of: object.keys), "\(object.keys.sorted())", sourceLocation: sourceLocation)
        #expect(object["uses"] is Int && object["status"] is String, sourceLocation: sourceLocation)
    }
}
