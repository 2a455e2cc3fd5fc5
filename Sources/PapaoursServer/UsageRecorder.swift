import PapaoursCore
import PapaoursStore

/// What one event loop counts of VERIFY between two flushes to the writer: the uses of each key
/// and, with usage-history on, its days, hours, addresses and revoked presentations, and the
/// refusals of unknown or malformed keys by source. No lock: each loop owns its tally.
struct UsageTally {
    /// Sources of refusals one loop keeps between flushes (beyond: not counted until the flush).
    static let maxFailureSources = 4096

    /// One key's counts: its uses and, with the history, its activity. One dictionary, one
    /// hash a VERIFY.
    struct KeyCounts {
        var uses: UInt64 = 0
        var lastUsed = Timestamp(seconds: 0)
        var lastIP = ""
        var activity = KeyActivity()
    }

    var keys: [StoredID: KeyCounts] = [:]
    var failures: [FailureSource: [SecondCount]] = [:]
    /// usage-history (papaoursd.conf): off keeps only `uses`, `last-used` and `last-ip`.
    var history = true

    var isEmpty: Bool { keys.isEmpty && failures.isEmpty }

    mutating func accepted(_ key: StoredID, ip: String, at now: Timestamp) {
        let history = history
        modify(&keys[key, default: KeyCounts()]) { counts in
            counts.uses += 1
            if now >= counts.lastUsed {
                counts.lastUsed = now
                counts.lastIP = ip
            }
            if history { counts.activity.record(ok: true, ip: ip, at: now) }
        }
    }

    /// A known key refused: `result` says whether it had been taken away (revoked-use).
    mutating func refused(_ key: StoredID, as result: VerifyResult, ip: String, at now: Timestamp) {
        guard history else { return }
        let revoked = result == .inactiveKey || result == .expiredKey || result == .inactiveMachine
        keys[key, default: KeyCounts()].activity.record(ok: false, ip: ip, revoked: revoked ? result.rawValue : nil, at: now)
    }

    /// An unknown or malformed key: no key to count it for, so its source is counted.
    mutating func failed(from source: FailureSource, at now: Timestamp) {
        guard history, failures.count < UsageTally.maxFailureSources || failures[source] != nil else { return }
        modify(&failures[source, default: []]) { seconds in
            if let last = seconds.indices.last, seconds[last].second == now.seconds {
                seconds[last].count += 1
            } else {
                seconds.append(SecondCount(second: now.seconds, count: 1))
            }
        }
    }

    /// In place: no copy of what the dictionary holds.
    @inline(__always)
    private func modify<T>(_ value: inout T, _ body: (inout T) -> Void) { body(&value) }

    /// The counts for the writer, by key id; the tally starts again empty.
    mutating func report() -> UsageReport {
        var report = UsageReport()
        for (key, counts) in keys {
            let id: KeyID = key.id()
            if counts.uses > 0 { report.uses[id] = UsageDelta(uses: counts.uses, lastUsed: counts.lastUsed, lastIP: counts.lastIP) }
            if !counts.activity.days.isEmpty { report.activity[id] = counts.activity }
        }
        report.failures = failures
        keys.removeAll(keepingCapacity: true)
        failures.removeAll(keepingCapacity: true)
        return report
    }
}

/// The writer's memory of the last minute of refusals of unknown keys, by source: `failures`
/// is raised when one source reaches 20 within a minute, at most once a minute per source.
struct FailureWatch {
    static let threshold: UInt64 = 20
    static let window: Int64 = 60

    private var sources: [FailureSource: (seconds: [SecondCount], alerted: Int64?)] = [:]

    mutating func absorb(_ failures: [FailureSource: [SecondCount]], at now: Timestamp) -> [FailureBurst] {
        var bursts: [FailureBurst] = []
        for (source, counted) in failures.sorted(by: { $0.key.description < $1.key.description }) {
            var state = sources[source] ?? ([], nil)
            var merged: [Int64: UInt64] = [:]
            for s in state.seconds + counted { merged[s.second, default: 0] += s.count }
            state.seconds = merged.filter { $0.key > now.seconds - 2 * FailureWatch.window }
                .map { SecondCount(second: $0.key, count: $0.value) }.sorted { $0.second < $1.second }
            // The most refusals any minute held (a sliding window over the seconds).
            var most: UInt64 = 0, sum: UInt64 = 0, start = 0
            for (i, s) in state.seconds.enumerated() {
                sum += s.count
                while s.second - state.seconds[start].second >= FailureWatch.window {
                    sum -= state.seconds[start].count
                    start += 1
                }
                _ = i
                most = max(most, sum)
            }
            if most >= FailureWatch.threshold, state.alerted.map({ now.seconds - $0 >= FailureWatch.window }) ?? true {
                bursts.append(FailureBurst(source: source, count: most))
                state.alerted = now.seconds
                state.seconds.removeAll()
            }
            sources[source] = state
        }
        sources = sources.filter { _, state in
            state.seconds.contains { $0.second > now.seconds - FailureWatch.window }
                || state.alerted.map { now.seconds - $0 < FailureWatch.window } ?? false
        }
        return bursts
    }
}
