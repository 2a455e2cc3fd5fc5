/// KEY CREATE, every one a durable commit: 1 client (request, reply, request…) against 32
/// clients with one request in flight each, which the daemon's group commit should batch.
struct CreateScenario {
    static let clientCounts = [1, 32]
    let options: Options
    let launcher: Launcher
    let keys: KeySet

    /// results[clients] = one result per run
    func run(daemon: Child, output: Output) throws -> [Int: [BatchResult]] {
        let workload = KeyCreateWorkload(keys: keys)
        var results: [Int: [BatchResult]] = [:]
        for r in 0..<options.runs {
            for clients in CreateScenario.clientCounts {
                guard daemon.isRunning else { throw BenchError("papaoursd died:\n\(daemon.logTail())") }
                let result = try LoadGenerator.run(path: launcher.daemonSocket, workload: workload,
                                                   clients: clients, depth: 1, seconds: options.seconds)
                results[clients, default: []].append(result)
                output.batch("KEY CREATE run \(r + 1)/\(options.runs) \(clients)x1", "papaoursd", result)
            }
        }
        return results
    }
}
