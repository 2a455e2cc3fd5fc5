import Foundation
import PapaoursProtocol
import Testing

/// Issue 17, item 4: one uid cannot take every slot, and NO busy is always reachable.
@Suite(.serialized)
struct ConnectionLimitTests {
    @Test(.enabled(if: getuid() == 0, "needs root to connect as other uids"))
    func eachUidHasItsShareAndAdministratorsKeepAReserve() throws {
        let daemon = try Daemon(config: ["max-connections 10", "max-connections-per-user 2", "reserved-connections 3",
                                         "grant user 4444 machines.write"])
        let root = try daemon.connect()
        for _ in 0..<100 where root.call("STATS")["connections"] != "1" { usleep(20_000) }
        var held: [ForeignConnection] = []
        func hold(_ uid: UInt32) throws -> String? {
            let c = try ForeignConnection(uid: uid, socket: daemon.socketPath)
            held.append(c)
            return c.ping()
        }
        #expect(try hold(65534) == "OK")
        #expect(try hold(65534) == "OK")
        let third = try hold(65534)
        #expect(third == "NO busy too many connections from uid 65534 (2 at most)", "nobody's third: \(third ?? "nil")")
        #expect(try hold(4242) == "OK" && hold(4242) == "OK", "another uid still gets in")
        #expect(try hold(4343) == "OK" && hold(4343) == "OK")
        // 7 open: the 3 left are for root and administrators.
        let ordinary = try hold(4545)
        #expect(ordinary == "NO busy too many connections", "\(ordinary ?? "nil")")
        #expect(try hold(4444) == "OK", "a holder of machines.write takes a reserved slot")
        let rootAgain = [try daemon.connect(), try daemon.connect()]
        #expect(rootAgain.allSatisfy { $0.request("PING") == ["OK"] }, "root takes the last reserved slots")
        #expect(root.call("STATS")["connections"] == "10")
        let over = try daemon.connect()
        #expect(over.readLine()?.hasPrefix("NO busy") == true, "even root is told, past max-connections")
        #expect(daemon.log.contains("refused a connection from nobody (uid 65534)"))
    }

    @Test func maxConnectionsStaysWithinTheDescriptorLimit() throws {
        let daemon = try Daemon(start: false)
        daemon.launcher = ["/usr/bin/prlimit", "--nofile=160:160", "--"]
        try daemon.writeConfig(["max-connections 1024", "threads 2"])
        try daemon.start()
        #expect(daemon.logs("max-connections 1024 lowered to 92"), "\(daemon.log)")
        var held: [LineConnection] = []
        var busy = 0
        for i in 0..<150 {
            let c = try daemon.connect()
            c.send("PING\n")
            let reply = c.readLine(timeout: 5)
            #expect(reply == "OK" || reply?.hasPrefix("NO busy") == true, "connection \(i): \(reply ?? "no reply at all")")
            if reply == "OK" { held.append(c) } else { busy += 1 }
        }
        #expect(held.count >= 90 && busy > 0)
    }
}
