#if canImport(Glibc)
import Glibc
#endif

/// VERIFY against papaoursd, redis GET and the floor: the same generator, the same cells,
/// targets interleaved within each run.
struct VerifyScenario {
    let options: Options
    let launcher: Launcher
    let keys: KeySet

    /// results[run][cell][target]
    typealias Runs = [[Options.Cell: [TargetKind: BatchResult]]]

    func run(daemon: Child, output: Output) throws -> (Runs, [TargetKind]) {
        var targets: [TargetKind] = [.papaoursd]
        var redis: Child?
        if options.redis {
            if Launcher.redisAvailable {
                redis = try launcher.startRedis()
                try loadRedis()
                targets.append(.redis)
            } else {
                output.note("redis-server is not on PATH: the redis comparison is skipped (apt-get install redis-server, or `make bench`).")
            }
        } else {
            output.note("redis left out (--no-redis).")
        }
        let floor = try launcher.startFloor()
        targets.append(.floor)
        targets.append(.require)
        defer {
            redis?.stop()
            floor.stop()
        }
        var runs: Runs = []
        for r in 0..<options.runs {
            var results: [Options.Cell: [TargetKind: BatchResult]] = [:]
            for cell in options.matrix {
                for target in targets where target != .require || cell == VerifyScenario.requireCell {
                    guard daemon.isRunning else { throw BenchError("papaoursd died:\n\(daemon.logTail())") }
                    let cpuBefore = daemon.cpuSeconds()
                    var result = try batch(target, cell)
                    if target == .papaoursd || target == .require, let before = cpuBefore, let after = daemon.cpuSeconds(), result.replies > 0 {
                        result.serverCPUPerReply = (after - before) * 1e6 / Double(result.replies)
                    }
                    results[cell, default: [:]][target] = result
                    output.batch("VERIFY run \(r + 1)/\(options.runs) \(cell)", target.rawValue, result)
                }
            }
            runs.append(results)
        }
        return (runs, targets)
    }

    /// Where `require=` is measured beside plain VERIFY (the cell).
    static let requireCell = Options.Cell(clients: 8, depth: 16)

    func batch(_ target: TargetKind, _ cell: Options.Cell) throws -> BatchResult {
        switch target {
        case .papaoursd, .require:
            return try LoadGenerator.run(path: launcher.daemonSocket,
                                         workload: VerifyWorkload(keys: keys, floor: false, requiring: target == .require),
                                         clients: cell.clients, depth: cell.depth, seconds: options.seconds)
        case .redis:
            return try LoadGenerator.run(path: launcher.redisSocket, workload: RedisGetWorkload(keys: keys),
                                         clients: cell.clients, depth: cell.depth, seconds: options.seconds)
        case .floor:
            return try LoadGenerator.run(path: launcher.floorSocket, workload: VerifyWorkload(keys: keys, floor: true, requiring: false),
                                         clients: cell.clients, depth: cell.depth, seconds: options.seconds)
        }
    }

    /// Every key's secret → its machine id, with pipelined inline SETs, 1,000 per round trip.
    func loadRedis() throws {
        let started = Clock.now()
        let fd = try BlockingIO.connect(launcher.redisSocket)
        defer { close(fd) }
        let perRound = 1000
        var start = 0
        while start < keys.count {
            let end = min(keys.count, start + perRound)
            var request: [UInt8] = []
            request.reserveCapacity((end - start) * 80)
            for i in start..<end {
                request += Array("SET ".utf8)
                request += keys.secrets[(i * KeySet.secretLength)..<((i + 1) * KeySet.secretLength)]
                request += Array(" machine=\(keys.machineID(i / KeySet.keysPerMachine))\r\n".utf8)
            }
            try BlockingIO.writeAll(fd, request)
            var replies: [UInt8] = []
            let wanted = end - start
            try BlockingIO.readUntil(fd, &replies) { buffer in buffer.lazy.filter { $0 == 10 }.count >= wanted }
            guard replies.count == wanted * 5, replies.starts(with: Array("+OK\r\n".utf8)) else {
                throw BenchError("redis refused SET: \(String(decoding: replies.prefix(200), as: UTF8.self))")
            }
            start = end
        }
        progress("redis: loaded \(keys.count) keys in \(fixed(Double(Clock.now() - started) / 1e9, 1)) s")
    }
}
