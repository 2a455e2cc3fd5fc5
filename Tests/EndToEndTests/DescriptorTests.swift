import Foundation
import PapaoursProtocol
import Testing

/// Issue 17, item 3 (and 15): a descriptor is taken only with the BACKUP line that uses it.
@Suite(.serialized)
struct DescriptorTests {
    @Test func descriptorsSentWithOrdinaryLinesAreClosedAtOnce() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        // The start-up probe's connection may not be reaped yet: wait until only `c` counts.
        for _ in 0..<100 where c.call("STATS")["connections"] != "1" { usleep(20_000) }
        let before = daemon.openDescriptors
        let devNull = open("/dev/null", O_RDONLY)
        defer { close(devNull) }
        for _ in 0..<300 {
            #expect(sendPassing([devNull, devNull, devNull, devNull], Array("PING\n".utf8), on: c.fd) == 5)
        }
        for i in 0..<300 { #expect(c.readLine() == "OK", "reply \(i)") }
        #expect(daemon.openDescriptors <= before, "no descriptor is kept")
        // Four with one BACKUP line: one is used, none is kept.
        let file = daemon.directory + "/b.mdb"
        let out = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(out) }
        sendPassing([out, devNull, devNull, devNull], Array("BACKUP\n".utf8), on: c.fd)
        #expect(c.readLine()?.hasPrefix("OK size=") == true)
        #expect(((try? FileManager.default.attributesOfItem(atPath: file)[.size]) as? Int ?? 0) > 0)
        #expect(daemon.openDescriptors <= before)
        #expect(try daemon.connect().request("PING") == ["OK"], "the others are still served")
    }

    @Test func backupWritesOnlyIntoTheDescriptorSentWithIt() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        _ = c.call("MACHINE CREATE web")
        let early = daemon.directory + "/early.mdb"
        let fd = open(early, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd) }
        sendPassing([fd], Array("PING\n".utf8), on: c.fd)
        #expect(c.readLine() == "OK")
        let bare = c.call("BACKUP")
        #expect(bare.code == "invalid", "a descriptor sent earlier does not serve a later BACKUP")
        // A descriptor belongs to the last line of the message that carried it: here PING.
        sendPassing([fd], Array("BACKUP\nPING\n".utf8), on: c.fd)
        #expect(c.readLine()?.hasPrefix("NO invalid") == true)
        #expect(c.readLine() == "OK")
        #expect(((try? FileManager.default.attributesOfItem(atPath: early)[.size]) as? Int) == 0, "nothing was written into it")
        // Split: "BACK" with the descriptor, "UP\n" after it.
        sendPassing([fd], Array("BACK".utf8), on: c.fd)
        usleep(50_000)
        c.send("UP\n")
        #expect(c.readLine()?.hasPrefix("OK size=") == true, "a BACKUP line read in two pieces keeps its descriptor")
    }
}
