import Foundation
import PapaoursProtocol
import Testing

/// Issue 17, item 7: a backup into a pipe nobody reads blocks no reader and no writer, ends
/// after `backup-stall-timeout` with a reply that says so, and never holds the stop.
@Suite(.serialized)
struct StalledBackupTests {
    /// A store whose copy outgrows a pipe's 64 KiB, a BACKUP into a pipe nobody reads sent on
    /// the connection returned, and a secret to verify meanwhile. The pipe's read end is returned
    /// open: closed, the copy would fail at once instead of stalling.
    func stallABackup(on daemon: Daemon) throws -> (backup: LineConnection, unread: Int32, secret: String) {
        let c = try daemon.connect()
        _ = c.call("MACHINE CREATE web")
        let secret = try #require(c.call("KEY CREATE web label=k")["secret"])
        for i in 0..<40 { _ = c.call("MACHINE CREATE m\(i) description=\(String(repeating: "d", count: 900))") }
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        sendPassing([ends[1]], Array("BACKUP\n".utf8), on: c.fd)
        close(ends[1])
        return (c, ends[0], secret)
    }

    @Test func aStalledBackupEndsAfterItsDeadlineWithAReplyThatSaysSoAndNobodyWaits() throws {
        let daemon = try Daemon(config: ["backup-stall-timeout 2"])
        let (backup, unread, secret) = try stallABackup(on: daemon)
        defer { close(unread) }
        let started = Date()
        let other = try daemon.connect()
        var slowest = 0.0
        var answers = 0
        var reply: String?
        while reply == nil && Date().timeIntervalSince(started) < 8 {
            let asked = Date()
            #expect(other.call("VERIFY \(secret)").isOK, "reads go on")
            #expect(other.request("PING") == ["OK"])
            slowest = max(slowest, Date().timeIntervalSince(asked))
            answers += 1
            reply = backup.readLine(timeout: 0.02)
        }
        let ended = Date().timeIntervalSince(started)
        let line = try #require(reply, "the stalled backup was answered")
        #expect(line.hasPrefix("NO unavailable ") && line.contains("stalled") && line.contains("took no data for 2 s"), "\(line)")
        #expect(ended >= 1.8 && ended < 5, "ended after its deadline of 2 s, not the default 30: \(ended) s")
        #expect(slowest < 0.5, "VERIFY and PING answered within 0.5 s meanwhile: the slowest took \(slowest) s")
        print("stalled backup: ended after \(ended) s; \(answers) VERIFY+PING pairs meanwhile, the slowest \(Int(slowest * 1000)) ms")
        #expect(daemon.log.contains("backup") && daemon.log.contains("stalled"), "the log says why")
        // The connection serves again, and the next backup into a file works.
        #expect(backup.request("PING") == ["OK"])
        #expect(try Ctl(daemon)("backup", daemon.directory + "/after.mdb").status == 0)
    }

    @Test func aStalledBackupBlocksNobodyAndDoesNotHoldTheStop() throws {
        let daemon = try Daemon()
        let (backup, unread, secret) = try stallABackup(on: daemon)
        defer { close(unread); _ = backup }
        usleep(300_000)
        let other = try daemon.connect()
        #expect(other.call("VERIFY \(secret)").isOK, "reads go on")
        #expect(other.call("MACHINE CREATE during-backup").isOK, "writes go on")
        let started = Date()
        #expect(daemon.stop() == 0, "stopped cleanly")
        let took = Date().timeIntervalSince(started)
        #expect(took < 5, "within the stop timeout, not after the backup's 30 s: \(took) s")
        print("stalled backup: SIGTERM to exit \(Int(took * 1000)) ms")
        #expect(daemon.log.contains("backup") && daemon.log.contains("failed"), "the backup is said to have failed")
    }
}
