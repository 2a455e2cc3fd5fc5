import Foundation
import PapaoursProtocol
import PostgresHarness
import Testing

/// Three papaoursd hosts on one real PostgreSQL (protocol(7), "Many hosts: the fleet").
@Suite(.serialized)
struct FleetTests {
    @Test func aChangeOnOneHostReachesEveryOtherWithinASecond() throws {
        let fleet = try Fleet(["a", "b", "c"])
        let (a, b, c) = (try fleet[0].connect(), try fleet[1].connect(), try fleet[2].connect())
        #expect(a.call("HELLO")["host"] == "a")
        #expect(a.call("MACHINE CREATE web organization=acme").isOK)
        let created = a.call("KEY CREATE web label=k")
        let secret = try #require(created["secret"], "\(created)\n\(fleet[0].log)")
        let key = try #require(created["id"])
        for host in [b, c] {
            #expect(Fleet.within(1) { host.call("VERIFY \(secret)").isOK }, "a key created on a verifies everywhere")
        }
        #expect(b.call("KEY EDIT \(key) status=inactive").isOK)
        for host in [a, c] {
            #expect(Fleet.within(1) { host.call("VERIFY \(secret)").code == "inactive-key" }, "a deactivation on b reaches every host")
        }
        #expect(c.call("MACHINE DELETE web").isOK)
        for host in [a, b] {
            #expect(Fleet.within(1) { host.call("MACHINE SHOW web").code == "not-found" }, "a deletion on c reaches every host")
        }
        // One sequence for the fleet: the same journal, numbered the same, everywhere.
        let journals = [a, b, c].map { $0.request("AUDIT limit=1000") }
        #expect(journals[0].count > 3)
        #expect(journals[0].contains { $0.contains("action=machine.create") && $0.contains(" host=a ") })
        #expect(journals[0].contains { $0.contains("action=key.edit") && $0.contains(" host=b ") })
        #expect(journals[0].contains { $0.contains("action=machine.delete") && $0.contains(" host=c ") })
        #expect(journals[1] == journals[0])
        #expect(journals[2] == journals[0])
        for host in [a, b, c] {
            #expect(host.stat("cluster") == "connected")
            #expect(host.stat("cluster-seq") == a.stat("cluster-seq"))
        }
    }

    @Test(arguments: Lang.allCases) func statusSaysTheFleetsState(_ lang: Lang) throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let fleet = try Fleet(["a"], cluster: cluster)
        #expect(try fleet[0].connect().call("MACHINE CREATE web").isOK)
        let status = try Ctl(fleet[0], lang)("status")
        #expect(status.row(lang.pick("Fleet", "Flotte")).last == lang.pick("host a, connected to PostgreSQL, at change 1, 0 ms behind",
                                                                           "hôte a, relié à PostgreSQL, au changement 1, 0 ms de retard"),
                "\(status)")
        try cluster.pause()
        #expect(Fleet.within(5) { (try? fleet[0].connect().stat("cluster")) == "disconnected" })
        let cut = try Ctl(fleet[0], lang)("status")
        #expect(cut.row(lang.pick("Fleet", "Flotte")).last == lang.pick(
            "host a: PostgreSQL unreachable; verifying from the local copy (change 1), writes refused",
            "hôte a : PostgreSQL injoignable ; vérifie sur la copie locale (changement 1), écritures refusées"), "\(cut)")
    }

    @Test func aHostJoiningEmptyCopiesTheFleetBeforeServing() throws {
        let fleet = try Fleet(["a"])
        let a = try fleet[0].connect()
        _ = a.call("ROLE CREATE lecteur rights=contrats:read")
        _ = a.call("MACHINE CREATE web organization=acme roles=lecteur")
        let secret = try #require(a.call("KEY CREATE web label=k")["secret"])
        for _ in 0..<3 { _ = a.call("VERIFY \(secret)") }
        #expect(Fleet.within(5) { a.call("KEY LIST web").isOK })
        let late = try Daemon(config: ["cluster postgresql \"\(fleet.conninfo)\"", "host-name late"], start: true)
        let d = try late.connect()
        // Served at once: the copy came before the socket answered.
        let verified = d.call("VERIFY \(secret) require=contrats:read")
        #expect(verified.isOK, "\(verified)")
        #expect(d.request("AUDIT limit=1000") == a.request("AUDIT limit=1000"))
        #expect(late.log.contains("copied fleet"))
    }

    @Test func hostsKeepVerifyingWithoutPostgreSQLAndCatchUpAfter() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let fleet = try Fleet(["a", "b", "c"], cluster: cluster)
        let (a, b) = (try fleet[0].connect(), try fleet[1].connect())
        _ = a.call("MACHINE CREATE web")
        let secret = try #require(a.call("KEY CREATE web label=k")["secret"])
        #expect(Fleet.within(1) { b.call("VERIFY \(secret)").isOK })
        fleet[2].stop()
        try cluster.pause()
        #expect(a.call("VERIFY \(secret)").isOK, "VERIFY answers from the replica")
        #expect(b.call("VERIFY \(secret)").isOK)
        let started = Date()
        let refused = a.call("MACHINE CREATE offline")
        #expect(refused.code == "unavailable", "\(refused)")
        #expect(refused.text.contains("store of record"), "\(refused.text)")
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(Fleet.within(5) { b.stat("cluster") == "disconnected" })
        try cluster.resume()
        var made = false
        #expect(Fleet.within(5) { made = made || a.call("MACHINE CREATE after").isOK; return made }, "writes come back")
        #expect(Fleet.within(3) { b.call("MACHINE SHOW after").isOK }, "b catches up")
        #expect(Fleet.within(3) { b.stat("cluster") == "connected" })
        try fleet[2].start()
        #expect(try fleet[2].connect().call("MACHINE SHOW after").isOK, "a change made while c was down reaches it before it serves")
    }

    @Test func concurrentWritersOnEveryHostEndWithTheSameStore() throws {
        let fleet = try Fleet(["a", "b", "c"])
        let perHost = 1000
        DispatchQueue.concurrentPerform(iterations: 3) { index in
            guard let c = try? fleet[index].connect() else { return }
            // Pipelined, 50 at a time: the host's writer commits each lot as one PostgreSQL transaction.
            for lot in stride(from: 0, to: perHost, by: 50) {
                c.send((lot..<lot + 50).map { "MACHINE CREATE h\(index)-\($0)\n" }.joined())
                for _ in 0..<50 { _ = c.readLine() }
            }
        }
        let connections = try (0..<3).map { try fleet[$0].connect() }
        func converged() -> Bool {
            let head = connections.compactMap { $0.stat("cluster-seq") }.max() ?? ""
            return Fleet.within(5) { connections.allSatisfy { $0.stat("cluster-seq") == head } }
        }
        #expect(converged())
        // EXPORT is journaled (store.export): the records are compared, then the journals.
        let records = connections.map { $0.request("EXPORT").filter { !$0.hasPrefix("EVENT ") && !$0.hasPrefix("OK") } }
        #expect(records[0].filter { $0.hasPrefix("MACHINE ") }.count == 3 * perHost)
        let sameRecords = records.allSatisfy { $0 == records[0] }
        #expect(sameRecords, "every host holds the same records, byte for byte")
        #expect(converged())
        let journals = connections.map { $0.journal() }
        #expect(journals[0].count >= 3 * perHost)
        let sameJournals = journals.allSatisfy { $0 == journals[0] }
        #expect(sameJournals, "every host holds the same journal")
    }

    @Test func killedHostsAndAKilledPostgreSQLLoseNoAcknowledgedWrite() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let fleet = try Fleet(["a", "b"], cluster: cluster)
        let a = try fleet[0].connect()
        var acknowledged: [String] = []
        var reachedBeforeKill = 0
        // b is killed while it applies a's writes.
        for i in 0..<40 {
            if a.call("MACHINE CREATE m\(i)").isOK { acknowledged.append("m\(i)") }
            if i == 20 {
                reachedBeforeKill = Int((try? fleet[1].connect().stat("cluster-seq")) ?? nil ?? "0") ?? 0
                fleet[1].kill9()
            }
        }
        try fleet[1].start()
        let reachedAfterStart = Int((try? fleet[1].connect().stat("cluster-seq")) ?? nil ?? "0") ?? 0
        #expect(reachedAfterStart >= reachedBeforeKill, "the sequence never goes back")
        // PostgreSQL is killed in the middle of a's writes: what was acknowledged stays.
        a.send((40..<80).map { "MACHINE CREATE m\($0)\n" }.joined())
        try cluster.kill()
        for i in 40..<80 {
            if a.readLine(timeout: 10)?.hasPrefix("OK") == true { acknowledged.append("m\(i)") }
        }
        try cluster.resume()
        guard let b = try? fleet[1].connect() else {
            Issue.record("b stopped serving: \(fleet[1].log)")
            return
        }
        #expect(Fleet.within(5) { a.call("MACHINE CREATE last").isOK })
        #expect(Fleet.within(5) { b.call("MACHINE SHOW last").isOK })
        for host in [a, b] {
            let names = host.request("MACHINE LIST").compactMap { line -> String? in
                line.hasPrefix("MACHINE ") ? line.split(separator: " ").first { $0.hasPrefix("name=") }.map { String($0.dropFirst(5)) } : nil
            }
            for name in acknowledged { #expect(names.contains(name), "acknowledged \(name) is on every host") }
            #expect(Set(names).count == names.count, "none twice")
        }
        #expect(a.stat("cluster-seq") == b.stat("cluster-seq"))
    }

    @Test func usageIsCountedForTheWholeFleet() throws {
        let fleet = try Fleet(["a", "b"], extra: ["usage-flush-interval 1"])
        let (a, b) = (try fleet[0].connect(), try fleet[1].connect())
        _ = a.call("MACHINE CREATE web")
        let created = a.call("KEY CREATE web label=k")
        let (secret, key) = (try #require(created["secret"]), try #require(created["id"]))
        #expect(Fleet.within(2) { b.call("VERIFY \(secret)").isOK })
        for _ in 0..<4 { _ = a.call("VERIFY \(secret) ip=10.0.0.1") }
        for _ in 0..<5 { _ = b.call("VERIFY \(secret) ip=10.0.0.2") }
        // 1 + 4 + 5 uses, added on every host whatever host counted them.
        for host in [a, b] {
            #expect(Fleet.within(5) { host.call("KEY SHOW \(key)")["uses"] == "10" }, "\(host.call("KEY SHOW \(key)"))")
        }
    }

    @Test func withMaxStaleAHostThatHearsNothingFailsClosed() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let fleet = try Fleet(["a"], cluster: cluster, extra: ["cluster-max-stale 2s"])
        let a = try fleet[0].connect()
        _ = a.call("MACHINE CREATE web")
        let secret = try #require(a.call("KEY CREATE web label=k")["secret"])
        #expect(a.call("VERIFY \(secret)").isOK)
        try cluster.pause()
        #expect(a.call("VERIFY \(secret)").isOK, "within cluster-max-stale the replica answers")
        #expect(Fleet.within(5) { a.call("VERIFY \(secret)").code == "unavailable" }, "then VERIFY fails closed")
        #expect(a.call("VERIFY \(secret)").text.contains("cluster-max-stale"))
        try cluster.resume()
        #expect(Fleet.within(5) { a.call("VERIFY \(secret)").isOK }, "and answers again once PostgreSQL does")
    }

    @Test func aReplicaPointedAtAnotherFleetCopiesIt() throws {
        let first = try Fleet(["a"])
        let other = try Fleet(["x"])
        _ = try other[0].connect().call("MACHINE CREATE only-in-x")
        _ = try first[0].connect().call("MACHINE CREATE only-in-first")
        let host = first[0]
        host.stop()
        try host.writeConfig(["cluster postgresql \"\(other.conninfo)\"", "host-name a"])
        try host.start()
        let c = try host.connect()
        #expect(c.call("MACHINE SHOW only-in-x").isOK)
        #expect(c.call("MACHINE SHOW only-in-first").code == "not-found")
        #expect(host.log.contains("copied fleet"))
    }

    @Test func aJoiningHostGetsTheUsageHistoryFromBeforeAndAfterTheFleet() throws {
        let cluster = try PostgresCluster.get()
        let conninfo = try cluster.createDatabase()
        let a = try Daemon(config: ["usage-flush-interval 1"])
        var c = try a.connect()
        _ = c.call("MACHINE CREATE web")
        let created = c.call("KEY CREATE web label=k")
        let (secret, key) = (try #require(created["secret"]), try #require(created["id"]))
        for _ in 0..<3 { _ = c.call("VERIFY \(secret) ip=10.0.0.1") }
        #expect(Fleet.within(5) { c.request("USAGE \(key) days=1").first?.contains("ok=3") == true })
        // The lone host becomes the first of a fleet, its history with it.
        a.stop()
        try a.writeConfig(["usage-flush-interval 1", "cluster postgresql \"\(conninfo)\"", "host-name a"])
        let initialised = try spawn([productsDirectory() + "/papaoursd", "--cluster-init", "--config", a.configPath])
        #expect(initialised.status == 0, "\(initialised.output)")
        try a.start()
        c = try a.connect()
        for _ in 0..<2 { _ = c.call("VERIFY \(secret) ip=10.0.0.2") }
        #expect(Fleet.within(5) { c.request("USAGE \(key) days=1").first?.contains("ok=5") == true })
        let late = try Daemon(config: ["cluster postgresql \"\(conninfo)\"", "host-name late"])
        let d = try late.connect()
        let usage = c.request("USAGE \(key) days=3")
        #expect(usage.contains { $0.contains("address=10.0.0.1") && $0.contains("count=3") })
        #expect(d.request("USAGE \(key) days=3") == usage, "days and addresses, from before and after the fleet")
        #expect(d.request("ALERTS") == c.request("ALERTS"))
    }
}
