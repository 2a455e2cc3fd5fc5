#if canImport(Glibc)
import Glibc
#endif
import PapaoursStore

/// `x` with `digits` decimals (no Foundation).
func fixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return "–" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(x) * scale).rounded()
    let whole = Int(scaled / scale)
    var text = String(whole)
    if digits > 0 {
        let fraction = String(Int(scaled - Double(whole) * scale))
        text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
    return (x < 0 && scaled != 0 ? "-" : "") + text
}

/// 1234567 → "1,234,567"
func grouped(_ x: Double) -> String {
    guard x.isFinite else { return "–" }
    let digits = Array(String(Int(x.rounded())))
    var out = ""
    for (i, d) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
        out.append(d)
    }
    return out
}

/// Where results go: stdout, as aligned text or as Markdown.
final class Output {
    let markdown: Bool
    init(markdown: Bool) { self.markdown = markdown }

    func line(_ text: String = "") { print(text) }

    func heading(_ text: String) {
        line(markdown ? "\n### \(text)\n" : "\n== \(text)")
    }

    func note(_ text: String) { line(markdown ? "\n> \(text)\n" : "note: \(text)") }

    /// One batch's numbers, as it finishes (stderr with --markdown, so stdout stays pure tables),
    /// and its wrong answers, always on stdout.
    func batch(_ label: String, _ target: String, _ r: BatchResult) {
        let text = "\(label) \(target.padding(9)) \(grouped(r.opsPerSecond).leftPadding(10)) ops/s"
            + "  p50 \(fixed(r.histogram.percentile(0.5), 1)) µs  p99 \(fixed(r.histogram.percentile(0.99), 1)) µs"
            + "  p99.9 \(fixed(r.histogram.percentile(0.999), 1)) µs"
            + "  mix \(mix(r.kinds))"
            + (r.isVoid ? "  VOID: \(r.mismatches) wrong, \(r.lost) unanswered" : "")
        if markdown { progress(text) } else { line(text) }
        for example in r.examples { line("  WRONG ANSWER (\(target), \(label)): \(example)") }
        for failure in r.failures.prefix(5) { line("  FAILURE (\(target), \(label)): \(failure)") }
    }

    /// valid/inactive/unknown shares of the requests checked, in percent (KEY CREATE and the floor: all "ok").
    func mix(_ kinds: [UInt64]) -> String {
        let total = kinds.reduce(0, +)
        guard total > 0 else { return "-" }
        if kinds[3] == total { return "ok" }
        return kinds[0..<3].map { fixed(Double($0) * 100 / Double(total), 0) }.joined(separator: "/")
    }

    func table(_ headers: [String], _ rows: [[String]]) {
        if markdown {
            line("| " + headers.joined(separator: " | ") + " |")
            line("|" + headers.indices.map { $0 == 0 ? "---" : "---:" }.joined(separator: "|") + "|")
            for row in rows { line("| " + row.joined(separator: " | ") + " |") }
            return
        }
        var widths = headers.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == 0 ? c.padding(widths[i]) : c.leftPadding(widths[i]) }.joined(separator: "  ")
        }
        line(render(headers))
        line(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for row in rows { line(render(row)) }
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

/// The medians over runs, the ratios of medians and the targets, met or not.
struct Report {
    let options: Options
    let output: Output
    var checks: [(target: String, measured: String, met: Bool?)] = []

    init(options: Options, output: Output) {
        self.options = options
        self.output = output
    }

    struct Medians {
        let ops: Double, p50: Double, p99: Double, p999: Double
        let voidRuns: Int
    }

    static func medians(_ results: [BatchResult]) -> Medians {
        Medians(ops: median(results.map(\.opsPerSecond)),
                p50: median(results.map { $0.histogram.percentile(0.5) }),
                p99: median(results.map { $0.histogram.percentile(0.99) }),
                p999: median(results.map { $0.histogram.percentile(0.999) }),
                voidRuns: results.filter(\.isVoid).count)
    }

    mutating func verify(_ runs: VerifyScenario.Runs, targets: [TargetKind], keys: Int) {
        output.heading("VERIFY, \(grouped(Double(keys))) keys: medians of \(options.runs) run(s) of \(fixed(options.seconds, 1)) s")
        var rows: [[String]] = []
        var medians: [Options.Cell: [TargetKind: Medians]] = [:]
        for cell in options.matrix {
            for target in targets {
                let results = runs.compactMap { $0[cell]?[target] }
                guard !results.isEmpty else { continue }  // require= is measured in one cell only
                let m = Report.medians(results)
                medians[cell, default: [:]][target] = m
                rows.append(["\(cell.clients)×\(cell.depth)", target.rawValue, grouped(m.ops), fixed(m.p50, 1),
                             fixed(m.p99, 1), fixed(m.p999, 1), m.voidRuns == 0 ? "0" : "\(m.voidRuns) VOID"])
            }
        }
        output.table(["C×D", "target", "ops/s", "p50 µs", "p99 µs", "p99.9 µs", "void runs"], rows)

        output.heading("VERIFY ratios of medians (papaoursd ÷ other), \(grouped(Double(keys))) keys")
        let hasRedis = targets.contains(.redis)
        rows = []
        for cell in options.matrix {
            guard let m = medians[cell], let papa = m[.papaoursd], let floor = m[.floor] else { continue }
            let redis = m[.redis]
            rows.append(["\(cell.clients)×\(cell.depth)",
                         redis.map { fixed(papa.ops / $0.ops, 2) + "×" } ?? "–",
                         fixed(papa.ops / floor.ops, 2) + "×",
                         fixed(papa.p99, 1), redis.map { fixed($0.p99, 1) } ?? "–", fixed(floor.p99, 1)])
        }
        output.table(["C×D", "ops vs redis", "ops vs floor", "p99 papaoursd µs", "p99 redis µs", "p99 floor µs"], rows)

        // The issue's targets for VERIFY.
        let anyVoid = medians.values.contains { $0.values.contains { $0.voidRuns > 0 } }
        if anyVoid { output.note("some batches got wrong answers or went unanswered: those results are void.") }
        if hasRedis {
            let ratios = options.matrix.compactMap { c in medians[c].flatMap { m in m[.redis].map { (c, m[.papaoursd]!.ops / $0.ops) } } }
            let worst = ratios.min { $0.1 < $1.1 }
            checks.append(("VERIFY ≥ 1.0× redis GET at every C×D",
                           ratios.map { "\($0.0): \(fixed($0.1, 2))×" }.joined(separator: ", "),
                           worst.map { $0.1 >= 1.0 && !anyVoid }))
        }
        for (cell, target) in [(Options.Cell(clients: 8, depth: 1), 0.8), (Options.Cell(clients: 8, depth: 16), 0.6)] {
            guard let m = medians[cell], let papa = m[.papaoursd], let floor = m[.floor] else { continue }
            let ratio = papa.ops / floor.ops
            checks.append(("VERIFY ≥ \(fixed(target, 1))× floor at \(cell)", "\(fixed(ratio, 2))×", ratio >= target && !anyVoid))
        }
        if let m = medians[Options.Cell(clients: 8, depth: 1)], let papa = m[.papaoursd], let redis = m[.redis] {
            checks.append(("p99 at 8x1 ≤ redis", "\(fixed(papa.p99, 1)) µs vs \(fixed(redis.p99, 1)) µs", papa.p99 <= redis.p99))
        }
        // require=: its cost in the daemon's CPU per VERIFY (robust when other processes share the
        // CPUs), and in throughput, both medians of the same runs.
        let cell = VerifyScenario.requireCell
        let cpu = { (target: TargetKind) in median(runs.compactMap { $0[cell]?[target]?.serverCPUPerReply }) }
        if let m = medians[cell], let papa = m[.papaoursd], let require = m[.require] {
            let (plainCPU, requireCPU) = (cpu(.papaoursd), cpu(.require))
            let cost = requireCPU / plainCPU - 1
            output.line("require= at \(cell): daemon CPU per VERIFY \(fixed(plainCPU, 3)) µs plain, \(fixed(requireCPU, 3)) µs with require=; "
                        + "throughput \(fixed(require.ops / papa.ops, 3))× plain")
            checks.append(("VERIFY require= costs ≤ 10 % over plain VERIFY at \(cell) (daemon CPU per VERIFY)",
                           "\(cost >= 0 ? "+" : "")\(fixed(cost * 100, 1)) % (\(fixed(requireCPU, 3)) vs \(fixed(plainCPU, 3)) µs); ops \(fixed(require.ops / papa.ops, 2))×",
                           cost <= 0.10 && !anyVoid))
        }
    }

    mutating func gate(_ runs: [[GateScenario.Target: BatchResult]]) {
        output.heading("HTTP gate at \(GateScenario.cell): medians of \(runs.count) run(s) of \(fixed(options.seconds, 1)) s")
        var medians: [GateScenario.Target: Medians] = [:]
        var rows: [[String]] = []
        for target in GateScenario.Target.allCases {
            let results = runs.compactMap { $0[target] }
            guard !results.isEmpty else { continue }
            let m = Report.medians(results)
            medians[target] = m
            rows.append([target.rawValue, grouped(m.ops), fixed(m.p50, 1), fixed(m.p99, 1), m.voidRuns == 0 ? "0" : "\(m.voidRuns) VOID"])
        }
        output.table(["target", "req/s", "p50 µs", "p99 µs", "void runs"], rows)
        if let gate = medians[.gate], let line = medians[.lineVerify] {
            output.line(output.markdown ? "\ngate ÷ line VERIFY: **\(fixed(gate.ops / line.ops, 2))×**" : "gate / line VERIFY: \(fixed(gate.ops / line.ops, 2))×")
        }
        if let protected = medians[.nginxProtected], let open = medians[.nginxOpen] {
            output.line(output.markdown ? "\nnginx protected ÷ unprotected: **\(fixed(protected.ops / open.ops, 2))×** (p99 \(fixed(protected.p99, 1)) µs vs \(fixed(open.p99, 1)) µs)"
                        : "nginx protected / unprotected: \(fixed(protected.ops / open.ops, 2))× (p99 \(fixed(protected.p99, 1)) µs vs \(fixed(open.p99, 1)) µs)")
        }
    }

    mutating func history(_ runs: [[HistoryScenario.Target: BatchResult]], cost measured: (space: Store.HistorySpace, fileGrowth: Int, compactGrowth: Int)) {
        let cost = measured.space
        output.heading("Usage history at \(HistoryScenario.cell), usage-flush-interval \(options.flushInterval) s: medians of \(runs.count) run(s) of \(fixed(options.seconds, 1)) s")
        var medians: [HistoryScenario.Target: Medians] = [:]
        var rows: [[String]] = []
        for target in HistoryScenario.Target.allCases {
            let m = Report.medians(runs.compactMap { $0[target] })
            medians[target] = m
            rows.append([target.rawValue, grouped(m.ops), fixed(m.p50, 1), fixed(m.p99, 1), m.voidRuns == 0 ? "0" : "\(m.voidRuns) VOID"])
        }
        output.table(["VERIFY", "ops/s", "p50 µs", "p99 µs", "void runs"], rows)
        if let on = medians[.on], let off = medians[.off], off.ops > 0 {
            let cost = 1 - on.ops / off.ops
            output.line(output.markdown ? "\nrecording on ÷ off: **\(fixed(on.ops / off.ops, 3))×** (cost \(fixed(cost * 100, 1)) %)"
                        : "recording on / off: \(fixed(on.ops / off.ops, 3))x (cost \(fixed(cost * 100, 1)) %)")
            // Judged on the daemon's CPU per VERIFY (its flushes included), which other processes
            // on the machine do not move as they move throughput.
            let cpu = { (target: HistoryScenario.Target) in median(runs.compactMap { $0[target]?.serverCPUPerReply }) }
            let (cpuOn, cpuOff) = (cpu(.on), cpu(.off))
            let cpuCost = cpuOn / cpuOff - 1
            output.line("daemon CPU per VERIFY: \(fixed(cpuOff, 3)) µs off, \(fixed(cpuOn, 3)) µs on (\(cpuCost >= 0 ? "+" : "")\(fixed(cpuCost * 100, 1)) %)")
            checks.append(("usage history costs ≤ 5 % of VERIFY at \(HistoryScenario.cell) (daemon CPU per VERIFY)",
                           "\(cpuCost >= 0 ? "+" : "")\(fixed(cpuCost * 100, 1)) % (\(fixed(cpuOn, 3)) vs \(fixed(cpuOff, 3)) µs); ops cost \(fixed(cost * 100, 1)) %",
                           cpuCost <= 0.05))
        }
        output.table(["history database", "entries", "bytes", "bytes an entry"], cost.databases.map { db in
            [db.name, grouped(Double(db.entries)), grouped(Double(db.bytes)), db.entries == 0 ? "—" : fixed(Double(db.bytes) / Double(db.entries), 1)]
        })
        let keyDays = Double(max(1, cost.keyDays))
        output.line("\(grouped(Double(cost.keyDays))) key-days (\(grouped(keyDays / 400)) keys × 400 days, hours and addresses "
                    + "included): a compacted copy grew by \(grouped(Double(measured.compactGrowth))) bytes, "
                    + "\(fixed(Double(measured.compactGrowth) / keyDays, 1)) bytes a key-day; the live data file by "
                    + "\(grouped(Double(measured.fileGrowth))) bytes, \(fixed(Double(measured.fileGrowth) / keyDays, 1)) a key-day "
                    + "(LMDB keeps the pages freed by past commits for reuse).")
    }

    mutating func create(_ results: [Options.Cell: [BatchResult]]) {
        output.heading("KEY CREATE (durable commits): medians of \(options.runs) run(s) of \(fixed(options.seconds, 1)) s")
        var rows: [[String]] = []
        var rates: [Options.Cell: Double] = [:]
        for cell in CreateScenario.cells {
            let m = Report.medians(results[cell] ?? [])
            rates[cell] = m.ops
            rows.append(["\(cell.clients)", "\(cell.depth)", grouped(m.ops), fixed(m.p50, 0), fixed(m.p99, 0),
                         m.voidRuns == 0 ? "0" : "\(m.voidRuns) VOID"])
        }
        output.table(["connections", "in flight each", "creates/s", "p50 µs", "p99 µs", "void runs"], rows)
        guard let one = rates[CreateScenario.cells[0]] else { return }
        for (cell, target, words) in [(CreateScenario.cells[1], 8.0, "32 clients"), (CreateScenario.cells[2], 20.0, "1 connection, 256 in flight")] {
            guard let rate = rates[cell] else { continue }
            let ratio = rate / one
            output.line(output.markdown ? "\n\(words) ÷ 1 client: **\(fixed(ratio, 2))×**" : "\(words) / 1 client: \(fixed(ratio, 2))×")
            checks.append(("KEY CREATE \(words) ≥ \(Int(target))× one at a time", "\(fixed(ratio, 2))×", ratio >= target))
        }
    }

    mutating func propagation(_ result: PropagationScenario.Result) {
        let sorted = result.delays.sorted()
        func at(_ fraction: Double) -> String { fixed(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))], 2) }
        output.heading("The fleet: a deactivation on host a refused by host b (PostgreSQL \(result.postgresVersion), \(sorted.count) trials)")
        output.table(["trials", "p50 ms", "p90 ms", "p99 ms", "max ms"],
                     [[String(sorted.count), at(0.5), at(0.9), at(0.99), fixed(sorted.last ?? 0, 2)]])
        let p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
        checks.append(("a deactivation reaches another host: p99 ≤ 100 ms", "\(fixed(p99, 2)) ms", p99 <= 100))
    }

    mutating func protocolLoad(keys: Int, seconds: Double) {
        output.heading("Load through the protocol (\(ProtocolLoad.connections) connections, one pipelined batch per machine)")
        output.table(["keys", "seconds", "keys/s"], [[grouped(Double(keys)), fixed(seconds, 1), grouped(Double(keys) / seconds)]])
    }

    mutating func storeSize(keys: Int, space: Store.Space) {
        let perKey = Double(space.usedBytes) / Double(keys)
        output.heading("Store size after the load (records, indexes and audit events)")
        output.table(["keys", "data.mdb MiB", "in use MiB", "bytes per key in use", "file bytes per key"],
                     [[grouped(Double(keys)), fixed(Double(space.fileBytes) / 1048576, 1), fixed(Double(space.usedBytes) / 1048576, 1),
                       fixed(perKey, 0), fixed(Double(space.fileBytes) / Double(keys), 0)]])
        checks.append(("store ≤ 400 bytes per key", "\(fixed(perKey, 0)) bytes in use", perKey <= 400))
    }

    mutating func memory(_ samples: [MemoryScenario.Sample]) {
        output.heading("papaoursd resident memory (/proc/PID/status)")
        func mib(_ kib: Int) -> String { fixed(Double(kib) / 1024, 1) }
        output.table(["state", "VmRSS MiB", "RssAnon MiB", "RssFile MiB"],
                     samples.map { [$0.label, mib($0.rss), mib($0.anonymous), mib($0.file)] })
        if samples.count == 2 {
            checks.append(("RSS ≤ 24 MiB idle", "\(mib(samples[0].rss)) MiB", samples[0].rss <= 24 * 1024))
            checks.append(("RSS ≤ 64 MiB with 1,000 idle connections", "\(mib(samples[1].rss)) MiB", samples[1].rss <= 64 * 1024))
        }
    }

    mutating func startup(_ times: [Double], keys: Int) {
        output.heading("Start-up to READY=1, \(grouped(Double(keys))) keys, \(times.count) starts")
        let ms = times.map { $0 * 1000 }
        output.table(["keys", "median ms", "min ms", "max ms"],
                     [[grouped(Double(keys)), fixed(median(ms), 1), fixed(ms.min() ?? .nan, 1), fixed(ms.max() ?? .nan, 1)]])
        checks.append(("ready ≤ 100 ms (target stated for 1,000,000 keys)", "\(fixed(median(ms), 1)) ms with \(grouped(Double(keys))) keys",
                       median(ms) <= 100))
    }

    func targets() {
        guard !checks.isEmpty else { return }
        output.heading("Targets")
        output.table(["target", "measured", "result"],
                     checks.map { [$0.target, $0.measured, $0.met.map { $0 ? "met" : "NOT met" } ?? "–"] })
    }
}
