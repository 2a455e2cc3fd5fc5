import PapaoursCore
import PapaoursStore

/// What one event loop counts of VERIFY between two flushes to the writer: the uses of each key
/// and, with usage-history on, its hours, addresses and revoked presentations, and the
/// refusals of unknown or malformed keys by source. No lock: each loop owns its tally.
///
/// The hot path hashes nothing for a key: its counts live in a flat array (`KeyCounts`) whose
/// index the VerifyCache entry keeps for the current flush (`UsageSlot`), addresses are raw
/// bytes (AddressSightings), and the day and hour are worked out when the hour changes. What
/// protocol.md orders (addresses most recent first, 64 a key, days) is made at the flush.
struct UsageTally {
    /// Sources of refusals one loop keeps between flushes (beyond: not counted until the flush).
    static let maxFailureSources = 4096

    private var counts: [KeyCounts] = []
    /// The key of each of `counts` (read at the report only).
    private var keys: [StoredID] = []
    /// Where each key's counts are, for a VERIFY that brings no valid slot (first of its entry).
    private var places: [StoredID: Int32] = [:]
    private var sightings = AddressSightings()
    private var hour = UsageHour()
    /// Which flush the slots handed out belong to: a slot of an older one is not used.
    private var flush: UInt64 = 1
    var failures: [FailureSource: [SecondCount]] = [:]
    /// usage-history (papaoursd.conf): off keeps only `uses`, `last-used` and `last-ip`.
    var history = true

    var isEmpty: Bool { counts.isEmpty && failures.isEmpty }

    mutating func accepted(_ key: StoredID, slot: UsageSlot? = nil, ip: String, at now: Timestamp) {
        let i = place(of: key, slot)
        counts[i].uses &+= 1
        if now >= counts[i].lastUsed {
            counts[i].lastUsed = now
            counts[i].lastIP = ip
        }
        if history { count(i, ok: true, ip: ip, at: now, slot: slot) }
    }

    /// A known key refused: `result` says whether it had been taken away (revoked-use).
    mutating func refused(_ key: StoredID, slot: UsageSlot? = nil, as result: VerifyResult, ip: String, at now: Timestamp) {
        guard history else { return }
        let i = place(of: key, slot)
        count(i, ok: false, ip: ip, at: now, slot: slot)
        if result == .inactiveKey || result == .expiredKey || result == .inactiveMachine {
            counts[i].revoked(result.rawValue, ip: ip, at: now)
        }
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

    /// The key's index in `counts`: the slot's when it is of this flush, else found or made (and
    /// the slot set for the next VERIFY of the same entry).
    @inline(__always)
    private mutating func place(of key: StoredID, _ slot: UsageSlot?) -> Int {
        if let slot, slot.flush == flush {
            if history { sightings.prefetch(slot.address) }
            return Int(slot.index)
        }
        let i: Int
        if let known = places[key] {
            i = Int(known)
        } else {
            i = counts.count
            counts.append(KeyCounts())
            keys.append(key)
            places[key] = Int32(i)
        }
        slot?.set(flush: flush, index: Int32(i))
        return i
    }

    @inline(__always)
    private mutating func count(_ i: Int, ok: Bool, ip: String, at now: Timestamp, slot: UsageSlot?) {
        if !hour.holds(now) { turn(to: now) }
        counts[i].count(ok: ok, in: hour)
        guard !ip.isEmpty else { return }
        let seen = ip.utf8.withContiguousStorageIfAvailable { bytes in
            sightings.see(UnsafeRawBufferPointer(bytes), in: &counts[i].addresses, at: now)
        }
        if seen == nil {  // a bridged or foreign string: not VERIFY's, whose ip is native
            let copy = Array(ip.utf8)
            copy.withUnsafeBytes { sightings.see($0, in: &counts[i].addresses, at: now) }
        }
        slot?.set(address: counts[i].addresses.recentPlace)
    }

    /// The hour changed (or the clock moved): every key's counts of the hour that ends are closed.
    private mutating func turn(to now: Timestamp) {
        for i in counts.indices { counts[i].close(hour) }
        hour = UsageHour(of: now)
    }

    /// In place: no copy of what the dictionary holds.
    @inline(__always)
    private func modify<T>(_ value: inout T, _ body: (inout T) -> Void) { body(&value) }

    /// The counts for the writer, by key id; the tally starts again empty.
    mutating func report() -> UsageReport {
        var report = UsageReport()
        for (key, counted) in zip(keys, counts) {
            let id: KeyID = key.id()
            if counted.uses > 0 { report.uses[id] = UsageDelta(uses: counted.uses, lastUsed: counted.lastUsed, lastIP: counted.lastIP) }
            if counted.hasActivity { report.activity[id] = counted.activity(in: hour, sightings: sightings) }
        }
        report.failures = failures
        counts.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        places.removeAll(keepingCapacity: true)
        sightings.removeAll()
        failures.removeAll(keepingCapacity: true)
        flush &+= 1
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
