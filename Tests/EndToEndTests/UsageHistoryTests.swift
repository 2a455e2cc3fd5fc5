import Foundation
import PapaoursProtocol
import Testing

/// A papaoursd whose clock the test moves (`--test-clock-file`), flushing usage every second.
final class ClockedDaemon {
    let daemon: Daemon
    let clockPath: String
    private(set) var offset: Int64 = 0

    init(config: [String] = []) throws {
        daemon = try Daemon(config: ["usage-flush-interval 1"] + config, start: false)
        clockPath = daemon.directory + "/clock"
        try write()
        try start()
    }

    func start() throws { try daemon.start(arguments: ["--test-clock-file", clockPath]) }

    /// Moves the daemon's clock forward by `seconds`, at once.
    func move(by seconds: Int64) throws {
        offset += seconds
        try write()
    }

    private func write() throws { try "\(offset)\n".write(toFile: clockPath, atomically: true, encoding: .utf8) }

    func connect() throws -> LineConnection { try daemon.connect() }

    /// A machine and a key on it: (key id, secret).
    func makeKey(_ c: LineConnection, machine: String = "web") throws -> (id: String, secret: String) {
        let m = c.call("MACHINE CREATE \(machine)")
        let id = m["id"] ?? c.call("MACHINE SHOW \(machine)")["id"]!
        let k = c.call("KEY CREATE \(id) label=prod")
        return (try #require(k["id"]), try #require(k["secret"]))
    }
}

/// Waits (at most `timeout` seconds) until `body` holds; usage is flushed every second.
func eventually(_ timeout: Double = 10, _ body: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if body() { return true }
        usleep(100_000)
    }
    return body()
}

/// Sends the lines pipelined and reads one reply each.
func pipelined(_ c: LineConnection, _ lines: [String]) -> [String] {
    c.send(lines.map { $0 + "\n" }.joined())
    return lines.map { _ in c.readReply().last ?? "" }
}

extension ReplyLine {
    /// A data line's type (`DAY`, `IP`, `ALERT`…), empty for a final line.
    var type: String {
        if case .item(let type) = kind { return type }
        return ""
    }
}

extension LineConnection {
    /// The data lines of a listing, parsed, and its final line.
    func listing(_ line: String) -> (items: [ReplyLine], final: String) {
        let lines = request(line)
        let items = lines.dropLast().compactMap { try? ReplyLine.parse(Array($0.utf8)) }
        return (items, lines.last ?? "")
    }

    func alerts(kind: String? = nil, key: String? = nil) -> [ReplyLine] {
        listing("ALERTS limit=1000").items.filter { line in
            (kind == nil || line["kind"] == kind) && (key == nil || line["key"] == key)
        }
    }
}

@Suite(.serialized)
struct UsageHistoryTests {
    @Test func usageShowsDaysTodayFirstAndAddressesByRecency() throws {
        let d = try ClockedDaemon()
        let c = try d.connect()
        let key = try d.makeKey(c)
        for ip in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
            #expect(c.call("VERIFY \(key.secret) ip=\(ip)").isOK)
            try d.move(by: 1)
        }
        _ = c.call("VERIFY \(key.secret)")
        #expect(eventually { c.listing("USAGE \(key.id) days=3").items.filter { $0.type == "IP" }.count == 3 })
        let usage = c.listing("USAGE \(key.id) days=3")
        #expect(usage.final == "OK count=6")
        let days = usage.items.filter { $0.type == "DAY" }
        #expect(days.count == 3)
        #expect(days.map { $0["ok"] } == ["4", "0", "0"])
        #expect(days.map { $0["denied"] } == ["0", "0", "0"])
        #expect(usage.items.filter { $0.type == "IP" }.map { $0["address"] } == ["10.0.0.3", "10.0.0.2", "10.0.0.1"])

        // A day later: today is empty, yesterday holds the calls.
        try d.move(by: 86_400)
        let later = c.listing("USAGE \(key.id) days=2").items.filter { $0.type == "DAY" }
        #expect(later.map { $0["ok"] } == ["0", "4"])

        // 62 more addresses: 65 in all, the oldest (10.0.0.1) is dropped, 64 kept, newest first.
        for i in 0..<62 {
            _ = c.call("VERIFY \(key.secret) ip=192.0.2.\(i)")
            if i % 20 == 0 { try d.move(by: 1) }
        }
        #expect(eventually { c.listing("USAGE \(key.id) days=1").items.filter { $0.type == "IP" }.count == 64 })
        let ips = c.listing("USAGE \(key.id) days=1").items.filter { $0.type == "IP" }.map { $0["address"]! }
        #expect(ips.count == 64)
        #expect(!ips.contains("10.0.0.1"))
        #expect(ips.first == "192.0.2.61")
        #expect(ips.last == "10.0.0.2")
    }

    @Test func usageAndAlertsRefuseBadArguments() throws {
        let d = try ClockedDaemon()
        let c = try d.connect()
        let key = try d.makeKey(c)
        for bad in ["days=0", "days=401", "days=-1", "days=x"] {
            #expect(c.request("USAGE \(key.id) \(bad)").last?.hasPrefix("NO invalid") == true, "\(bad)")
        }
        #expect(c.listing("USAGE \(key.id) days=400").items.count == 400)
        #expect(c.listing("USAGE \(key.id)").items.count == 30)
        #expect(c.request("USAGE k_0000000000000000").last?.hasPrefix("NO not-found") == true)
        #expect(c.request("USAGE").last?.hasPrefix("BAD syntax") == true)
        for bad in ["limit=0", "limit=1001", "after=x"] {
            #expect(c.request("ALERTS \(bad)").last?.hasPrefix("NO invalid") == true, "\(bad)")
        }
        #expect(c.request("ALERTS").last == "OK count=0")
    }

    @Test func aKeyPresentedAfterDeactivationRaisesOneRevokedUse() throws {
        let d = try ClockedDaemon()
        let c = try d.connect()
        let key = try d.makeKey(c)
        #expect(c.call("KEY EDIT \(key.id) status=inactive").isOK)
        for _ in 0..<5 { #expect(c.request("VERIFY \(key.secret) ip=198.51.100.4").last?.hasPrefix("NO inactive-key") == true) }
        #expect(eventually { c.alerts(kind: "revoked-use", key: key.id).count == 1 })
        for _ in 0..<5 { _ = c.request("VERIFY \(key.secret) ip=198.51.100.4") }
        sleep(2)
        let alerts = c.alerts(kind: "revoked-use", key: key.id)
        #expect(alerts.count == 1, "one alert, not one per call")
        #expect(alerts.first?["ip"] == "198.51.100.4")
        #expect(alerts.first?["details"]?.contains("papa_") == false)
        #expect(d.daemon.log.components(separatedBy: "revoked-use").count - 1 == 1, "logged once")
        #expect(!d.daemon.log.contains(key.secret))
        // The day counts the refusals as denied.
        let day = c.listing("USAGE \(key.id) days=1").items.first
        #expect(day?["denied"] == "10")
        // An hour later, presented again: a second alert.
        try d.move(by: 3601)
        _ = c.request("VERIFY \(key.secret)")
        #expect(eventually { c.alerts(kind: "revoked-use", key: key.id).count == 2 })
    }

    @Test func twentyUnknownKeysFromOneAddressRaiseOneFailures() throws {
        let d = try ClockedDaemon()
        let c = try d.connect()
        let unknown = "papa_" + String(repeating: "x", count: 38)  // malformed: checksum
        let replies = pipelined(c, (0..<20).map { i in
            i % 2 == 0 ? "VERIFY \(unknown) ip=203.0.113.7" : "VERIFY imported-key-that-nobody-has-\(i) ip=203.0.113.7"
        })
        #expect(replies.allSatisfy { $0.hasPrefix("NO malformed-key") || $0.hasPrefix("NO unknown-key") })
        _ = pipelined(c, (0..<19).map { "VERIFY imported-key-that-nobody-has-\($0) ip=203.0.113.8" })
        #expect(eventually { !c.alerts(kind: "failures").isEmpty })
        _ = pipelined(c, (0..<20).map { "VERIFY imported-key-that-nobody-has-\($0) ip=203.0.113.7" })
        sleep(2)
        let failures = c.alerts(kind: "failures")
        #expect(failures.count == 1, "\(failures)")
        #expect(failures.first?["ip"] == "203.0.113.7")
        #expect(failures.first?["key"] == "")
        #expect(failures.first?["count"] == "20" && failures.first?["uid"] == nil, "the figures beside the details")
        // A minute later, another burst: another alert.
        try d.move(by: 61)
        _ = pipelined(c, (0..<20).map { "VERIFY imported-key-that-nobody-has-\($0) ip=203.0.113.7" })
        #expect(eventually { c.alerts(kind: "failures").count == 2 })
        // Without ip=, the peer is the source.
        _ = pipelined(c, (0..<20).map { "VERIFY imported-key-that-nobody-has-\($0)" })
        #expect(eventually { c.alerts(kind: "failures").contains { $0["details"]?.contains("peer uid") == true } })
        #expect(c.alerts(kind: "failures").last?["uid"] == String(getuid()))
    }

    @Test func aSpikeRaisesSpike() throws {
        let d = try ClockedDaemon()
        let c = try d.connect()
        let steady = try d.makeKey(c, machine: "steady")
        let busy = try d.makeKey(c, machine: "busy")
        try d.move(by: 2 * 3600)
        _ = pipelined(c, Array(repeating: "VERIFY \(steady.secret)", count: 99))
        _ = pipelined(c, Array(repeating: "VERIFY \(busy.secret) ip=10.9.9.9", count: 150))
        #expect(eventually { c.alerts(kind: "spike", key: busy.id).count == 1 })
        #expect(c.alerts(kind: "spike", key: steady.id).isEmpty, "fewer than 100 calls is no spike")
        #expect(c.alerts(kind: "spike", key: busy.id).first?["details"]?.contains("150 calls") == true)
        let spike = c.alerts(kind: "spike", key: busy.id).first
        #expect(spike?["calls"] == "150" && spike?["median"] == "0.0", "\(String(describing: spike))")
        _ = pipelined(c, Array(repeating: "VERIFY \(busy.secret)", count: 150))
        sleep(2)
        #expect(c.alerts(kind: "spike", key: busy.id).count == 1, "at most once an hour")
    }

    @Test func anOldKeyFromANewAddressRaisesNewIPANewKeyDoesNot() throws {
        let d = try ClockedDaemon()
        let c = try d.connect()
        let old = try d.makeKey(c, machine: "old")
        _ = c.call("VERIFY \(old.secret) ip=10.1.1.1")
        #expect(eventually { c.listing("USAGE \(old.id) days=1").items.contains { $0["address"] == "10.1.1.1" } })
        try d.move(by: 25 * 3600)
        let fresh = try d.makeKey(c, machine: "new")
        _ = c.call("VERIFY \(fresh.secret) ip=10.2.2.2")
        _ = c.call("VERIFY \(old.secret) ip=10.1.1.1")
        _ = c.call("VERIFY \(old.secret) ip=10.3.3.3")
        #expect(eventually { c.alerts(kind: "new-ip").count == 1 })
        sleep(2)
        let alerts = c.alerts(kind: "new-ip")
        #expect(alerts.count == 1)
        #expect(alerts.first?["key"] == old.id)
        #expect(alerts.first?["ip"] == "10.3.3.3")
        _ = c.call("VERIFY \(old.secret) ip=10.3.3.3")
        sleep(2)
        #expect(c.alerts(kind: "new-ip").count == 1, "a known address is not new")
    }

    @Test func rotationWithNoGraceRefusesTheOldKeyAtOnce() throws {
        let d = try ClockedDaemon()
        let c = try d.connect()
        let key = try d.makeKey(c)
        let rotated = c.call("KEY ROTATE \(key.id) grace=0s label=\"prod 2027\"")
        #expect(rotated.isOK)
        #expect(rotated["rotated"] == key.id)
        #expect(rotated["label"] == "prod 2027")
        let secret = try #require(rotated["secret"])
        let newID = try #require(rotated["id"])
        #expect(c.request("VERIFY \(key.secret)").last?.hasPrefix("NO expired-key") == true)
        #expect(c.call("VERIFY \(secret)")["key"] == newID)
        let event = c.listing("AUDIT before=1000000").items.last
        #expect(event?["action"] == "key.rotate")
        #expect(event?["target"] == key.id)
        #expect(event?["details"]?.contains(newID) == true)
        #expect(event?["details"]?.contains("papa_") == false)
        #expect(eventually { c.alerts(kind: "revoked-use", key: key.id).count == 1 })
    }

    @Test func rotationWithAGraceKeepsTheOldKeyUntilItEnds() throws {
        let d = try ClockedDaemon()
        let c = try d.connect()
        let key = try d.makeKey(c)
        let rotated = c.call("KEY ROTATE \(key.id) grace=1h")
        #expect(rotated.isOK)
        #expect(rotated["label"] == "prod")
        #expect(c.call("VERIFY \(key.secret)").isOK)
        try d.move(by: 3599)
        #expect(c.call("VERIFY \(key.secret)").isOK)
        try d.move(by: 2)
        #expect(c.request("VERIFY \(key.secret)").last?.hasPrefix("NO expired-key") == true)
        #expect(c.call("VERIFY \(rotated["secret"]!)").isOK)
        // An old key that expires sooner keeps its time.
        let again = c.call("KEY ROTATE \(rotated["id"]!) grace=7d")
        let third = c.call("KEY ROTATE \(rotated["id"]!) grace=30d")
        #expect(third["old-expires"] == again["old-expires"])
        for bad in ["grace=1w", "grace=", "grace=-1s", "grace=400d", "grace=10"] {
            #expect(c.request("KEY ROTATE \(key.id) \(bad)").last?.hasPrefix("NO invalid") == true, "\(bad)")
        }
        #expect(c.request("KEY ROTATE k_0000000000000000").last?.hasPrefix("NO not-found") == true)
    }

    @Test func sigkillLosesAtMostTheLastCountsAndNeverARotation() throws {
        let d = try ClockedDaemon()
        let c = try d.connect()
        let key = try d.makeKey(c)
        _ = pipelined(c, Array(repeating: "VERIFY \(key.secret) ip=10.4.4.4", count: 40))
        #expect(eventually { c.listing("USAGE \(key.id) days=1").items.first?["ok"] == "40" })
        let rotated = c.call("KEY ROTATE \(key.id) grace=0s")
        #expect(rotated.isOK)
        _ = pipelined(c, Array(repeating: "VERIFY \(rotated["secret"]!)", count: 10))
        d.daemon.kill9()
        try d.start()
        let after = try d.connect()
        let usage = after.listing("USAGE \(key.id) days=1")
        #expect(usage.items.first?["ok"] == "40")
        #expect(usage.items.contains { $0["address"] == "10.4.4.4" && $0["count"] == "40" })
        #expect(after.request("VERIFY \(key.secret)").last?.hasPrefix("NO expired-key") == true)
        #expect(after.call("VERIFY \(rotated["secret"]!)").isOK)
        #expect(after.call("KEY SHOW \(rotated["id"]!)").isOK)
    }

    @Test func recordingOffKeepsUsesOnly() throws {
        let d = try ClockedDaemon(config: ["usage-history off"])
        let c = try d.connect()
        let key = try d.makeKey(c)
        _ = pipelined(c, Array(repeating: "VERIFY \(key.secret) ip=10.5.5.5", count: 5))
        #expect(eventually { c.call("KEY SHOW \(key.id)")["uses"] == "5" })
        #expect(c.listing("USAGE \(key.id) days=1").items.map { $0.type } == ["DAY"])
        #expect(c.listing("USAGE \(key.id) days=1").items.first?["ok"] == "0")
    }
}

extension HTTPGateTests {
    @Test func gateVerificationsCountInTheHistoryAndRaiseAlerts() throws {
        let gate = try Gate()
        let http = try gate.connect()
        for ip in ["10.7.0.1", "10.7.0.2"] {
            #expect(http.get("/verify", ["X-API-KEY": gate.secret, "X-Forwarded-For": ip])?.status == 200)
        }
        #expect(try gate.line("KEY EDIT \(gate.key) status=inactive").isOK)
        #expect(http.get("/verify", ["X-API-KEY": gate.secret, "X-Real-IP": "10.7.0.3"])?.status == 401)
        let c = try gate.daemon.connect()
        #expect(eventually { c.listing("USAGE \(gate.key) days=1").items.filter { $0.type == "IP" }.count == 3 })
        let usage = c.listing("USAGE \(gate.key) days=1").items
        #expect(usage.first?["ok"] == "2" && usage.first?["denied"] == "1")
        #expect(usage.filter { $0.type == "IP" }.map { $0["address"] } == ["10.7.0.3", "10.7.0.2", "10.7.0.1"])
        #expect(eventually { c.alerts(kind: "revoked-use", key: gate.key).first?["ip"] == "10.7.0.3" })
    }
}
