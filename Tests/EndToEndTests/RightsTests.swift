import Foundation
import PapaoursClient
import PapaoursProtocol
import Testing

/// Rights end to end (protocol.md, "Rights: roles, groups, perimeters", "VERIFY with rights").
@Suite struct RightsTests {
    /// The guide's example, made on `c`: the machine "Service de facturation" of "CFA Jean Bosco".
    static func guideExample(_ c: LineConnection) throws -> (machine: String, secret: String) {
        #expect(c.call("ROLE CREATE lecteur-contrats rights=contrats:read perimeter=\"CFA Jean Bosco,Lycée Voltaire\"").isOK)
        #expect(c.call("ROLE CREATE facturier rights=factures:write description=\"Écrit les factures\"").isOK)
        #expect(c.call("ROLE CREATE formateur rights=formations:read,formations:write").isOK)
        #expect(c.call("GROUP CREATE facturation roles=lecteur-contrats,facturier perimeter=\"CFA Jean Bosco\"").isOK)
        let machine = c.call("MACHINE CREATE \"Service de facturation\" organization=\"CFA Jean Bosco\" groups=facturation")
        #expect(machine.isOK && machine["rights"] == "contrats:read,factures:write" && machine["groups"] == "facturation")
        let secret = try #require(c.call("KEY CREATE \"Service de facturation\" label=Production")["secret"])
        return (try #require(machine["id"]), secret)
    }

    @Test func everyVerbAndTheGuidesExample() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        let (machine, secret) = try Self.guideExample(c)
        let ok = c.call("VERIFY \(secret) require=contrats:read,factures:write")
        #expect(ok.isOK && ok["machine"] == machine && ok["groups"] == "facturation" && ok["rights"] == "contrats:read,factures:write")
        #expect(ok["roles"] == "", "roles= keeps its version-1 meaning: the roles held directly")
        let refused = c.call("VERIFY \(secret) require=formations:read")
        #expect(refused.code == "missing-right" && refused.text.contains("formations:read"))

        let show = c.call("ROLE SHOW facturier")
        #expect(show["rights"] == "factures:write" && show["perimeter"] == "*" && show["protected"] == "no" && show["machines"] == "0")
        #expect(show["description"] == "Écrit les factures" && show["created-by"] != nil)
        let group = c.call("GROUP SHOW facturation")
        #expect(group["roles"] == "lecteur-contrats,facturier" && group["perimeter"] == "CFA Jean Bosco" && group["machines"] == "1")
        #expect(c.request("ROLE LIST").map { $0.split(separator: " ").first.map(String.init) ?? "" } == ["ROLE", "ROLE", "ROLE", "OK"])
        #expect(c.request("GROUP LIST").last == "OK count=1")
        #expect(c.call("ROLE EDIT facturier name=facturiere").isOK)
        #expect(c.call("GROUP SHOW facturation")["roles"] == "lecteur-contrats,facturiere", "a rename follows into the groups")
        #expect(c.call("GROUP EDIT facturation roles=facturiere")["roles"] == "facturiere")
        #expect(c.call("MACHINE SHOW \(machine)")["rights"] == "factures:write")
        // Refusals, each with its code.
        #expect(c.call("ROLE CREATE facturiere").code == "exists")
        #expect(c.call("ROLE CREATE \"bad name\"").code == "invalid")
        #expect(c.call("ROLE CREATE r rights=contrats:lire").code == "invalid")
        #expect(c.call("ROLE CREATE r perimeter=,").code == "invalid")
        #expect(c.call("ROLE CREATE r protected=maybe").code == "invalid")
        #expect(c.call("ROLE SHOW nope").code == "not-found")
        #expect(c.call("ROLE EDIT nope description=x").code == "not-found")
        #expect(c.call("ROLE EDIT facturiere").code == "syntax")
        #expect(c.call("GROUP CREATE g roles=nope").code == "not-found")
        #expect(c.call("MACHINE EDIT \(machine) groups=nope").code == "not-found")
        #expect(c.call("ROLE DELETE facturiere").code == "invalid", "held by a group")
        #expect(c.call("GROUP DELETE facturation").code == "invalid", "held by a machine")
        #expect(c.call("MACHINE EDIT \(machine) groups=").isOK)
        #expect(c.call("GROUP DELETE facturation")["name"] == "facturation")
        #expect(c.call("ROLE DELETE facturiere")["name"] == "facturiere")
        #expect(c.call("ROLE SHOW facturiere").code == "not-found")
        let journal = c.request("AUDIT limit=1000").joined(separator: "\n")
        for action in ["role.create", "role.edit", "role.delete", "group.create", "group.edit", "group.delete"] {
            #expect(journal.contains("action=\(action)"), "\(action) is journaled")
        }
        #expect(journal.contains("old-name=facturier new-name=facturiere"))
    }

    @Test func aRightTakenAwayIsMissingOnTheVeryNextVerifyOnAnyConnection() throws {
        let daemon = try Daemon()
        let admin = try daemon.connect(), service = try daemon.connect()
        let (machine, secret) = try Self.guideExample(admin)
        for _ in 0..<3 { #expect(service.call("VERIFY \(secret) require=factures:write").isOK) }  // cached on the loop
        #expect(admin.call("ROLE EDIT facturier rights=factures:read").isOK)
        #expect(service.call("VERIFY \(secret) require=factures:write").code == "missing-right")
        #expect(service.call("VERIFY \(secret) require=factures:read").isOK)
        // A moved machine loses what its new organisation is outside of, at once.
        #expect(admin.call("MACHINE EDIT \(machine) organization=\"Lycée Voltaire\"")["rights"] == "")
        #expect(service.call("VERIFY \(secret) require=contrats:read").code == "missing-right")
        #expect(admin.call("MACHINE EDIT \(machine) organization=\"CFA Jean Bosco\"")["rights"] == "contrats:read,factures:read")
        #expect(service.call("VERIFY \(secret) require=contrats:read").isOK)
    }

    @Test func exportAndImportCarryRolesAndGroups() throws {
        let source = try Daemon()
        let (machine, secret) = try Self.guideExample(try source.connect())
        let exported = try source.client.export()
        #expect(exported.roles.count == 3 && exported.groups.count == 1)
        let copy = try Daemon()
        let report = try copy.client.importRecords(exported)
        #expect(report.rolesAdded == 3 && report.groupsAdded == 1 && report.machinesAdded == 1)
        let c = try copy.connect()
        #expect(c.call("MACHINE SHOW \(machine)")["rights"] == "contrats:read,factures:write")
        #expect(c.call("VERIFY \(secret) require=contrats:read,factures:write").isOK)
        #expect(c.call("GROUP SHOW facturation")["perimeter"] == "CFA Jean Bosco")
        let again = try copy.client.importRecords(exported)
        #expect(again.rolesSkipped == 3 && again.groupsSkipped == 1 && again.machinesSkipped == 1)
    }

    @Test func roleEditsWhileKeysAreVerifiedGiveOneAnswerOrTheOther() throws {
        let daemon = try Daemon()
        let admin = try daemon.connect()
        _ = try Self.guideExample(admin)
        let secret = try #require(admin.call("KEY CREATE \"Service de facturation\" label=Test")["secret"])
        let stop = LockedFlag()
        let checker = Thread {
            guard let c = try? daemon.connect() else { return }
            while !stop.isSet {
                let reply = c.call("VERIFY \(secret) require=contrats:read")
                if !(reply.isOK || reply.code == "missing-right") { stop.fail("unexpected \(reply)") }
            }
        }
        checker.start()
        for i in 0..<40 {
            #expect(admin.call("ROLE EDIT lecteur-contrats rights=\(i % 2 == 0 ? "" : "contrats:read")").isOK)
        }
        stop.set()
        while !checker.isFinished { usleep(10_000) }
        #expect(stop.failure == nil, "\(stop.failure ?? "")")
        #expect(admin.call("VERIFY \(secret) require=contrats:read").isOK, "the last edit gave the right back")
    }
}

/// A flag and a failure shared with a checking thread.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private(set) var failure: String?

    var isSet: Bool { lock.withLock { flag } }
    func set() { lock.withLock { flag = true } }
    func fail(_ why: String) { lock.withLock { failure = failure ?? why; flag = true } }
}

/// Scoped grants and protected records, with real peers (needs root to run a client as nobody).
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root to run a client as another uid"))
struct ScopedGrantTests {
    static let nobody: UInt32 = 65534

    func asNobody(_ daemon: Daemon, _ lines: [String]) throws -> [String] {
        try runAsUser(uid: Self.nobody, gid: Self.nobody, socket: daemon.socketPath, lines: lines)
    }

    @Test func aScopedAdminSeesAndChangesOnlyItsOrganisations() throws {
        let daemon = try Daemon(config: ["grant user nobody all organization=\"CFA Jean Bosco\""])
        let admin = try daemon.connect()
        _ = try RightsTests.guideExample(admin)
        let other = try #require(admin.call("MACHINE CREATE Voltaire organization=\"Lycée Voltaire\"")["id"])
        _ = admin.call("KEY CREATE Voltaire label=k")
        let lines = try asNobody(daemon, [
            "HELLO", "MACHINE LIST", "MACHINE SHOW Voltaire", "KEY LIST Voltaire", "MACHINE EDIT Voltaire description=x",
            "MACHINE DELETE \(other)", "KEY CREATE Voltaire label=x", "MACHINE CREATE mine organization=\"Lycée Voltaire\"",
            "MACHINE EDIT \"Service de facturation\" organization=\"Lycée Voltaire\"", "ROLE CREATE mine",
            "MACHINE CREATE mine organization=\"CFA Jean Bosco\" roles=facturier", "AUDIT limit=1000", "EXPORT", "BACKUP",
        ])
        #expect(lines.last?.hasPrefix("NO forbidden a backup holds the machines of every organisation") == true, "\(lines.last ?? "")")
        #expect(lines[0].hasSuffix("permissions=machines.read,machines.write,keys.verify,audit.read"), "all leaves out rights.admin when scoped")
        #expect(lines[1].hasPrefix("MACHINE ") && lines[1].contains("Service") && lines[2] == "OK count=1")
        let rest = Array(lines.dropFirst(3))
        #expect(rest[0].hasPrefix("NO not-found") && rest[1].hasPrefix("NO not-found"), "another organisation's machine is absent")
        #expect(rest[2].hasPrefix("NO not-found") && rest[3].hasPrefix("NO not-found") && rest[4].hasPrefix("NO not-found"))
        #expect(rest[5].hasPrefix("NO forbidden"), "creating outside the scope")
        #expect(rest[6].hasPrefix("NO forbidden"), "moving out of the scope")
        #expect(rest[7].hasPrefix("NO forbidden"), "roles are not a scoped grant's")
        #expect(rest[8].hasPrefix("OK ") && rest[8].contains("rights=factures:write"))
        let audit = rest.dropFirst(9).prefix { !$0.hasPrefix("OK ") }
        #expect(!audit.isEmpty && audit.allSatisfy { !$0.contains(other) }, "the journal of its machines only")
        let export = rest.dropFirst(9 + audit.count + 1).dropLast()
        #expect(!export.contains { $0.contains("Voltaire") && $0.hasPrefix("MACHINE") })
        #expect(export.contains { $0.hasPrefix("MACHINE") && $0.contains("Service") })
        // The refusals are journaled as denied, with what was refused.
        let denied = admin.request("AUDIT limit=1000").filter { $0.contains("action=denied") }
        #expect(denied.count == 3, "\(denied)")
        #expect(denied.contains { $0.contains("outside the organisations your grants cover") })
    }

    @Test func protectedRecordsAreRefusedToAPlainWriterAndAllowedToRightsAdmin() throws {
        let daemon = try Daemon(config: ["grant user nobody machines.read,machines.write"])
        let admin = try daemon.connect()
        #expect(admin.call("ROLE CREATE admin-papaours rights=papaours:write protected=yes").isOK)
        #expect(admin.call("MACHINE CREATE systeme protected=yes roles=admin-papaours organization=Papaours")["rights"] == "papaours:write")
        #expect(admin.call("MACHINE CREATE ordinaire organization=Acme").isOK)
        let lines = try asNobody(daemon, [
            "MACHINE EDIT systeme description=x", "MACHINE DELETE systeme", "KEY CREATE systeme label=x",
            "ROLE EDIT admin-papaours rights=", "ROLE DELETE admin-papaours", "MACHINE EDIT ordinaire roles=admin-papaours",
            "ROLE CREATE mien protected=yes", "MACHINE EDIT ordinaire protected=yes", "MACHINE EDIT ordinaire description=ok",
        ])
        #expect(lines.count == 9)
        for line in lines.prefix(8) { #expect(line.hasPrefix("NO forbidden") && line.contains("rights.admin"), "\(line)") }
        #expect(lines[8].hasPrefix("OK "))
        #expect(admin.call("MACHINE SHOW systeme")["description"] == "")
        #expect(admin.request("AUDIT limit=1000").filter { $0.contains("action=denied") }.count >= 6)
        // Root holds rights.admin.
        #expect(admin.call("MACHINE EDIT systeme description=root").isOK)
        #expect(admin.call("MACHINE EDIT ordinaire roles=admin-papaours").isOK)
    }
}
