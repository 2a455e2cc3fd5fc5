import Foundation
import PapaoursClient
import PapaoursCore
import Testing

/// The language papaoursctl runs in, and what it should say in it.
enum Lang: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case en, fr

    var environment: [String: String] { self == .fr ? ["LANG": "fr_FR.UTF-8"] : ["LANG": "C"] }

    /// The English or the French text.
    func pick(_ english: String, _ french: String) -> String { self == .fr ? french : english }

    var testDescription: String { rawValue }
}

/// What one run of papaoursctl gave.
struct CtlRun: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String

    /// stdout as JSON, parsed by Foundation.
    func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    func object() throws -> [String: Any] { try #require(try json() as? [String: Any], "\(self)") }
    func array() throws -> [[String: Any]] { try #require(try json() as? [[String: Any]], "\(self)") }

    /// The cells of the first stdout line that starts with `first`, split on runs of two spaces or more.
    func row(_ first: String) -> [String] {
        guard let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix(first) }) else { return [] }
        return line.split(separator: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs the built papaoursctl with exactly `environment` (nothing inherited but the
/// sanitizers' options) and `stdin` (nil: /dev/null), as root or as `uid` through setpriv.
func runCtl(_ arguments: [String], environment: [String: String], stdin: String? = nil, uid: UInt32? = nil,
            executable: String = productsDirectory() + "/papaoursctl") throws -> CtlRun {
    guard let uid else { return try runProgram(executable, arguments, environment: environment, stdin: stdin) }
    return try runProgram("/usr/bin/setpriv", ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--", executable] + arguments,
                   environment: environment, stdin: stdin)
}

/// Runs a program; both pipes are read to the end before waiting, so that neither can fill up.
func runProgram(_ executable: String, _ arguments: [String], environment: [String: String], stdin: String?,
                directory: String? = nil) throws -> CtlRun {
    _ = ignoreBrokenPipes
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    // A sanitized build's children must keep the options the test run was given.
    let inherited = ProcessInfo.processInfo.environment.filter { $0.key.hasSuffix("SAN_OPTIONS") }
    process.environment = inherited.merging(environment) { _, own in own }
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    let input = stdin.map { _ in Pipe() }
    process.standardInput = input ?? FileHandle.nullDevice
    try process.run()
    if let input, let stdin {
        // A program may exit before reading it all: EPIPE is fine (write(_:) would trap on it).
        try? input.fileHandleForWriting.write(contentsOf: Data(stdin.utf8))
        try input.fileHandleForWriting.close()
    }
    let stderr = Drain(errors.fileHandleForReading)
    let stdout = output.fileHandleForReading.readDataToEndOfFile()
    let errorText = stderr.wait()
    process.waitUntilExit()
    return CtlRun(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: errorText)
}

/// Reads a pipe to its end on a thread of its own.
private final class Drain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    func wait() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}

/// papaoursctl bound to a socket (through PAPAOURS_SOCKET) and a language:
/// `ctl("machine", "list")`.
struct Ctl {
    let socket: String
    var lang = Lang.en
    var uid: UInt32?

    /// The papaoursctl run: the built one, or for another uid a copy in the daemon's directory.
    var executable = productsDirectory() + "/papaoursctl"

    /// For another uid, papaoursctl is copied into the daemon's directory (which every user may
    /// enter): the checkout, and so the build, may be private (cloned into /root, or `mktemp -d`).
    init(_ daemon: Daemon, _ lang: Lang = .en, uid: UInt32? = nil) {
        self.init(socket: daemon.socketPath, lang, uid: uid)
        if uid != nil {
            let copy = daemon.directory + "/papaoursctl"
            if !FileManager.default.fileExists(atPath: copy) {
                try? FileManager.default.copyItem(atPath: executable, toPath: copy)
                chmod(copy, 0o755)
            }
            executable = copy
        }
    }

    init(socket: String, _ lang: Lang = .en, uid: UInt32? = nil) {
        self.socket = socket
        self.lang = lang
        self.uid = uid
    }

    func callAsFunction(_ arguments: String..., stdin: String? = nil, environment: [String: String] = [:]) throws -> CtlRun {
        try run(arguments, stdin: stdin, environment: environment)
    }

    func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> CtlRun {
        let base = lang.environment.merging(["PAPAOURS_SOCKET": socket]) { $1 }
        return try runCtl(arguments, environment: base.merging(environment) { $1 }, stdin: stdin, uid: uid, executable: executable)
    }

    /// Runs papaoursctl on a pseudo-terminal that script(1) gives it as stdin, stdout and stderr,
    /// `typed` being what is typed on it: stdout holds both streams, CR LF for LF.
    func onTerminal(_ arguments: [String], typed: String = "", environment: [String: String] = [:]) throws -> CtlRun {
        let line = ([productsDirectory() + "/papaoursctl"] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        let base = lang.environment.merging(["PAPAOURS_SOCKET": socket, "TERM": "xterm"]) { $1 }
        let shown = try runProgram("/usr/bin/script", ["-qec", line, "/dev/null"], environment: base.merging(environment) { $1 }, stdin: typed)
        return CtlRun(status: shown.status, stdout: shown.stdout.replacingOccurrences(of: "\r\n", with: "\n"), stderr: shown.stderr)
    }
}

extension Daemon {
    /// A library client of this daemon.
    var client: PapaoursClient { PapaoursClient(socketPath: socketPath) }

    /// A connection that holds the only place of a daemon run with `max-connections 1`,
    /// once the daemon has counted out earlier ones (such as the fixture's readiness probe).
    func holdOnlyConnection() throws -> LineConnection {
        for _ in 0..<100 {
            let connection = try connect()
            if connection.request("PING") == ["OK"] { return connection }
            usleep(20_000)
        }
        throw DaemonError(message: "no free connection")
    }
}

/// A machine with one key, made through the library.
struct MachineWithKey {
    let machine: Machine
    let key: APIKey
    let secret: String
}

func makeMachineWithKey(on daemon: Daemon, name: String = "billing-api", label: String = "production",
                        description: String? = nil, organization: String? = nil,
                        roles: [String]? = nil) throws -> MachineWithKey {
    let client = daemon.client
    let machine = try client.machineCreate(name, description: description, organization: organization, roles: roles)
    let created = try client.keyCreate(machine.id.value, label: label)
    return MachineWithKey(machine: try client.machineShow(machine.id.value), key: created.key, secret: created.secret.revealed)
}
