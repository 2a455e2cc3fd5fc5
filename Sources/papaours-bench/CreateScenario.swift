/// KEY CREATE, every one a durable commit: 1 client (request, reply, request…) against 32
/// clients with one request in flight each, and one connection with 256 pipelined, which the
/// daemon's group commit should batch.
struct CreateScenario {
    static let cells = [Options.Cell(clients: 1, depth: 1), Options.Cell(clients: 32, depth: 1), Options.Cell(clients: 1, depth: 256)]
    let options: Options
    let launcher: Launcher
    let keys: KeySet

    /// results[cell] = one result per run
    func run(daemon: Child, output: Output) throws -> [Options.Cell: [BatchResult]] {
        let workload = KeyCreateWorkload(keys: keys)
        var results: [Options.Cell: [BatchResult]] = [:]
        for r in 0..<options.runs {
            for cell in CreateScenario.cells {
                guard daemon.isRunning else { throw BenchError("papaoursd died:\n\(daemon.logTail())") }
                let result = try LoadGenerator.run(path: launcher.daemonSocket, workload: workload,
                                                   clients: cell.clients, depth: cell.depth, seconds: options.seconds)
                results[cell, default: []].append(result)
                output.batch("KEY CREATE run \(r + 1)/\(options.runs) \(cell)", "papaoursd", result)
            }
        }
        return results
    }
}
