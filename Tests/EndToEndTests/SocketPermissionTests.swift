import Foundation
import Testing

/// Issue 17, item 10: nothing done to the socket through its path can be turned onto another file.
@Suite(.serialized)
struct SocketPermissionTests {
    /// Runs papaoursd with `arguments` and its configuration until it exits (or 10 s).
    func run(_ daemon: Daemon, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: productsDirectory() + "/papaoursd")
        p.arguments = ["--config", daemon.configPath] + arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let deadline = Date().addingTimeInterval(10)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func aSocketDirectoryOthersCanWriteIsRefusedByTheCheckAndTheStart() throws {
        let daemon = try Daemon(start: false)
        let shared = daemon.directory + "/shared"
        mkdir(shared, 0o777)
        chmod(shared, 0o777)
        try daemon.writeConfig(["socket \(shared)/p.sock"])
        let check = try run(daemon, ["--check-config"])
        #expect(check.status == 1 && check.output.contains("writable by its group or others"), "\(check.output)")
        let start = try run(daemon, [])
        #expect(start.status == 1 && start.output.contains("writable by its group or others"), "\(start.output)")
        #expect(!FileManager.default.fileExists(atPath: shared + "/p.sock"))
        chmod(shared, 0o1777)
        #expect(try run(daemon, ["--check-config"]).status == 0, "a sticky directory, like /tmp, is fine")
        let owned = daemon.directory + "/owned"
        mkdir(owned, 0o755)
        chown(owned, 65534, 65534)
        try daemon.writeConfig(["socket \(owned)/p.sock"])
        let foreign = try run(daemon, ["--check-config"])
        #expect(foreign.status == 1 && foreign.output.contains("belongs to uid 65534"), "\(foreign.output)")
    }

    @Test func theSocketHasExactlyItsModeAndGroup() throws {
        let daemon = try Daemon(config: ["socket-mode 0640", "socket-group nogroup"])
        let attributes = try FileManager.default.attributesOfItem(atPath: daemon.socketPath)
        #expect(attributes[.posixPermissions] as? Int == 0o640)
        let nogroup = getgrnam("nogroup").map { Int($0.pointee.gr_gid) }
        #expect(attributes[.groupOwnerAccountID] as? Int == nogroup)
        #expect(try daemon.connect().request("PING") == ["OK"])
    }
}
