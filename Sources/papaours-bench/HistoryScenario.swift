#if canImport(Glibc)
import Glibc
#endif
import PapaoursCore
import PapaoursStore

/// VERIFY at (8,16) with the usage history recorded and not, side by side in each run: the same
/// daemon, `usage-history` switched by a reload (SIGHUP), batches interleaved. Then what a
/// key-day costs in the store, measured on a store of its own.
struct HistoryScenario {
    static let cell = Options.Cell(clients: 8, depth: 16)

    enum Target: String, CaseIterable {
        case off = "recording off"
        case on = "recording on"
    }

    let options: Options
    let launcher: Launcher
    let keys: KeySet

    /// results[run][target]
    func run(daemon: Child, output: Output) throws -> [[Target: BatchResult]] {
        var runs: [[Target: BatchResult]] = []
        defer { try? setRecording(true, daemon: daemon) }
        for r in 0..<options.runs {
            var results: [Target: BatchResult] = [:]
            // Alternate which goes first, so that neither always follows the other.
            for target in r % 2 == 0 ? [Target.off, .on] : [.on, .off] {
                guard daemon.isRunning else { throw BenchError("papaoursd died:\n\(daemon.logTail())") }
                try setRecording(target == .on, daemon: daemon)
                // The daemon's CPU over the batch, its writer's flushes included: what recording costs,
                // whatever else runs on the machine.
                let cpuBefore = daemon.cpuSeconds()
                var result = try LoadGenerator.run(path: launcher.daemonSocket, workload: VerifyWorkload(keys: keys, floor: false, addresses: true),
                                                   clients: HistoryScenario.cell.clients, depth: HistoryScenario.cell.depth,
                                                   seconds: options.seconds)
                if let before = cpuBefore, let after = daemon.cpuSeconds(), result.replies > 0 {
                    result.serverCPUPerReply = (after - before) * 1e6 / Double(result.replies)
                }
                results[target] = result
                output.batch("history run \(r + 1)/\(options.runs) \(HistoryScenario.cell)", target.rawValue, results[target]!)
            }
            runs.append(results)
        }
        return runs
    }

    /// Rewrites papaoursd.conf with `usage-history on|off` and reloads it; the loops take a
    /// new configuration within a second.
    private func setRecording(_ on: Bool, daemon: Child) throws {
        try Launcher.writeFile(launcher.configPath, launcher.configText + "usage-history \(on ? "on" : "off")\nusage-flush-interval \(options.flushInterval)\n")
        kill(daemon.pid, SIGHUP)
        Clock.sleep(seconds: 1.5)
    }

    /// The size of a compacted copy of the store (what a backup takes): its records, no free pages.
    static func compactedSize(_ store: Store, directory: String) throws -> Int {
        let path = directory + ".copy"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BenchError("cannot write \(path)") }
        defer { close(fd); unlink(path) }
        try store.copy(to: fd)
        var info = stat()
        fstat(fd, &info)
        return Int(info.st_size)
    }

    /// The bytes a key-day costs: `keys` keys used on each of `days` days, flushed day by day
    /// into a store of its own, then the history's pages counted.
    static func keyDayCost(directory: String, keys count: Int = 5_000, days: Int = 400) throws -> (space: Store.HistorySpace, fileGrowth: Int, compactGrowth: Int) {
        let store = try Store(directory: directory)
        defer { store.close() }
        let actor = Actor(uid: 0, user: "bench")
        let start = Timestamp(seconds: 1_800_000_000)
        var ids: [KeyID] = []
        var machine = ""
        try store.read { snapshot in
            let view = BatchView(over: snapshot)
            var sets: [ChangeSet] = []
            let m = try Decisions.createMachine(MachineDraft(name: "history-bench"), by: actor, at: start, reading: view)
            try view.absorb(m.changes)
            sets.append(m.changes)
            machine = m.value.id.value
            for i in 0..<count {
                let k = try Decisions.createKey(machine: machine, label: "key \(i)", expires: "", secret: .generate(), by: actor, at: start, reading: view)
                try view.absorb(k.changes)
                sets.append(k.changes)
                ids.append(k.value.id)
            }
            try store.apply(sets)
        }
        let before = try store.space().fileBytes
        let compactBefore = try compactedSize(store, directory: directory)
        for day in 0..<days {
            let now = Timestamp(seconds: start.seconds + Int64(day) * 86_400 + 43_200)
            var report = UsageReport()
            for (i, id) in ids.enumerated() {
                var activity = KeyActivity()
                for _ in 0..<(1 + (i + day) % 50) { activity.record(ok: true, ip: "192.0.2.\(i % 4)", at: now) }
                report.activity[id] = activity
            }
            try store.read { snapshot in
                let decided = try Decisions.usage(report, bursts: [], sweepAfter: nil, at: now, reading: BatchView(over: snapshot), history: snapshot)
                try store.apply([decided.0])
            }
        }
        return (try store.historySpace(), try store.space().fileBytes - before, try compactedSize(store, directory: directory) - compactBefore)
    }
}
