import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Counters STATS and /metrics report, shared by the loops and the writer.
public final class ServerStats: Sendable {
    public let started: Int64
    public let connections = Atomic<Int>(0)
    public let verifyOK = Atomic<UInt64>(0)
    public let verifyDenied = Atomic<UInt64>(0)
    public let writes = Atomic<UInt64>(0)
    /// Refused VERIFYs by code, in VerifyResult's order after `ok` (verifyOK counts those).
    let refusals = (0..<VerifyResult.allCases.count - 1).map { _ in Counter() }
    /// HTTP gate requests answered, by status.
    let gateResponses = GateStatusCounters()
    let commitLatency = LatencyHistogram()

    public init(started: Int64) { self.started = started }

    func record(_ result: VerifyResult) {
        if result == .ok {
            verifyOK.add(1, ordering: .relaxed)
            return
        }
        verifyDenied.add(1, ordering: .relaxed)
        refusals[result.index - 1].add()
    }

    func count(of result: VerifyResult) -> UInt64 {
        if result == .ok { return verifyOK.load(ordering: .relaxed) }
        return refusals[result.index - 1].value
    }
}

/// The gate's answers by HTTP status, for /metrics.
final class GateStatusCounters: Sendable {
    static let statuses = [200, 400, 401, 403, 404, 500, 503]
    private let counts = GateStatusCounters.statuses.map { _ in Counter() }

    func add(_ status: Int) {
        guard let i = GateStatusCounters.statuses.firstIndex(of: status) else { return }
        counts[i].add()
    }

    func count(_ status: Int) -> UInt64 {
        GateStatusCounters.statuses.firstIndex(of: status).map { counts[$0].value } ?? 0
    }
}

/// Commit durations as a Prometheus histogram: cumulative buckets in seconds, a sum and a count.
final class LatencyHistogram: Sendable {
    static let bounds: [Double] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
    private let buckets = LatencyHistogram.bounds.map { _ in Counter() }
    private let total = Atomic<UInt64>(0)
    private let sumMicroseconds = Atomic<UInt64>(0)

    func record(microseconds: UInt64) {
        let seconds = Double(microseconds) / 1_000_000
        if let i = LatencyHistogram.bounds.firstIndex(where: { seconds <= $0 }) { buckets[i].add() }
        total.add(1, ordering: .relaxed)
        sumMicroseconds.add(microseconds, ordering: .relaxed)
    }

    /// Cumulative counts per bound, the count of all, and the sum in seconds.
    var snapshot: (cumulative: [UInt64], count: UInt64, sum: Double) {
        var running: UInt64 = 0
        let cumulative = buckets.map { running += $0.value; return running }
        return (cumulative, total.load(ordering: .relaxed), Double(sumMicroseconds.load(ordering: .relaxed)) / 1_000_000)
    }
}

/// One relaxed atomic counter, as a class so that counters can stand in arrays.
final class Counter: Sendable {
    private let count = Atomic<UInt64>(0)
    func add(_ n: UInt64 = 1) { count.add(n, ordering: .relaxed) }
    var value: UInt64 { count.load(ordering: .relaxed) }
}

func monotonicMicroseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000 + UInt64(spec.tv_nsec) / 1000
}
