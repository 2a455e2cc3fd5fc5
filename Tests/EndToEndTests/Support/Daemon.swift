import CPapaoursSystem
import Foundation
import Testing

/// Writing to a program that has already exited (its stdin pipe) must fail with EPIPE in the
/// tests, not end them: ignore SIGPIPE once for the whole test process.
let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN); return () }()

/// The directory holding the built products (papaoursd, papaoursctl) next to the test bundle.
func productsDirectory() -> String {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = (exe as NSString).deletingLastPathComponent
    // On Linux the tests run from <bin>/papaoursPackageTests.xctest.
    if dir.hasSuffix(".xctest") { dir = (dir as NSString).deletingLastPathComponent }
    return dir
}

/// A real papaoursd on a temporary socket and database, stopped when the test is done.
final class Daemon: @unchecked Sendable {
    let directory: String
    let socketPath: String
    let databasePath: String
    let configPath: String
    let logPath: String
    private(set) var process: Process?
    /// A command that runs papaoursd, such as `prlimit --nofile=…`; empty runs it directly.
    var launcher: [String] = []

    /// `config` lines are appended after the socket and database lines.
    init(config: [String] = [], start: Bool = true) throws {
        _ = ignoreBrokenPipes
        let template = "/tmp/papaours-e2e-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard mkdtemp(&bytes) != nil else { throw POSIXError(.EIO) }
        directory = String(cString: bytes)
        chmod(directory, 0o755)  // other uids (nobody) must reach the socket
        socketPath = directory + "/papaoursd.sock"
        databasePath = directory + "/db"
        configPath = directory + "/papaoursd.conf"
        logPath = directory + "/papaoursd.log"
        try writeConfig(config)
        if start { try self.start() }
    }

    func writeConfig(_ extra: [String]) throws {
        let lines = ["socket \(socketPath)", "socket-mode 0666", "database \(databasePath)", "log-level debug"] + extra
        try (lines.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func start(arguments: [String] = []) throws {
        let p = Process()
        let command = launcher + [productsDirectory() + "/papaoursd", "--config", configPath] + arguments
        p.executableURL = URL(fileURLWithPath: command[0])
        p.arguments = Array(command.dropFirst())
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
        try waitUntilServing()
    }

    func waitUntilServing(timeout: Double = 15) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let fd = papa_unix_connect(socketPath)
            if fd >= 0 { close(fd); return }
            if let p = process, !p.isRunning { break }
            usleep(20_000)
        }
        throw DaemonError(message: "papaoursd did not start serving; log:\n\(log)")
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Whether the log holds `text` within `timeout` seconds: the socket may accept before a
    /// start-up line is written.
    func logs(_ text: String, within timeout: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !log.contains(text) && Date() < deadline { usleep(20_000) }
        return log.contains(text)
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let p = process else { return -1 }
        if p.isRunning { kill(p.processIdentifier, SIGTERM) }
        p.waitUntilExit()
        process = nil
        return p.terminationStatus
    }

    func kill9() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    func signal(_ sig: Int32) {
        if let p = process { kill(p.processIdentifier, sig) }
    }

    func restart() throws {
        stop()
        try start()
    }

    func connect() throws -> LineConnection { try LineConnection(path: socketPath) }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

struct DaemonError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
