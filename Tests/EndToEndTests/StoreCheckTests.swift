import Foundation
import PapaoursProtocol
@testable import PapaoursStore
import Testing

/// Issue 17, item 9: a data file above `page-walk-at-open-limit` is walked page by page in the
/// background once the daemon serves; damage found there is said (log, STATS, /health,
/// /metrics) without the daemon dying or refusing what it can still answer.
@Suite(.serialized)
struct StoreCheckTests {
    /// A daemon whose store, of 300 machines and a key each, is above the limit (0 bytes), and
    /// a backup of it in `directory/good.mdb`.
    func daemon() throws -> (Daemon, [KnownSecret], String) {
        let http = "/tmp/papaours-check-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let daemon = try Daemon(config: ["page-walk-at-open-limit 0", "http-socket \(http)"])
        let secrets = try populate(daemon, machines: 300, keysEach: 1)
        #expect(try Ctl(daemon)("backup", daemon.directory + "/good.mdb").status == 0)
        daemon.stop()
        return (daemon, secrets, http)
    }

    /// STATS' store-check once it is no longer running.
    func storeCheck(_ daemon: Daemon) throws -> String? {
        let c = try daemon.connect()
        for _ in 0..<500 {
            let state = c.call("STATS")["store-check"]
            if state != "running" { return state }
            usleep(20_000)
        }
        return "running"
    }

    @Test func aDamagedLeafFoundInTheBackgroundIsSaidAndTheDaemonServesOn() throws {
        let (daemon, secrets, http) = try daemon()
        defer { unlink(http) }
        let path = daemon.databasePath + "/data.mdb"
        let leaves = try DataFile.leafPages(of: "machines", in: path)
        let page = Int(try #require(leaves.last))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        for i in (page * 4096)..<((page + 1) * 4096) { bytes[i] = 0 }
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        try daemon.start()
        #expect(try storeCheck(daemon) == "damaged")
        let logged = "\(path): page \(page) of database machines is damaged (it says it is page 0)"
        #expect(daemon.logs("store check: \(logged)"), "\(daemon.log)")
        let gate = try HTTPConnection(path: http)
        let health = try #require(gate.get("/health"))
        #expect(health.status == 503 && health.body.contains("the store is damaged (\(logged))"), "\(health.body)")
        #expect(try #require(gate.get("/metrics")).body.contains("papaours_store_check{state=\"damaged\"} 1"))
        // What walks or writes past the damage is refused, said; lookups are answered (a machine
        // on the zeroed page as a store failure, the others as ever).
        let c = try daemon.connect()
        for request in ["MACHINE LIST", "EXPORT", "AUDIT", "MACHINE CREATE late"] {
            let reply = c.call(request)
            #expect(reply.code == "unavailable" && reply.text.contains("the store is damaged"), "\(request): \(reply)")
        }
        var answers: [String: Int] = [:]
        for known in secrets {
            let reply = c.call("VERIFY \(known.secret)")
            answers[reply.isOK ? "ok" : reply.code ?? "none", default: 0] += 1
        }
        #expect(answers.values.reduce(0, +) == secrets.count && answers["none"] == nil, "every VERIFY answered: \(answers)")
        #expect((answers["unavailable"] ?? 0) > 0 && (answers["ok"] ?? 0) > 100, "\(answers)")
        #expect(daemon.process?.isRunning == true, "no signal killed it")
        #expect(daemon.stop() == 0)
        // What papaoursd(8) tells the admin to do: restore the last backup over it.
        let refused = try restore(daemon.directory + "/good.mdb", into: daemon)
        #expect(refused.status == 1 && refused.output.contains("cannot be read") && refused.output.contains("add --force"), "\(refused.output)")
        let restored = try restore(daemon.directory + "/good.mdb", into: daemon, force: true)
        #expect(restored.status == 0, "\(restored.output)")
        try daemon.start()
        #expect(try storeCheck(daemon) == "ok")
        #expect(try daemon.connect().request("MACHINE LIST").count == 301)
        try expectVerifies(secrets, on: daemon.client)
    }

    @Test func anIntactLargeStoreIsSaidWhole() throws {
        let (daemon, secrets, http) = try daemon()
        defer { unlink(http) }
        try daemon.start()
        #expect(try storeCheck(daemon) == "ok")
        #expect(daemon.logs("walking every page of") && daemon.logs("databases whole in"), "\(daemon.log)")
        let gate = try HTTPConnection(path: http)
        #expect(try #require(gate.get("/health")).status == 200)
        #expect(try #require(gate.get("/metrics")).body.contains("papaours_store_check{state=\"ok\"} 1"))
        let c = try daemon.connect()
        #expect(c.call("MACHINE CREATE late").isOK)
        #expect(c.call("VERIFY \(secrets[0].secret)").isOK)
    }

    @Test func aSmallStoreIsWalkedAtOpenAndNotAgain() throws {
        let daemon = try Daemon()
        #expect(try daemon.connect().call("MACHINE CREATE web").isOK)
        try daemon.restart()
        #expect(try daemon.connect().call("STATS")["store-check"] == "ok")
        #expect(!daemon.log.contains("walking every page of"))
    }

    /// A measure, not a check (PAPAOURS_WALK_MEASURE_KEYS=N): the walk's time on a store of N
    /// keys, and VERIFY's latency on one connection while it runs and after.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PAPAOURS_WALK_MEASURE_KEYS"] != nil))
    func measureTheWalkAndVerifyMeanwhile() throws {
        let keys = Int(ProcessInfo.processInfo.environment["PAPAOURS_WALK_MEASURE_KEYS"] ?? "") ?? 100_000
        let daemon = try Daemon(config: ["page-walk-at-open-limit 0"])
        let secrets = try populate(daemon, machines: keys / 100, keysEach: 100).filter(\.active)
        daemon.stop()
        let size = (try FileManager.default.attributesOfItem(atPath: daemon.databasePath + "/data.mdb")[.size] as? Int) ?? 0
        try daemon.start()
        let c = try daemon.connect()
        func latencies(while condition: () -> Bool, atMost most: Int) -> [Double] {
            var times: [Double] = []
            var i = 0
            while condition() && times.count < most {
                let asked = Date()
                _ = c.call("VERIFY \(secrets[(i * 7919) % secrets.count].secret)")
                times.append(Date().timeIntervalSince(asked) * 1000)
                i += 1
            }
            return times.sorted()
        }
        func describe(_ t: [Double]) -> String {
            guard !t.isEmpty else { return "none" }
            return "\(t.count) VERIFYs, p50 \(t[t.count / 2]) ms, p99 \(t[t.count * 99 / 100]) ms, max \(t.last!) ms"
        }
        let during = latencies(while: { c.call("STATS")["store-check"] == "running" }, atMost: 1_000_000)
        #expect(try storeCheck(daemon) == "ok")
        let after = latencies(while: { true }, atMost: max(during.count, 2000))
        let walk = daemon.log.split(separator: "\n").first { $0.contains("databases whole in") } ?? ""
        print("walk measure: \(keys) keys, data.mdb \(size / 1_048_576) MiB; \(walk)")
        print("walk measure: during the walk \(describe(during)); after \(describe(after))")
    }
}
