import Foundation
import PapaoursProtocol
import Testing

/// Issue 17, items 11 and 12, and the log's one-line rule, with the real daemon.
@Suite(.serialized)
struct ConfigurationTests {
    /// `papaoursd --check-config --config FILE`: exit status and output.
    func checkConfig(_ path: String) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: productsDirectory() + "/papaoursd")
        p.arguments = ["--check-config", "--config", path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func aWindowsConfigurationServesTheDatabaseItNames() throws {
        let daemon = try Daemon(start: false)
        let lines = ["socket \(daemon.socketPath)", "socket-mode 0666", "database \(daemon.databasePath)"]
        try (lines.joined(separator: "\r\n") + "\r\n").write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        #expect(try checkConfig(daemon.configPath).status == 0)
        try daemon.start()
        #expect(try daemon.connect().call("MACHINE CREATE web").isOK)
        #expect(FileManager.default.fileExists(atPath: daemon.databasePath + "/data.mdb"), "the store is in db, not in db\\r")
        #expect(!FileManager.default.fileExists(atPath: daemon.databasePath + "\r"))
    }

    @Test func checkConfigRefusesWhatTheStartWouldRefuseOrIgnore() throws {
        let daemon = try Daemon(start: false)
        for extra in ["socket-group no-such-group-here", "grant user root ,,,", "backup-stall-timeout 0", "backup-stall-timeout 1h"] {
            try daemon.writeConfig([extra])
            let check = try checkConfig(daemon.configPath)
            #expect(check.status == 1, "\(extra): \(check.output)")
            #expect(check.output.contains("papaoursd.conf:5:"), "the error names its line: \(check.output)")
        }
    }

    @Test func aReloadNamesTheSettingsThatNeedARestart() throws {
        let daemon = try Daemon(config: ["threads 1"])
        try daemon.writeConfig(["threads 2", "socket-mode 0600"])
        daemon.signal(SIGHUP)
        var log = ""
        for _ in 0..<50 {
            log = daemon.log
            if log.contains("need a restart") { break }
            usleep(100_000)
        }
        #expect(log.contains("threads 1 → 2") && log.contains("socket-mode 0666 → 0600"), "\(log)")
        #expect(!log.contains("configuration reloaded from \(daemon.configPath)\n"))
        let mode = try FileManager.default.attributesOfItem(atPath: daemon.socketPath)[.posixPermissions] as? Int
        #expect(mode == 0o666, "the running socket keeps its mode until the restart")
    }

    @Test func aLabelWithANewlineCannotForgeALogLine() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        _ = c.call("MACHINE CREATE web")
        #expect(c.call(#"KEY CREATE web label="x\npapaoursd: info: forged""#).code == "invalid")
        #expect(c.call(#"MACHINE CREATE "a\rpapaoursd: info: forged""#).code == "invalid")
        daemon.stop()
        let lines = daemon.log.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(!lines.isEmpty)
        for line in lines { #expect(line.hasPrefix("papaoursd: "), "\(line)") }
        #expect(!daemon.log.contains("\npapaoursd: info: forged") && !daemon.log.contains("\r"))
        #expect(daemon.log.contains(#"label "x\npapaoursd: info: forged""#))
    }
}
