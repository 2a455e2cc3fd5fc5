import CPapaoursSystem
import PapaoursCore
import PapaoursFleet
import PapaoursServer
import PapaoursStore
#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String, status: Int32) -> Never {
    FileOutput.standardError("papaoursd: \(message)")
    exit(status)
}

enum FileOutput {
    static func standardError(_ line: String) { write(2, line) }
    static func standardOutput(_ line: String) { write(1, line) }
    private static func write(_ fd: Int32, _ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}

/// The configuration file (a missing default file means defaults), then the command line over it.
func loadConfiguration(_ options: Options) throws(ConfigurationFile.Errors) -> ConfigurationFile.Parsed {
    var parsed: ConfigurationFile.Parsed
    if !options.configGiven && access(options.configPath, F_OK) != 0 {
        parsed = ConfigurationFile.Parsed(configuration: Configuration(), warnings: [])
    } else {
        parsed = try ConfigurationFile.load(options.configPath)
    }
    if let socket = options.socketPath { parsed.configuration.socketPath = socket }
    if let database = options.databasePath { parsed.configuration.databasePath = database }
    if let name = options.logLevel {
        guard let level = LogLevel(name: name) else {
            throw ConfigurationFile.Errors(errors: [ConfigurationError(file: "--log-level", line: 0, message: "must be error, warning, info or debug, got \"\(name)\"")])
        }
        parsed.configuration.logLevel = level
    }
    return parsed
}

// Secrets pass through this process: no core file, no ptrace or /proc/PID/mem for its uid.
if papa_make_undumpable() != 0 { fail("cannot make the process non-dumpable: \(String(cString: strerror(errno)))", status: 1) }
papa_ignore_sigpipe()
// Blocked before any thread starts, so every thread inherits the mask and only sigwait sees them.
_ = papa_block_signals()

let options: Options
do {
    options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileOutput.standardError("papaoursd: \(error.message)\n\(Options.usage)")
    exit(2)
}

switch options.mode {
case .help:
    FileOutput.standardOutput(Options.usage)
    exit(0)
case .version:
    FileOutput.standardOutput("papaoursd \(Server.version) (protocol 1)")
    exit(0)
case .checkConfig, .serve, .restore, .clusterInit:
    break
}

var parsed: ConfigurationFile.Parsed
do {
    parsed = try loadConfiguration(options)
} catch {
    for e in error.errors { FileOutput.standardError("papaoursd: \(e)") }
    exit(1)
}
for warning in parsed.warnings { FileOutput.standardError("papaoursd: warning: \(warning)") }
if options.mode == .checkConfig {
    // What the start would refuse, short of binding and opening.
    if let problem = SocketDirectory.problem(for: parsed.configuration.socketPath) {
        FileOutput.standardError("papaoursd: socket \(parsed.configuration.socketPath): \(problem)")
        exit(1)
    }
    // libpq's own reading of the conninfo, beyond the form ConfigurationFile checks.
    if let conninfo = parsed.configuration.cluster, let problem = PGConnection.problem(conninfo: conninfo) {
        FileOutput.standardError("papaoursd: \(options.configPath): cluster: \(problem)")
        exit(1)
    }
    FileOutput.standardOutput("configuration OK")
    exit(0)
}
var configuration = parsed.configuration
Log.level = configuration.logLevel
if let file = options.testClockFile {
    Clock.followOffset(file: file)
    Log.warning("the clock follows the offset in \(Log.token(file)) (--test-clock-file, for tests only): now is \(Timestamp.now())")
}

if options.mode == .restore, let file = options.restoreFile {
    do {
        let summary = try Store.restore(backup: file, into: configuration.databasePath, force: options.force)
        FileOutput.standardOutput("restored \(summary.machines) machine(s), \(summary.keys) key(s) and \(summary.events) audit event(s) from \(file) into \(configuration.databasePath)")
        exit(0)
    } catch {
        fail("restore refused: \(error.message)", status: 1)
    }
}

if options.mode == .clusterInit {
    guard let conninfo = configuration.cluster else {
        fail("--cluster-init needs a cluster line in \(options.configPath): cluster postgresql \"<libpq conninfo>\"", status: 1)
    }
    fail(clusterInit(conninfo: conninfo, configuration: configuration), status: 1)
}

let notifier = SystemdNotifier()
let store: Store
do {
    store = try Store(directory: configuration.databasePath, pageWalkAtOpenLimit: configuration.pageWalkAtOpenLimit)
} catch {
    fail(error.message, status: 1)
}

// A fleet's host is brought to the fleet's state before it listens (and before READY).
let fleet = FleetStart.prepare(configuration, store: store)
let listener: ListeningSocket
var gates: [GateListener] = []
do {
    if let activated = try ListeningSocket.fromSystemd() {
        listener = activated.main
        gates = activated.gates
    } else {
        listener = try ListeningSocket.bind(path: configuration.socketPath, mode: configuration.socketMode, group: configuration.socketGroup)
    }
} catch {
    store.close()
    fail(error.message, status: 1)
}
// The HTTP gate: systemd's `http` socket when it passed one, else papaoursd.conf's listeners.
if gates.isEmpty {
    do {
        gates = try GateListener.open(for: configuration)
    } catch {
        listener.close()
        store.close()
        fail(error.message, status: 1)
    }
}

let server: Server
do {
    server = try Server(configuration: configuration, store: store, listener: listener, gates: gates,
                        storeOfRecord: fleet.writer, follower: fleet.follower, fleet: fleet.status)
} catch {
    listener.close()
    for gate in gates { gate.close() }
    store.close()
    fail("\(error)", status: 1)
}
server.start()
let where_ = listener.ownedPath.map(Log.token) ?? "the socket from systemd"
Log.info("papaoursd \(Server.version) serving on \(where_) (database \(Log.token(configuration.databasePath)), \(server.loopCount) event loop(s))")
for gate in gates { Log.info("HTTP gate listening on \(Log.token(gate.name))") }
/// The service's status line: where it serves, and the store check's news.
func serving(_ state: StoreCheck.State, _ problem: String?) -> String {
    switch state {
    case .ok: "STATUS=serving on \(where_)\(fleetStatus.serviceText)"
    case .running: "STATUS=serving on \(where_)\(fleetStatus.serviceText); walking the store's pages in the background"
    case .damaged: "STATUS=serving on \(where_); THE STORE IS DAMAGED: \(problem ?? ""); restore a backup"
    }
}
let fleetStatus = fleet.status
// About once a second: systemd's watchdog, and the status line when the fleet's link changes.
nonisolated(unsafe) var lastPing: Int64 = 0
nonisolated(unsafe) var lastLink = fleetStatus.link
server.onTick {
    if let interval = notifier.watchdogInterval {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        let now = Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
        if now - lastPing >= interval / 2 || now - lastPing >= 1000 {
            lastPing = now
            notifier.send("WATCHDOG=1")
        }
    }
    if fleetStatus.link != lastLink {
        lastLink = fleetStatus.link
        notifier.send(serving(server.stats.storeCheck.state, nil))
    }
}
notifier.send("READY=1\n\(serving(.ok, nil))\nMAINPID=\(getpid())")
server.checkStore { state, problem in notifier.send(serving(state, problem)) }

while true {
    let signal = papa_wait_signal()
    if signal == SIGHUP {
        notifier.send("RELOADING=1\nSTATUS=reloading the configuration")
        do {
            let reloaded = try loadConfiguration(options)
            for warning in reloaded.warnings { Log.warning("\(warning)") }
            let pending = configuration.restartOnlyChanges(to: reloaded.configuration)
            configuration = configuration.reloaded(from: reloaded.configuration)
            Log.level = configuration.logLevel
            server.reload(configuration)
            if pending.isEmpty {
                Log.info("configuration reloaded from \(Log.token(options.configPath))")
            } else {
                Log.warning("configuration reloaded from \(Log.token(options.configPath)), but these settings need a restart "
                            + "and keep their running value until then: " + pending.joined(separator: "; "))
            }
        } catch {
            for e in error.errors { Log.error("reload refused, keeping the running configuration: \(e)") }
        }
        notifier.send("READY=1\n\(serving(server.stats.storeCheck.state, server.stats.storeCheck.problem))")
        continue
    }
    Log.info("stopping on signal \(signal)")
    notifier.send("STOPPING=1\nSTATUS=stopping")
    server.stop()
    listener.close()
    for gate in gates { gate.close() }
    store.close()
    Log.info("stopped")
    exit(0)
}
