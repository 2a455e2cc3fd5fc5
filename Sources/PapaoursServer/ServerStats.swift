import PapaoursCore
import PapaoursStore
import Synchronization

/// Counters STATS and /metrics report, shared by the loops and the writer.
public final class ServerStats: Sendable {
    public let started: Int64
    public let connections = Atomic<Int>(0)
    public let verifyOK = Atomic<UInt64>(0)
    public let verifyDenied = Atomic<UInt64>(0)
    public let writes = Atomic<UInt64>(0)
    /// How long each group commit took, apply and fsync included.
    public let commitLatency = LatencyHistogram()
    /// Refused VERIFYs by code, in VerifyResult's order after `ok` (verifyOK counts those).
    let refusals = (0..<VerifyResult.allCases.count - 1).map { _ in Counter() }
    /// HTTP gate requests answered, by status.
    let gateResponses = GateStatusCounters()
    /// The background walk of the store's pages, and what it found.
    public let storeCheck = StoreCheck()
    /// The fleet as this host knows it (`cluster=off` on a lone host).
    public let fleet: FleetStatus

    public init(started: Int64, fleet: FleetStatus) {
        self.started = started
        self.fleet = fleet
    }

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

/// One relaxed atomic counter, as a class so that counters can stand in arrays.
final class Counter: Sendable {
    private let count = Atomic<UInt64>(0)
    func add(_ n: UInt64 = 1) { count.add(n, ordering: .relaxed) }
    var value: UInt64 { count.load(ordering: .relaxed) }
}

/// A histogram of durations, in Prometheus' shape: counts per upper bound. Recorded once a
/// commit, by the writer: a lock costs nothing there.
public final class LatencyHistogram: Sendable {
    /// Upper bounds of the buckets, in seconds (the last, +Inf, is implied).
    public static let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
    private let state = Locked<(counts: [UInt64], sumSeconds: Double)>(([UInt64](repeating: 0, count: LatencyHistogram.bounds.count + 1), 0))

    public init() {}

    public func record(nanoseconds: Int64) {
        let seconds = Double(max(0, nanoseconds)) / 1e9
        let index = LatencyHistogram.bounds.firstIndex { seconds <= $0 } ?? LatencyHistogram.bounds.count
        state.withLock {
            $0.counts[index] += 1
            $0.sumSeconds += seconds
        }
    }

    /// How many durations were recorded (for the writer: how many commits).
    public var count: UInt64 { state.withLock { $0.counts.reduce(0, +) } }

    /// Observations per bucket (not cumulative; the last is above every bound), and their sum in seconds.
    public var snapshot: (counts: [UInt64], sumSeconds: Double) { state.withLock { $0 } }
}
