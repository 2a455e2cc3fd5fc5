import PapaoursCore
import PapaoursStore
import Synchronization

/// /metrics: the Prometheus text exposition (format 0.0.4) of the daemon's counters. Counts,
/// times and codes only: never a secret, a key id or a machine name.
enum Metrics {
    static func exposition(dispatcher: Dispatcher) -> String {
        let stats = dispatcher.stats
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        family("papaours_verify_total", "counter", "VERIFY answers by result, line protocol and HTTP gate together.")
        for result in VerifyResult.allCases {
            out += "papaours_verify_total{result=\"\(result.rawValue)\"} \(stats.count(of: result))\n"
        }
        family("papaours_http_responses_total", "counter", "HTTP gate responses by status.")
        for status in GateStatusCounters.statuses {
            out += "papaours_http_responses_total{status=\"\(status)\"} \(stats.gateResponses.count(status))\n"
        }
        family("papaours_connections", "gauge", "Open client connections, line protocol and HTTP gate.")
        out += "papaours_connections \(stats.connections.load(ordering: .relaxed))\n"
        family("papaours_writes_total", "counter", "Writes committed and answered OK.")
        out += "papaours_writes_total \(stats.writes.load(ordering: .relaxed))\n"
        family("papaours_commit_duration_seconds", "histogram", "Time of each store commit (one per batch of writes).")
        let commits = stats.commitLatency.snapshot
        var cumulative: UInt64 = 0
        for (bound, count) in zip(LatencyHistogram.bounds, commits.counts) {
            cumulative += count
            out += "papaours_commit_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        let total = commits.counts.reduce(0, +)
        out += "papaours_commit_duration_seconds_bucket{le=\"+Inf\"} \(total)\n"
        out += "papaours_commit_duration_seconds_sum \(commits.sumSeconds)\n"
        out += "papaours_commit_duration_seconds_count \(total)\n"
        family("papaours_replication_state", "gauge", "1 for the current state of the fleet replication: off (no cluster line), connected, disconnected.")
        for state in ["off", "connected", "disconnected"] {
            out += "papaours_replication_state{state=\"\(state)\"} \(state == "off" ? 1 : 0)\n"
        }
        family("papaours_store_check", "gauge", "1 for the state of the walk of the store's pages: ok (whole, or walked at start), running, damaged.")
        let check = stats.storeCheck.state
        for state in StoreCheck.State.allCases {
            out += "papaours_store_check{state=\"\(state.rawValue)\"} \(state == check ? 1 : 0)\n"
        }
        if let counts = try? readCounts(dispatcher) {
            family("papaours_machines", "gauge", "Machines in the store.")
            out += "papaours_machines \(counts.machines)\n"
            family("papaours_keys", "gauge", "Keys in the store.")
            out += "papaours_keys \(counts.keys)\n"
        }
        family("papaours_uptime_seconds", "gauge", "Seconds since papaoursd started.")
        out += "papaours_uptime_seconds \(max(0, Timestamp.now().seconds - stats.started))\n"
        family("papaours_build_info", "gauge", "papaoursd's version.")
        out += "papaours_build_info{version=\"\(dispatcher.version)\"} 1\n"
        return out
    }

    private static func readCounts(_ dispatcher: Dispatcher) throws -> (machines: Int, keys: Int) {
        try dispatcher.session.refresh()
        return try dispatcher.session.counts()
    }
}
