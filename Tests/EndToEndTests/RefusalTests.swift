import Foundation
import PapaoursCore
import PapaoursProtocol
import Testing

/// Every NO and BAD code of the contract, and the guarantees around them.
@Suite(.serialized)
struct RefusalTests {
    @Test func noCodesOfWrites() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        _ = c.call("MACHINE CREATE web")
        #expect(c.call("MACHINE CREATE WEB").code == "exists")
        #expect(c.call("MACHINE SHOW nosuch").code == "not-found")
        #expect(c.call("KEY CREATE nosuch label=x").code == "not-found")
        #expect(c.call("KEY SHOW k_aaaaaaaaaaaaaaaa").code == "not-found")
        #expect(c.call("KEY EDIT k_aaaaaaaaaaaaaaaa status=inactive").code == "not-found")
        #expect(c.call("MACHINE DELETE nosuch").code == "not-found")
        #expect(c.call(#"MACHINE CREATE """#).code == "invalid")
        #expect(c.call("MACHINE CREATE \(String(repeating: "n", count: 129))").code == "invalid")
        #expect(c.call("MACHINE CREATE x roles=bad/role").code == "invalid")
        #expect(c.call("MACHINE EDIT web status=paused").code == "invalid")
        #expect(c.call(#"KEY CREATE web label="""#).code == "invalid")
        #expect(c.call("KEY CREATE web label=x expires=2001-01-01T00:00:00Z").code == "invalid")
        #expect(c.call("KEY CREATE web label=x expires=tomorrow").code == "invalid")
        let invalid = c.call("MACHINE CREATE x\(String(repeating: "é", count: 128))")
        #expect(invalid.code == "invalid")
        #expect(invalid.text.contains("name"))
    }

    /// Issue 17, items 13 and 14: a time no export can carry, a name no reference can reach.
    @Test func valuesTheStoreCouldNotGiveBackAreRefused() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        let web = c.call("MACHINE CREATE web")
        let year10000 = c.call("KEY CREATE web label=x expires=9999-12-31T23:59:59-23:59")
        #expect(year10000.code == "invalid" && year10000.text.contains("9999-12-31T23:59:59Z"), "\(year10000.text)")
        #expect(c.call("KEY CREATE web label=x expires=9999-12-31T23:59:59Z").isOK)
        #expect(c.call("MACHINE CREATE m_abcdefghijklmnop").code == "invalid")
        #expect(c.call("MACHINE CREATE m_\(web["id"]!.dropFirst(2))").code == "invalid", "another machine's id as a name")
        #expect(c.call("MACHINE EDIT web name=m_abcdefghijklmnop").code == "invalid")
        #expect(c.call("MACHINE CREATE M_abcdefghijklmnop").isOK, "not an id: ids are lowercase")
        #expect(c.call("MACHINE SHOW M_abcdefghijklmnop")["name"] == "M_abcdefghijklmnop")
    }

    @Test func verifyCodesInOrder() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        _ = c.call("MACHINE CREATE web")
        let key = c.call("KEY CREATE web label=k")
        let secret = try #require(key["secret"])
        let keyID = try #require(key["id"])
        var typo = Array(secret)
        typo[10] = typo[10] == "a" ? "b" : "a"
        #expect(c.call("VERIFY \(String(typo))").code == "malformed-key")
        #expect(c.call("VERIFY short").code == "malformed-key")
        #expect(c.call("VERIFY papa_\(String(repeating: "0", count: 38))").code == "malformed-key")
        #expect(c.call("VERIFY \(Secret.generate().revealed)").code == "unknown-key")
        #expect(c.call("VERIFY some-foreign-key-of-30-chars!!").code == "unknown-key")
        _ = c.call("MACHINE EDIT web status=inactive")
        #expect(c.call("VERIFY \(secret)").code == "inactive-machine")
        _ = c.call("KEY EDIT \(keyID) status=inactive")
        #expect(c.call("VERIFY \(secret)").code == "inactive-key", "the key's status is checked before its machine's")
        _ = c.call("MACHINE EDIT web status=active")
        _ = c.call("KEY EDIT \(keyID) status=active")
        #expect(c.call("VERIFY \(secret)").isOK, "a reactivated key works again with its old value")
    }

    @Test func expiredKey() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        _ = c.call("MACHINE CREATE web")
        let expires = Timestamp(seconds: Timestamp.now().seconds + 2)
        let secret = try #require(c.call("KEY CREATE web label=short-lived expires=\(expires)")["secret"])
        #expect(c.call("VERIFY \(secret)").isOK)
        sleep(3)
        #expect(c.call("VERIFY \(secret)").code == "expired-key")
    }

    @Test func badCodes() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        #expect(c.call("FROBNICATE").code == "unknown-command")
        #expect(c.call("MACHINE").code == "unknown-command")
        #expect(c.call("MACHINE FLY").code == "unknown-command")
        #expect(c.call(#"MACHINE CREATE "open"#).code == "syntax")
        #expect(c.call("MACHINE CREATE a b").code == "syntax")
        #expect(c.call("MACHINE CREATE a colour=red").code == "syntax")
        #expect(c.call("MACHINE CREATE a roles=x roles=y").code == "syntax")
        #expect(c.call("KEY CREATE web").code == "syntax")
        #expect(c.call("VERIFY").code == "syntax")
        #expect(c.call("").code == "syntax")
        c.send([0x50, 0x49, 0xFF, 0x4E, 0x47, 0x0A])  // invalid UTF-8
        #expect((try? ReplyLine.parse(Array((c.readLine() ?? "").utf8)))?.code == "syntax")
        c.send("PI\u{01}NG\n")
        #expect(c.readLine()?.hasPrefix("BAD syntax") == true)
        #expect(c.request("PING\r") == ["OK"], "a CR before LF is ignored")
        #expect(c.request("PING") == ["OK"], "the connection survives every BAD but too-long")
    }

    @Test func overlongLineClosesOnlyThatConnection() throws {
        let daemon = try Daemon()
        let other = try daemon.connect()
        let c = try daemon.connect()
        #expect(c.request("PING " + String(repeating: "x", count: 8186)) == ["BAD syntax PING takes 0 arguments, got 1"], "8192 bytes with LF is allowed")
        c.send("PING " + String(repeating: "x", count: 9000) + "\n")
        #expect(c.readLine()?.hasPrefix("BAD too-long") == true)
        #expect(c.isClosedByPeer())
        #expect(other.request("PING") == ["OK"])
    }

    @Test func busyPastMaxConnections() throws {
        let daemon = try Daemon(config: ["max-connections 2"])
        let a = try daemon.connect()
        // The start-up probe's connection may not be reaped yet: wait until only `a` counts.
        for _ in 0..<100 where a.call("STATS")["connections"] != "1" { usleep(20_000) }
        let b = try daemon.connect()
        #expect(a.request("PING") == ["OK"] && b.request("PING") == ["OK"])
        let c = try daemon.connect()
        #expect(c.readLine()?.hasPrefix("NO busy") == true)
        #expect(c.isClosedByPeer())
        #expect(a.request("PING") == ["OK"])
    }

    @Test func pipelinedThousandRequestsInOneWrite() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        _ = c.call("MACHINE CREATE web")
        let secret = try #require(c.call("KEY CREATE web label=k")["secret"])
        var batch = ""
        for i in 0..<1000 {
            switch i % 4 {
            case 0: batch += "PING\n"
            case 1: batch += "VERIFY \(secret)\n"
            case 2: batch += "MACHINE CREATE m\(i)\n"
            default: batch += "VERIFY papa_bad\n"
            }
        }
        c.send(batch)
        for i in 0..<1000 {
            let line = c.readLine() ?? "<none>"
            switch i % 4 {
            case 0: #expect(line == "OK", "request \(i)")
            case 1: #expect(line.hasPrefix("OK machine="), "request \(i)")
            case 2: #expect(line.contains("name=m\(i) "), "request \(i) answered in order")
            default: #expect(line.hasPrefix("NO malformed-key"), "request \(i)")
            }
        }
        #expect(c.request("MACHINE LIST").last == "OK count=251")
    }

    @Test func deactivationIsVisibleToTheNextVerifyOnAnotherConnection() throws {
        let daemon = try Daemon()
        let admin = try daemon.connect()
        let service = try daemon.connect()
        _ = admin.call("MACHINE CREATE web")
        let key = admin.call("KEY CREATE web label=k")
        let secret = try #require(key["secret"])
        for round in 0..<50 {
            #expect(service.call("VERIFY \(secret)").isOK, "round \(round)")
            #expect(admin.call("KEY EDIT \(key["id"]!) status=inactive").isOK)
            #expect(service.call("VERIFY \(secret)").code == "inactive-key", "round \(round)")
            #expect(admin.call("KEY EDIT \(key["id"]!) status=active").isOK)
        }
    }

    @Test func deletingAMachineMakesItsKeysUnknown() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        _ = c.call("MACHINE CREATE web")
        let secrets = (0..<3).compactMap { c.call("KEY CREATE web label=k\($0)")["secret"] }
        #expect(secrets.count == 3)
        #expect(c.call("MACHINE DELETE web").isOK)
        for secret in secrets { #expect(c.call("VERIFY \(secret)").code == "unknown-key") }
        #expect(c.call("STATS")["keys"] == "0")
    }

    @Test func garbageOnOneConnectionDoesNotDisturbAnother() throws {
        let daemon = try Daemon()
        let good = try daemon.connect()
        for _ in 0..<20 {
            let bad = try daemon.connect()
            bad.send((0..<2000).map { _ in UInt8.random(in: 0...255) })
            #expect(good.request("PING") == ["OK"])
        }
        let half = try daemon.connect()
        half.send("MACHINE CREA")
        #expect(good.request("PING") == ["OK"])
    }
}
