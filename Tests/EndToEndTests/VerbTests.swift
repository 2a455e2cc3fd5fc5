import Foundation
import PapaoursCore
import PapaoursProtocol
import Testing

/// Every verb of protocol.md against the real daemon binary.
@Suite(.serialized)
struct VerbTests {
    @Test func helloPingQuit() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        let hello = c.call("HELLO")
        #expect(hello.isOK)
        #expect(hello["server"] == "papaoursd")
        #expect(hello["protocol"] == "1.1")
        #expect(hello["uid"] == String(getuid()))
        #expect(hello["permissions"] == "machines.read,machines.write,keys.verify,audit.read,rights.admin")
        #expect(c.request("PING") == ["OK"])
        #expect(c.request("ping") == ["OK"])
        #expect(c.request("QUIT") == ["OK"])
        #expect(c.isClosedByPeer())
    }

    @Test func machineLifecycle() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        let created = c.call(#"MACHINE CREATE "Billing API" description="Bills \"customers\"" organization=Acme roles=api,billing:read"#)
        #expect(created.isOK)
        let id = try #require(created["id"])
        #expect(MachineID(id) != nil)
        #expect(created["name"] == "Billing API")
        #expect(created["description"] == #"Bills "customers""#)
        #expect(created["organization"] == "Acme")
        #expect(created["roles"] == "api,billing:read")
        #expect(created["status"] == "active")
        #expect(created["keys"] == "0")
        #expect(created["created-by"] == "root" || getuid() != 0)
        #expect(Timestamp(rfc3339: created["created"] ?? "") != nil)

        let list = c.request("MACHINE LIST")
        #expect(list.count == 2)
        #expect(list[0].hasPrefix("MACHINE id=\(id) "))
        #expect(list[1] == "OK count=1")

        #expect(c.call("MACHINE SHOW \(id)")["name"] == "Billing API")
        #expect(c.call(#"MACHINE SHOW "Billing API""#)["id"] == id)
        #expect(c.call(#"MACHINE SHOW "billing api""#).code == "not-found")

        let edited = c.call(#"MACHINE EDIT \#(id) name=billing description= roles= status=inactive"#)
        #expect(edited.isOK)
        #expect(edited["name"] == "billing")
        #expect(edited["description"] == "")
        #expect(edited["roles"] == "")
        #expect(edited["status"] == "inactive")
        #expect(c.call("MACHINE EDIT \(id)").code == "syntax")

        #expect(c.call("MACHINE DELETE billing")["id"] == id)
        #expect(c.call("MACHINE SHOW \(id)").code == "not-found")
        #expect(c.request("MACHINE LIST") == ["OK count=0"])
    }

    @Test func keyLifecycleAndVerify() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        let machine = try #require(c.call("MACHINE CREATE web organization=Acme roles=api")["id"])
        #expect(c.request("KEY LIST web") == ["OK count=0"])
        let key = c.call(#"KEY CREATE web label="Clé production""#)
        #expect(key.isOK)
        let keyID = try #require(key["id"])
        let secret = try #require(key["secret"])
        #expect(secret.count == 43 && secret.hasPrefix("papa_"))
        #expect(key["label"] == "Clé production")
        #expect(key["machine"] == machine)
        #expect(key["last-used"] == "never")
        #expect(key["uses"] == "0")
        #expect(key["expires"] == "")

        let shown = c.call("KEY SHOW \(keyID)")
        #expect(shown["label"] == "Clé production")
        #expect(shown["secret"] == nil)
        let list = c.request("KEY LIST \(machine)")
        #expect(list.count == 2 && list[1] == "OK count=1")
        #expect(list[0].hasPrefix("KEY id=\(keyID) "))
        #expect(!list[0].contains(secret))
        #expect(c.call("MACHINE SHOW web")["keys"] == "1")

        let ok = c.call("VERIFY \(secret) ip=192.0.2.7")
        #expect(ok.isOK)
        #expect(ok["machine"] == machine)
        #expect(ok["name"] == "web")
        #expect(ok["key"] == keyID)
        #expect(ok["label"] == "Clé production")
        #expect(ok["organization"] == "Acme")
        #expect(ok["roles"] == "api")

        let edited = c.call(#"KEY EDIT \#(keyID) label="Clé rotée" status=inactive"#)
        #expect(edited["label"] == "Clé rotée")
        #expect(edited["status"] == "inactive")
        #expect(edited["secret"] == nil)
        #expect(c.call("KEY EDIT \(keyID)").code == "syntax")
    }

    @Test func usageIsRecordedWithinTheFlushInterval() throws {
        let daemon = try Daemon(config: ["usage-flush-interval 1"])
        let c = try daemon.connect()
        _ = c.call("MACHINE CREATE web")
        let key = c.call("KEY CREATE web label=k")
        let secret = try #require(key["secret"])
        for _ in 0..<3 { #expect(c.call("VERIFY \(secret) ip=10.1.2.3").isOK) }
        var shown = c.call("KEY SHOW \(key["id"]!)")
        let deadline = Date().addingTimeInterval(5)
        while shown["uses"] != "3" && Date() < deadline {
            usleep(200_000)
            shown = c.call("KEY SHOW \(key["id"]!)")
        }
        #expect(shown["uses"] == "3")
        #expect(shown["last-ip"] == "10.1.2.3")
        #expect(Timestamp(rfc3339: shown["last-used"] ?? "") != nil)
    }

    @Test func auditJournalsEveryWriteWithActorAndOldAndNew() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        let machine = try #require(c.call("MACHINE CREATE web")["id"])
        let key = try #require(c.call("KEY CREATE web label=one")["id"])
        _ = c.call("KEY EDIT \(key) label=two status=inactive")
        _ = c.call("MACHINE EDIT web organization=Acme")
        _ = c.call("MACHINE CREATE other")
        _ = c.call("MACHINE DELETE web")
        let events = c.request("AUDIT")
        #expect(events.last == "OK count=6")
        let parsed = try events.dropLast().map { try ReplyLine.parse(Array($0.utf8)) }
        #expect(parsed.map { $0["action"] } == ["machine.create", "key.create", "key.edit", "machine.edit", "machine.create", "machine.delete"])
        #expect(parsed.map { $0["seq"] } == ["1", "2", "3", "4", "5", "6"])
        #expect(parsed.allSatisfy { $0["uid"] == String(getuid()) && $0["user"] != nil && $0["time"] != nil })
        let keyEdit = parsed[2]["details"] ?? ""
        #expect(keyEdit.contains(#"label "one" -> "two""#))
        #expect(keyEdit.contains(#"status "active" -> "inactive""#))
        #expect(parsed[3]["details"]?.contains(#"organization "" -> "Acme""#) == true)

        let ofWeb = c.request("AUDIT machine=\(machine)")
        #expect(ofWeb.last == "OK count=5")
        let page = c.request("AUDIT after=2 limit=2")
        #expect(page.count == 3 && page[0].contains("seq=3") && page[1].contains("seq=4"))
        #expect(c.call("AUDIT limit=0").code == "invalid")
        #expect(c.call("AUDIT after=x").code == "invalid")
        #expect(c.call("AUDIT machine=nosuch").code == "not-found")
    }

    @Test func statsCounts() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        _ = c.call("MACHINE CREATE web")
        let secret = try #require(c.call("KEY CREATE web label=k")["secret"])
        _ = c.call("VERIFY \(secret)")
        _ = c.call("VERIFY papa_nope")
        let stats = c.call("STATS")
        #expect(stats["machines"] == "1")
        #expect(stats["keys"] == "1")
        #expect(stats["verify-ok"] == "1")
        #expect(stats["verify-denied"] == "1")
        #expect(stats["connections"] == "1")
        #expect(stats["uptime"] != nil)
    }

    @Test func restartKeepsEveryRecord() throws {
        let daemon = try Daemon()
        var c = try daemon.connect()
        let machine = try #require(c.call(#"MACHINE CREATE "Clé web" roles=a"#)["id"])
        let key = c.call("KEY CREATE \(machine) label=persisted")
        let secret = try #require(key["secret"])
        _ = c.call("KEY EDIT \(key["id"]!) label=renamed")
        #expect(daemon.stop() == 0)
        try daemon.start()
        c = try daemon.connect()
        #expect(c.call("MACHINE SHOW \(machine)")["name"] == "Clé web")
        #expect(c.call("KEY SHOW \(key["id"]!)")["label"] == "renamed")
        #expect(c.call("VERIFY \(secret)")["key"] == key["id"])
        #expect(c.request("AUDIT").last == "OK count=4", "role a, the machine, the key, its edit")
    }
}
