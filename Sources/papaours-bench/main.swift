#if canImport(Glibc)
import Glibc
#endif
import PapaoursStore

// papaours-bench: loads keys, starts papaoursd, redis-server and the floor, and measures
// VERIFY, KEY CREATE, memory and start-up. Results on stdout, progress on stderr.

let options: Options
do {
    options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    progress("\(error.message)\n\(Options.usage)")
    exit(2)
}

if let path = options.serveFloor { FloorServer.serve(path: path, threads: options.threads) }

Cleanup.installSignalThread()
let output = Output(markdown: options.markdown)

func benchmark(_ options: Options, _ output: Output) throws {
    let loadAtStart = loadAverage()
    let directory = try Cleanup.makeTemporaryDirectory(in: options.temporaryParent)
    let launcher = try Launcher(directory: directory)
    progress("loading \(options.keys) keys into \(launcher.databasePath) (\(options.load.rawValue))")
    var report = Report(options: options, output: output)
    let keys: KeySet
    switch options.load {
    case .bulk:
        keys = try BulkLoad.load(count: options.keys, into: launcher.databasePath)
    case .`protocol`:
        let (daemon, _) = try launcher.startDaemon()
        let loaded = try ProtocolLoad.load(count: options.keys, socket: launcher.daemonSocket)
        daemon.stop()
        keys = loaded.keys
        report.protocolLoad(keys: options.keys, seconds: loaded.seconds)
    }
    do {
        let store = try Store(directory: launcher.databasePath)
        defer { store.close() }
        report.storeSize(keys: options.keys, space: try store.space())
    }

    var uts = utsname()
    uname(&uts)
    let kernel = withUnsafeBytes(of: uts.release) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
    output.line((options.markdown ? "" : "papaours-bench: ")
        + "\(grouped(Double(options.keys))) keys on \(keys.machineCount) machines, \(Launcher.cpuCount) CPU(s), Linux \(kernel); "
        + "\(fixed(options.seconds, 1)) s per batch after a \(fixed(LoadGenerator.warmUp, 2)) s warm-up, \(options.runs) run(s), "
        + "generator threads ≤ \(LoadGenerator.maxThreads), floor threads \(Launcher.cpuCount).")

    if options.parts.contains(.startup) {
        progress("start-up: \(StartupScenario.starts) starts of papaoursd")
        report.startup(try StartupScenario(launcher: launcher).run(), keys: options.keys)
    }
    let needsDaemon: Set<Options.Part> = [.rss, .verify, .create, .gate, .history]
    if !options.parts.isDisjoint(with: needsDaemon) {
        let (daemon, _) = try launcher.startDaemon()
        defer { daemon.stop() }
        if options.parts.contains(.rss) {
            progress("memory: idle, then \(MemoryScenario.idleConnections) idle connections")
            report.memory(try MemoryScenario(launcher: launcher).run(daemon: daemon))
        }
        if options.parts.contains(.verify) {
            progress("VERIFY: \(options.runs) run(s) of \(options.matrix.map(\.description).joined(separator: ","))")
            let (runs, targets) = try VerifyScenario(options: options, launcher: launcher, keys: keys).run(daemon: daemon, output: output)
            report.verify(runs, targets: targets, keys: options.keys)
        }
        if options.parts.contains(.gate) {
            progress("HTTP gate: \(options.runs) run(s) at \(GateScenario.cell)")
            report.gate(try GateScenario(options: options, launcher: launcher, keys: keys).run(daemon: daemon, output: output))
        }
        if options.parts.contains(.history) {
            progress("usage history: \(options.runs) run(s) at \(HistoryScenario.cell), recording off and on")
            let runs = try HistoryScenario(options: options, launcher: launcher, keys: keys).run(daemon: daemon, output: output)
            progress("usage history: what a key-day costs in the store")
            report.history(runs, cost: try HistoryScenario.keyDayCost(directory: directory + "/history-db"))
        }
        if options.parts.contains(.create) {
            progress("KEY CREATE: 1 client, 32 clients, 1 connection with 256 in flight")
            report.create(try CreateScenario(options: options, launcher: launcher, keys: keys).run(daemon: daemon, output: output))
        }
    }
    if options.parts.contains(.fleet) {
        progress("fleet: \(PropagationScenario.trials) deactivations on host a, timed until host b refuses the key")
        report.propagation(try PropagationScenario(directory: directory + "/fleet").run())
    }
    report.targets()
    output.note("load average (1, 5, 15 min) at the start: \(loadAtStart); at the end: \(loadAverage()). "
        + "Other processes on this machine share its CPUs.")
}

/// /proc/loadavg's first three fields: how busy the machine was besides the bench.
func loadAverage() -> String {
    let fd = open("/proc/loadavg", O_RDONLY)
    guard fd >= 0 else { return "?" }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 256)
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard n > 0 else { return "?" }
    return String(decoding: buffer[0..<n], as: UTF8.self).split(separator: " ").prefix(3).joined(separator: " ")
}

do {
    try benchmark(options, output)
} catch {
    progress("error: \(error)")
    Cleanup.exit(1)
}
Cleanup.exit(0)
