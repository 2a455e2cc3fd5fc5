import Foundation
import PapaoursProtocol
import Testing

/// Permissions come from the peer's kernel credentials: these run the client as `nobody`.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root to run a client as another uid"))
struct PermissionTests {
    static let nobody: UInt32 = 65534

    @Test func withoutGrantsEverythingButHelloIsForbiddenAndWritesAreJournaled() throws {
        let daemon = try Daemon()
        let admin = try daemon.connect()
        _ = admin.call("MACHINE CREATE web")
        let key = admin.call("KEY CREATE web label=k")
        let lines = try runAsUser(uid: Self.nobody, gid: Self.nobody, socket: daemon.socketPath, lines: [
            "HELLO", "PING", "MACHINE LIST", "MACHINE SHOW web", "KEY LIST web", "KEY SHOW \(key["id"]!)", "STATS",
            "VERIFY \(key["secret"]!)", "AUDIT", "MACHINE CREATE evil", "MACHINE EDIT web status=inactive",
            "MACHINE DELETE web", "KEY CREATE web label=x", "KEY EDIT \(key["id"]!) status=inactive",
        ])
        #expect(lines.count == 14)
        #expect(lines.first?.contains("uid=65534") == true)
        #expect(lines.first?.hasSuffix("permissions=") == true)
        #expect(lines[1] == "OK")
        for line in lines.dropFirst(2) { #expect(line.hasPrefix("NO forbidden"), "\(line)") }
        let denied = admin.request("AUDIT").filter { $0.contains("action=denied") }
        #expect(denied.count == 5)
        #expect(denied.allSatisfy { $0.contains("uid=65534") })
        #expect(denied.contains { $0.contains("target=machine.create") })
        #expect(admin.call("MACHINE SHOW web")["status"] == "active")
    }

    @Test func repeatedRefusalsAreJournaledOnceWithTheirCount() throws {
        let daemon = try Daemon()
        let admin = try daemon.connect()
        _ = admin.call("MACHINE CREATE web")
        let lines = try runAsUser(uid: Self.nobody, gid: Self.nobody, socket: daemon.socketPath,
                                  lines: Array(repeating: "MACHINE DELETE web", count: 500) + ["MACHINE CREATE evil"])
        #expect(lines.count == 501 && lines.allSatisfy { $0.hasPrefix("NO forbidden") })
        // The first refusal of each action is journaled at once; its repeats are only counted.
        var denied = admin.request("AUDIT").filter { $0.contains("action=denied") }
        #expect(denied.count == 2, "\(denied)")
        #expect(admin.call("MACHINE CREATE root-writes-on").isOK)
        // When the window closes (here: at the stop) the count is journaled in one event.
        #expect(daemon.stop() == 0)
        try daemon.start()
        denied = try daemon.connect().request("AUDIT").filter { $0.contains("action=denied") }
        #expect(denied.count == 3, "\(denied)")
        #expect(denied.last?.contains("target=machine.delete") == true && denied.last?.contains("refused 499 more time(s)") == true)
    }

    @Test func grantsByUserAndByGroup() throws {
        let daemon = try Daemon(config: ["grant user nobody keys.verify", "grant group nogroup machines.read"])
        let admin = try daemon.connect()
        _ = admin.call("MACHINE CREATE web")
        let secret = try #require(admin.call("KEY CREATE web label=k")["secret"])
        let lines = try runAsUser(uid: Self.nobody, gid: Self.nobody, socket: daemon.socketPath, lines: [
            "HELLO", "VERIFY \(secret)", "MACHINE LIST", "AUDIT", "MACHINE CREATE x",
        ])
        #expect(lines[0].hasSuffix("permissions=machines.read,keys.verify"))
        #expect(lines[1].hasPrefix("OK machine="))
        #expect(lines[2].hasPrefix("MACHINE ") && lines[3] == "OK count=1")
        #expect(lines[4].hasPrefix("NO forbidden"))
        #expect(lines[5].hasPrefix("NO forbidden"))
    }

    @Test func sighupReloadsGrantsWithoutDroppingConnections() throws {
        let daemon = try Daemon()
        let admin = try daemon.connect()
        #expect(try runAsUser(uid: Self.nobody, gid: Self.nobody, socket: daemon.socketPath, lines: ["MACHINE LIST"]).first?.hasPrefix("NO forbidden") == true)
        try daemon.writeConfig(["grant user nobody machines.read"])
        daemon.signal(SIGHUP)
        var reply: [String] = []
        for _ in 0..<50 {
            reply = try runAsUser(uid: Self.nobody, gid: Self.nobody, socket: daemon.socketPath, lines: ["MACHINE LIST"])
            if reply.first == "OK count=0" { break }
            usleep(100_000)
        }
        #expect(reply.first == "OK count=0")
        #expect(admin.request("PING") == ["OK"], "connections survive a reload")
        try daemon.writeConfig(["grant user nobody bogus.permission"])
        daemon.signal(SIGHUP)
        usleep(300_000)
        #expect(try runAsUser(uid: Self.nobody, gid: Self.nobody, socket: daemon.socketPath, lines: ["MACHINE LIST"]).first == "OK count=0",
                "a broken configuration is refused and the old one kept")
        #expect(daemon.log.contains("reload refused"))
    }
}
