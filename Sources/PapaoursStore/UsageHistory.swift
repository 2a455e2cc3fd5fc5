import CLMDB
import PapaoursCore

// The usage history (protocol.md, "Usage history and alerts"): per key and per UTC day the
// VERIFYs accepted and refused, per hour its calls (for `spike`), up to 64 addresses, and the
// alerts. Counted on the event loops, flushed by the writer as one change set per commit, stored
// in small records apart from the key:
//
// - usage-days: key id + block of 32 days → the block's days (since 1970-01-01, UTC) with their
//   ok and denied counts, packed (UsageSeries.swift)
// - usage-hours: key id + block of 24 hours → the block's hours with their calls, packed
// - key-addresses: key id → its addresses, most recent first, and when it last raised
//   revoked-use and spike
// - alerts: sequence (big-endian) → alert, appended

/// Days and hours since the epoch, in UTC, as the history counts them.
public enum UsageClock {
    public static let daySeconds: Int64 = 86_400
    public static func day(_ t: Timestamp) -> UInt32 { UInt32(clamping: max(0, t.seconds) / daySeconds) }
    public static func hour(_ t: Timestamp) -> UInt32 { UInt32(clamping: max(0, t.seconds) / 3600) }
    /// `2026-12-01`
    public static func date(_ day: UInt32) -> String {
        String(Timestamp(seconds: Int64(day) * daySeconds).description.prefix(10))
    }
}

public struct DayCount: Sendable, Equatable {
    public var day: UInt32
    public var ok: UInt64
    public var denied: UInt64

    public init(day: UInt32, ok: UInt64, denied: UInt64) {
        (self.day, self.ok, self.denied) = (day, ok, denied)
    }
}

public struct HourCount: Sendable, Equatable {
    public var hour: UInt32
    public var calls: UInt64

    public init(hour: UInt32, calls: UInt64) { (self.hour, self.calls) = (hour, calls) }
}

/// One client address of a key: when first and last seen, and how many VERIFYs gave it.
public struct AddressUse: Sendable, Equatable {
    public var ip: String
    public var first: Timestamp
    public var last: Timestamp
    public var count: UInt64

    public init(ip: String, first: Timestamp, last: Timestamp, count: UInt64) {
        (self.ip, self.first, self.last, self.count) = (ip, first, last, count)
    }

    mutating func merge(_ other: AddressUse) {
        first = min(first, other.first)
        last = max(last, other.last)
        count &+= other.count
    }
}

/// What VERIFY did with one key since the last flush.
public struct KeyActivity: Sendable, Equatable {
    public static let maxAddresses = 64

    public var days: [DayCount] = []
    public var hours: [HourCount] = []
    /// Least recently seen first; at most `maxAddresses`.
    public var addresses: [AddressUse] = []
    /// The last presentation refused as inactive-key, expired-key or inactive-machine: the key
    /// was taken away and someone still holds it.
    public var revoked: RevokedUse?

    public struct RevokedUse: Sendable, Equatable {
        public var time: Timestamp
        public var reason: String
        public var ip: String
        public var count: UInt64

        public init(time: Timestamp, reason: String, ip: String, count: UInt64) {
            (self.time, self.reason, self.ip, self.count) = (time, reason, ip, count)
        }
    }

    public init() {}

    /// Counts one VERIFY that named this key: accepted (`ok`) or refused; `revoked` names the
    /// refusal when it says the key was taken away.
    public mutating func record(ok: Bool, ip: String, revoked reason: String? = nil, at now: Timestamp) {
        let day = UsageClock.day(now), hour = UsageClock.hour(now)
        if let last = days.indices.last, days[last].day == day {
            if ok { days[last].ok &+= 1 } else { days[last].denied &+= 1 }
        } else {
            days.append(DayCount(day: day, ok: ok ? 1 : 0, denied: ok ? 0 : 1))
        }
        if let last = hours.indices.last, hours[last].hour == hour {
            hours[last].calls &+= 1
        } else {
            hours.append(HourCount(hour: hour, calls: 1))
        }
        if !ip.isEmpty { see(AddressUse(ip: ip, first: now, last: now, count: 1)) }
        if let reason {
            let count = (revoked?.count ?? 0) + 1
            revoked = RevokedUse(time: now, reason: reason, ip: ip, count: count)
        }
    }

    /// Adds an address sighting; the most recent stays last (the usual case: it is already last).
    private mutating func see(_ use: AddressUse) {
        if let last = addresses.indices.last, addresses[last].ip == use.ip {
            addresses[last].merge(use)
            return
        }
        if let i = addresses.firstIndex(where: { $0.ip == use.ip }) {
            var seen = addresses.remove(at: i)
            seen.merge(use)
            addresses.append(seen)
        } else {
            addresses.append(use)
            if addresses.count > KeyActivity.maxAddresses { addresses.removeFirst() }
        }
    }

    /// Adds another loop's counts of the same key.
    public mutating func merge(_ other: KeyActivity) {
        for d in other.days {
            if let i = days.firstIndex(where: { $0.day == d.day }) {
                days[i].ok &+= d.ok
                days[i].denied &+= d.denied
            } else {
                days.append(d)
            }
        }
        days.sort { $0.day < $1.day }
        for h in other.hours {
            if let i = hours.firstIndex(where: { $0.hour == h.hour }) { hours[i].calls &+= h.calls } else { hours.append(h) }
        }
        hours.sort { $0.hour < $1.hour }
        for a in other.addresses {
            if let i = addresses.firstIndex(where: { $0.ip == a.ip }) { addresses[i].merge(a) } else { addresses.append(a) }
        }
        addresses.sort { $0.last < $1.last }
        if addresses.count > KeyActivity.maxAddresses { addresses.removeFirst(addresses.count - KeyActivity.maxAddresses) }
        if let theirs = other.revoked {
            let count = (revoked?.count ?? 0) + theirs.count
            if revoked.map({ theirs.time >= $0.time }) ?? true { revoked = theirs }
            revoked!.count = count
        }
    }
}

/// Refusals of unknown or malformed keys from one source (an `ip=`, or a peer), by second.
public struct SecondCount: Sendable, Equatable {
    public var second: Int64
    public var count: UInt64

    public init(second: Int64, count: UInt64) { (self.second, self.count) = (second, count) }
}

/// One event loop's counts since its last flush, handed to the writer.
public struct UsageReport: Sendable {
    /// Accepted VERIFYs (`uses`, `last-used`, `last-ip`).
    public var uses: [KeyID: UsageDelta] = [:]
    /// The history, when usage-history is on.
    public var activity: [KeyID: KeyActivity] = [:]
    /// Refusals of unknown or malformed keys, by source (`ip` or `uid N`).
    public var failures: [FailureSource: [SecondCount]] = [:]

    public init() {}

    public var isEmpty: Bool { uses.isEmpty && activity.isEmpty && failures.isEmpty }

    public mutating func merge(_ other: UsageReport) {
        for (id, delta) in other.uses { uses[id, default: UsageDelta(uses: 0, lastUsed: delta.lastUsed, lastIP: delta.lastIP)].merge(delta) }
        for (id, activity) in other.activity { self.activity[id, default: KeyActivity()].merge(activity) }
        for (source, seconds) in other.failures { failures[source, default: []] += seconds }
    }
}

/// Where refusals of unknown keys came from: the `ip=` given, else the peer's uid.
public struct FailureSource: Sendable, Hashable {
    public let ip: String
    public let uid: UInt32

    public init(ip: String, uid: UInt32) { (self.ip, self.uid) = (ip, ip.isEmpty ? uid : 0) }

    public var description: String { ip.isEmpty ? "uid \(uid)" : ip }
}

/// A key's remembered addresses and the last times it raised the alerts that are rate-limited.
public struct KeyAddresses: Sendable, Equatable {
    /// Most recently seen first.
    public var addresses: [AddressUse] = []
    public var revokedAlerted: Timestamp?
    public var spikeAlerted: Timestamp?

    public init() {}
}

public enum AlertKind: String, Sendable, CaseIterable {
    case revokedUse = "revoked-use"
    case newIP = "new-ip"
    case spike
    case failures

    var code: UInt8 {
        switch self {
        case .revokedUse: 1
        case .newIP: 2
        case .spike: 3
        case .failures: 4
        }
    }
}

/// One alert (ALERTS): never a secret in it.
public struct Alert: Sendable, Equatable {
    public var seq: UInt64
    public var time: Timestamp
    public var kind: AlertKind
    public var key: KeyID?
    public var machine: MachineID?
    public var ip: String
    public var details: String
    /// What `details` tells, figure by figure (`AlertKind.factNames`); none in alerts of a daemon before them.
    public var facts: [AlertFact]

    public init(seq: UInt64, time: Timestamp, kind: AlertKind, key: KeyID?, machine: MachineID?, ip: String, details: String,
                facts: [AlertFact] = []) {
        (self.seq, self.time, self.kind, self.key, self.machine, self.ip, self.details) = (seq, time, kind, key, machine, ip, details)
        self.facts = facts
    }
}

/// How a flush changes one key's history, decided: the counts to add, what to keep, the alert marks.
public struct ActivityChange: Sendable, Equatable {
    public var activity: KeyActivity
    /// Days before this one and hours before this one are dropped from the key's history.
    public var keepDaysFrom: UInt32
    public var keepHoursFrom: UInt32
    public var revokedAlerted: Timestamp?
    public var spikeAlerted: Timestamp?

    public init(activity: KeyActivity, keepDaysFrom: UInt32 = 0, keepHoursFrom: UInt32 = 0,
                revokedAlerted: Timestamp? = nil, spikeAlerted: Timestamp? = nil) {
        (self.activity, self.keepDaysFrom, self.keepHoursFrom) = (activity, keepDaysFrom, keepHoursFrom)
        (self.revokedAlerted, self.spikeAlerted) = (revokedAlerted, spikeAlerted)
    }
}

/// A source whose refusals of unknown keys reached the `failures` threshold (decided by the
/// writer, which keeps the last minute of every source).
public struct FailureBurst: Sendable, Equatable {
    public var source: FailureSource
    public var count: UInt64

    public init(source: FailureSource, count: UInt64) { (self.source, self.count) = (source, count) }
}

/// The history's reads a flush's decision needs.
public protocol UsageReading {
    func addresses(of key: KeyID) throws -> KeyAddresses
    /// The key's hourly calls from `hour` on, oldest first.
    func hourCounts(of key: KeyID, from hour: UInt32) throws -> [HourCount]
    func lastAlertSequence() throws -> UInt64
    /// At most `limit` alerts after `after`, oldest first.
    func alerts(after: UInt64, limit: Int) throws -> [Alert]
    /// Up to `limit` keys with a history, after `after` (from the first when nil), in id order.
    func keysWithHistory(after: KeyID?, limit: Int) throws -> [KeyID]
}

extension UsageHistory {
    /// Days kept (protocol.md), hours kept for `spike` (seven days and the current one).
    public static let daysKept: UInt32 = 400
    public static let hoursKept: UInt32 = 8 * 24
    public static let alertsKeptSeconds: Int64 = 90 * 86_400
}

/// The rules of the usage history and its alerts.
public enum UsageHistory {
    public static let revokedAlertInterval: Int64 = 3600
    public static let spikeAlertInterval: Int64 = 3600
    public static let newKeyAge: Int64 = 86_400
    public static let spikeMinimum: UInt64 = 100
    public static let spikeFactor: Double = 10
    /// New-ip alerts one key raises in one flush at most (the others are named in its details).
    public static let newIPAlertsPerFlush = 4
    /// Keys whose old days and hours one flush drops when they are no longer used.
    public static let sweepPerFlush = 64
    public static let alertsPrunedPerFlush = 256
}

extension Decisions {
    /// A flush of the loops' counts, with the alerts they raise, as one change set: uses and
    /// history for the keys that still exist, old history dropped (bounded work), `failures`
    /// for the bursts the writer found. `history` reads what is stored of the history.
    /// `sweepAfter`: where the sweep of idle keys' old days resumes.
    public static func usage(_ report: UsageReport, bursts: [FailureBurst], sweepAfter: KeyID?, at now: Timestamp,
                             reading view: any RecordReading, history: any UsageReading,
                             baselines: SpikeBaselines = SpikeBaselines()) throws -> (ChangeSet, alerts: [Alert], sweptTo: KeyID?) {
        var builder = try ChangeSetBuilder(view, by: Actor(uid: 0, user: "papaoursd"), at: now)
        // Each key read once (a key deleted since is passed over), in id order: the same set on every store.
        var keys: [KeyID: KeyRecord] = [:]
        for id in Set(report.uses.keys).union(report.activity.keys) {
            if let key = try view.key(id: id) { keys[id] = key }
        }
        let ids = keys.keys.sorted()
        for id in ids { if let delta = report.uses[id] { builder.record(.addUsage(id, delta)) } }
        var alerts: [Alert] = []
        var nextAlert = try history.lastAlertSequence() + 1
        func raise(_ kind: AlertKind, key: KeyID?, machine: MachineID?, ip: String, _ details: String, _ facts: [AlertFact]) {
            alerts.append(Alert(seq: nextAlert, time: now, kind: kind, key: key, machine: machine, ip: ip, details: details, facts: facts))
            nextAlert += 1
        }
        let today = UsageClock.day(now), thisHour = UsageClock.hour(now)
        let keepDaysFrom = today >= UsageHistory.daysKept ? today - (UsageHistory.daysKept - 1) : 0
        let keepHoursFrom = thisHour >= UsageHistory.hoursKept ? thisHour - (UsageHistory.hoursKept - 1) : 0
        for id in ids {
            guard let activity = report.activity[id], let key = keys[id] else { continue }
            let old = activity.addresses.contains { $0.first.seconds - key.created.seconds > UsageHistory.newKeyAge }
            // What is stored of the key's addresses and marks matters only to its alerts: read when one may be raised.
            var read: KeyAddresses?
            func stored() throws -> KeyAddresses {
                if let read { return read }
                read = try history.addresses(of: id)
                return read!
            }
            // Old days and hours are dropped at a key's first flush of each hour (0: keep all, nothing to look at).
            let prune = baselines.firstFlush(of: id, hour: thisHour)
            var change = ActivityChange(activity: activity, keepDaysFrom: prune ? keepDaysFrom : 0, keepHoursFrom: prune ? keepHoursFrom : 0)
            if let revoked = activity.revoked,
               try stored().revokedAlerted.map({ now.seconds - $0.seconds >= UsageHistory.revokedAlertInterval }) ?? true {
                raise(.revokedUse, key: id, machine: key.machine, ip: revoked.ip,
                      "the key was presented and refused as \(revoked.reason) (\(revoked.count) time(s) since the last count): someone still holds a key that was taken away",
                      [AlertFact("reason", revoked.reason), AlertFact("count", String(revoked.count))])
                change.revokedAlerted = now
            }
            // The key's age when the address was first seen, not when the loop's count reached the writer.
            if old {
                let known = Set(try stored().addresses.map(\.ip))
                let fresh = activity.addresses.filter {
                    !known.contains($0.ip) && $0.first.seconds - key.created.seconds > UsageHistory.newKeyAge
                }.sorted { $0.first < $1.first }
                for use in fresh.prefix(UsageHistory.newIPAlertsPerFlush) {
                    let last = fresh.count > UsageHistory.newIPAlertsPerFlush && use == fresh[UsageHistory.newIPAlertsPerFlush - 1]
                    let others = last ? fresh.count - UsageHistory.newIPAlertsPerFlush : 0
                    raise(.newIP, key: id, machine: key.machine, ip: use.ip,
                          "the key (created \(key.created)) was used from \(ChangeLog.quoted(use.ip)), never seen for it"
                              + (others > 0 ? "; \(others) other new address(es) in the same count" : ""),
                          [AlertFact("created", key.created.description), AlertFact("others", String(others))])
                }
            }
            if let spike = try spike(of: key, adding: activity, history: history, baselines: baselines, at: now),
               try stored().spikeAlerted.map({ now.seconds - $0.seconds >= UsageHistory.spikeAlertInterval }) ?? true {
                raise(.spike, key: id, machine: key.machine, ip: activity.addresses.last?.ip ?? "",
                      "\(spike.calls) calls in the last hour, ten times above the key's hourly median over the last seven days (\(spike.median))",
                      [AlertFact("calls", String(spike.calls)), AlertFact("median", String(spike.median))])
                change.spikeAlerted = now
            }
            builder.record(.addActivity(id, change))
        }
        for burst in bursts {
            let from = burst.source.ip.isEmpty ? "peer uid \(burst.source.uid)" : ChangeLog.quoted(burst.source.ip)
            raise(.failures, key: nil, machine: nil, ip: burst.source.ip,
                  "\(burst.count) refusals of unknown or malformed keys within a minute from \(from)",
                  [AlertFact("count", String(burst.count))] + (burst.source.ip.isEmpty ? [AlertFact("uid", String(burst.source.uid))] : []))
        }
        for alert in alerts { builder.record(.putAlert(alert)) }
        // Bounded upkeep: alerts past 90 days, and the old days of keys no longer used.
        builder.record(.pruneAlerts(before: Timestamp(seconds: now.seconds - UsageHistory.alertsKeptSeconds),
                                    limit: UsageHistory.alertsPrunedPerFlush))
        let swept = try history.keysWithHistory(after: sweepAfter, limit: UsageHistory.sweepPerFlush)
        if !swept.isEmpty { builder.record(.pruneHistory(swept, keepDaysFrom: keepDaysFrom, keepHoursFrom: keepHoursFrom)) }
        return (builder.set, alerts, swept.count < UsageHistory.sweepPerFlush ? nil : swept.last)
    }

    /// The key's calls in the last hour (this hour's, and the part of the previous hour within
    /// the last 60 minutes), when at least 100 and more than ten times the median of its complete
    /// hours over the last seven days (zeros included; hours before the key was made are not its
    /// own, and a key with no complete hour yet has no median).
    static func spike(of key: KeyRecord, adding activity: KeyActivity, history: any UsageReading, baselines: SpikeBaselines,
                      at now: Timestamp) throws -> (calls: UInt64, median: Double)? {
        let thisHour = UsageClock.hour(now)
        let added = activity.hours.reduce(UInt64(0)) { $0 + ($1.hour + 1 >= thisHour ? $1.calls : 0) }
        guard added > 0, thisHour > 168 else { return nil }
        var recent: [UInt32: UInt64] = [:]
        for h in try history.hourCounts(of: key.id, from: thisHour - 1) { recent[h.hour, default: 0] += h.calls }
        for h in activity.hours where h.hour + 1 >= thisHour { recent[h.hour, default: 0] += h.calls }
        let intoHour = Double(now.seconds % 3600) / 3600
        let calls = (recent[thisHour] ?? 0) + UInt64(Double(recent[thisHour - 1] ?? 0) * (1 - intoHour))
        guard calls >= UsageHistory.spikeMinimum else { return nil }
        // The median of complete hours changes only when the hour does: read once an hour per key.
        let median: Double?
        if let known = baselines.median(of: key.id, hour: thisHour) {
            median = known
        } else {
            median = try hourlyMedian(of: key, before: thisHour, adding: activity, history: history)
            baselines.remember(median, of: key.id, hour: thisHour)
        }
        guard let median, Double(calls) > UsageHistory.spikeFactor * median else { return nil }
        return (calls, median)
    }

    /// The median of the key's calls in the 168 complete hours before `hour` (zeros included;
    /// hours before the key was made are not its own); nil when it has none yet.
    static func hourlyMedian(of key: KeyRecord, before hour: UInt32, adding activity: KeyActivity,
                             history: any UsageReading) throws -> Double? {
        var counts: [UInt32: UInt64] = [:]
        for h in try history.hourCounts(of: key.id, from: hour - 168) { counts[h.hour, default: 0] += h.calls }
        for h in activity.hours { counts[h.hour, default: 0] += h.calls }
        let firstOwn = UInt32(clamping: (key.created.seconds + 3599) / 3600)
        let hours = (hour - 168..<hour).filter { $0 >= firstOwn }
        guard !hours.isEmpty else { return nil }
        let sorted = hours.map { counts[$0] ?? 0 }.sorted()
        return sorted.count % 2 == 1 ? Double(sorted[sorted.count / 2])
            : (Double(sorted[sorted.count / 2 - 1]) + Double(sorted[sorted.count / 2])) / 2
    }
}

/// The writer's memory for the current hour: each key's hourly median (`spike`), so that a
/// flush reads two hours of a busy key, not 168, and the keys whose old history was dropped. Holds the keys used this hour at most.
public final class SpikeBaselines {
    private var hour: UInt32 = 0
    private var medians: [KeyID: Double?] = [:]
    private var pruneHour: UInt32 = 0
    private var pruned: Set<KeyID> = []

    public init() {}

    /// Whether this is the key's first flush this hour (and so the one that drops its old history).
    func firstFlush(of key: KeyID, hour: UInt32) -> Bool {
        if hour != pruneHour {
            pruned.removeAll(keepingCapacity: true)
            pruneHour = hour
        }
        return pruned.insert(key).inserted
    }

    func median(of key: KeyID, hour: UInt32) -> Double?? {
        guard hour == self.hour else { return nil }
        return medians[key]
    }

    func remember(_ median: Double?, of key: KeyID, hour: UInt32) {
        if hour != self.hour {
            medians.removeAll(keepingCapacity: true)
            self.hour = hour
        }
        medians[key] = .some(median)
    }
}

// MARK: Bytes

enum UsageCoding {
    static func encode(_ a: KeyAddresses) -> [UInt8] {
        var w = RecordWriter(version: RecordCoding.layout)
        w.u8(a.revokedAlerted == nil ? 0 : 1)
        w.time(a.revokedAlerted ?? Timestamp(seconds: 0))
        w.u8(a.spikeAlerted == nil ? 0 : 1)
        w.time(a.spikeAlerted ?? Timestamp(seconds: 0))
        w.varint(UInt64(a.addresses.count))
        for use in a.addresses {
            w.shortText(use.ip)
            w.time(use.first)
            // The last sighting as the time since the first: a few bytes.
            w.varint(UInt64(max(0, use.last.seconds - use.first.seconds)))
            w.varint(use.count)
        }
        return w.bytes
    }

    static func decodeAddresses(_ bytes: UnsafeRawBufferPointer) throws(RecordReader.Corrupt) -> KeyAddresses {
        var r = RecordReader(bytes)
        guard try r.u8() == RecordCoding.layout else { throw RecordReader.Corrupt() }
        var a = KeyAddresses()
        let hasRevoked = try r.u8()
        let revoked = try r.time()
        let hasSpike = try r.u8()
        let spike = try r.time()
        a.revokedAlerted = hasRevoked == 0 ? nil : revoked
        a.spikeAlerted = hasSpike == 0 ? nil : spike
        let n = try r.varint()
        guard n <= UInt64(KeyActivity.maxAddresses) else { throw RecordReader.Corrupt() }
        for _ in 0..<n {
            let ip = try r.shortText()
            let first = try r.time()
            let since = try r.varint()
            guard since <= UInt64(Int64.max / 2) else { throw RecordReader.Corrupt() }
            a.addresses.append(AddressUse(ip: ip, first: first, last: Timestamp(seconds: first.seconds &+ Int64(since)), count: try r.varint()))
        }
        return a
    }

    static func encode(_ alert: Alert) -> [UInt8] {
        var w = RecordWriter(version: RecordCoding.layout)
        w.time(alert.time)
        w.u8(alert.kind.code)
        w.shortBytes(alert.key?.stored ?? [])
        w.shortBytes(alert.machine?.stored ?? [])
        w.shortText(alert.ip)
        w.shortText(alert.details)
        // The figures after, only when there are: an alert stored before them reads the same.
        if !alert.facts.isEmpty {
            w.varint(UInt64(alert.facts.count))
            for fact in alert.facts {
                w.shortText(fact.name)
                w.shortText(fact.value)
            }
        }
        return w.bytes
    }

    static func decodeAlert(_ bytes: UnsafeRawBufferPointer, seq: UInt64) throws(RecordReader.Corrupt) -> Alert {
        var r = RecordReader(bytes)
        guard try r.u8() == RecordCoding.layout else { throw RecordReader.Corrupt() }
        let time = try r.time()
        let code = try r.u8()
        guard let kind = AlertKind.allCases.first(where: { $0.code == code }) else { throw RecordReader.Corrupt() }
        let key = try r.shortTextBytes()
        let machine = try r.shortTextBytes()
        var alert = Alert(seq: seq, time: time, kind: kind, key: key.isEmpty ? nil : KeyID(stored: key),
                          machine: machine.isEmpty ? nil : MachineID(stored: machine), ip: try r.shortText(), details: try r.shortText())
        if r.offset < r.bytes.count {
            let n = try r.varint()
            guard n > 0, n <= UInt64(kind.factNames.count) else { throw RecordReader.Corrupt() }
            for _ in 0..<n { alert.facts.append(AlertFact(try r.shortText(), try r.shortText())) }
        }
        return alert
    }
}

// MARK: Applying (mechanical, as Apply.swift)

extension Store {
    func addActivity(_ change: ActivityChange, to id: KeyID, in txn: borrowing WriteTransaction) throws {
        let idBytes = id.stored
        guard try keyIDs.get(idBytes, in: txn) != nil else { return }
        try daySeries.add(idBytes, change.activity.days.map { ($0.day, [$0.ok, $0.denied]) }, in: txn)
        try hourSeries.add(idBytes, change.activity.hours.map { ($0.hour, [$0.calls]) }, in: txn)
        if change.keepDaysFrom > 0 || change.keepHoursFrom > 0 {
            try pruneHistory(of: idBytes, keepDaysFrom: change.keepDaysFrom, keepHoursFrom: change.keepHoursFrom, in: txn)
        }
        var stored = try addresses(of: id, in: txn)
        // The flush's addresses (most recent first) before those only stored, then most recent
        // first by time (a stable sort: within one second, the order they were seen in).
        var merged: [AddressUse] = []
        for use in change.activity.addresses.reversed() {
            var use = use
            if let old = stored.addresses.first(where: { $0.ip == use.ip }) { use.merge(old) }
            merged.append(use)
        }
        let fresh = Set(merged.map(\.ip))
        stored.addresses = merged + stored.addresses.filter { !fresh.contains($0.ip) }
        let inOrder = zip(stored.addresses, stored.addresses.dropFirst()).allSatisfy { $0.last >= $1.last }
        if !inOrder {
            stored.addresses = stored.addresses.enumerated().sorted { a, b in
                a.element.last != b.element.last ? a.element.last > b.element.last : a.offset < b.offset
            }.map(\.element)
        }
        if stored.addresses.count > KeyActivity.maxAddresses { stored.addresses.removeLast(stored.addresses.count - KeyActivity.maxAddresses) }
        if let t = change.revokedAlerted { stored.revokedAlerted = t }
        if let t = change.spikeAlerted { stored.spikeAlerted = t }
        try keyAddresses.put(idBytes, UsageCoding.encode(stored), in: txn)
    }

    func pruneHistory(of idBytes: [UInt8], keepDaysFrom: UInt32, keepHoursFrom: UInt32, in txn: borrowing WriteTransaction) throws {
        try daySeries.prune(idBytes, keepFrom: keepDaysFrom, in: txn)
        try hourSeries.prune(idBytes, keepFrom: keepHoursFrom, in: txn)
    }

    /// Forgets a deleted key's history.
    func deleteHistory(of idBytes: [UInt8], in txn: borrowing WriteTransaction) throws {
        try daySeries.deleteAll(idBytes, in: txn)
        try hourSeries.deleteAll(idBytes, in: txn)
        try keyAddresses.delete(idBytes, in: txn)
    }

    func put(_ alert: Alert, in txn: borrowing WriteTransaction) throws {
        try alerts.put(RecordCoding.sequenceKey(alert.seq), UsageCoding.encode(alert), append: true, in: txn)
    }

    func pruneAlerts(before: Timestamp, limit: Int, in txn: borrowing WriteTransaction) throws {
        var old: [[UInt8]] = []
        try alerts.scan(in: txn) { key, value in
            let time = try value.withUnsafeBytes { try Store.decoded($0, "alert", { try UsageCoding.decodeAlert($0, seq: 0) }) }.time
            guard time < before, old.count < limit else { return false }
            old.append(key)
            return true
        }
        for key in old { try alerts.delete(key, in: txn) }
    }

    func addresses<T: Transaction & ~Copyable>(of id: KeyID, in txn: borrowing T) throws -> KeyAddresses {
        guard let bytes = try keyAddresses.get(id.stored, in: txn) else { return KeyAddresses() }
        return try bytes.withUnsafeBytes { try Store.decoded($0, "addresses of key \(id)", UsageCoding.decodeAddresses) }
    }
}

// MARK: Reading

extension Snapshot: UsageReading {
    public func addresses(of key: KeyID) throws -> KeyAddresses { try store.addresses(of: key, in: self) }

    public func hourCounts(of key: KeyID, from hour: UInt32) throws -> [HourCount] {
        try store.hourSeries.read(key.stored, from: hour, through: UInt32.max, in: self).map { HourCount(hour: $0.slot, calls: $0.counts[0]) }
    }

    /// The key's days from `first` through `last`, oldest first; days without a call are absent.
    public func usageDays(of key: KeyID, from first: UInt32, through last: UInt32) throws -> [DayCount] {
        try store.daySeries.read(key.stored, from: first, through: last, in: self).map {
            DayCount(day: $0.slot, ok: $0.counts[0], denied: $0.counts[1])
        }
    }

    public func lastAlertSequence() throws -> UInt64 {
        try store.alerts.lastKey(in: self).map(RecordCoding.sequence(fromKey:)) ?? 0
    }

    /// At most `limit` alerts after `after`, oldest first.
    public func alerts(after: UInt64, limit: Int) throws -> [Alert] {
        guard limit > 0, after < UInt64.max else { return [] }
        var found: [Alert] = []
        try store.alerts.scan(from: RecordCoding.sequenceKey(after + 1), in: self) { key, value in
            let seq = RecordCoding.sequence(fromKey: key)
            found.append(try value.withUnsafeBytes { try Store.decoded($0, "alert \(seq)", { try UsageCoding.decodeAlert($0, seq: seq) }) })
            return found.count < limit
        }
        return found
    }

    public func keysWithHistory(after: KeyID?, limit: Int) throws -> [KeyID] {
        var keys: [KeyID] = []
        try store.keyAddresses.scan(from: after.map { $0.stored + [0] }, in: self) { key, _ in
            keys.append(KeyID(stored: key))
            return keys.count < limit
        }
        return keys
    }
}

// MARK: Space

extension Store {
    /// What the history occupies, database by database (pages × page size), for the bench.
    public struct HistorySpace: Sendable {
        public let databases: [(name: String, entries: Int, bytes: Int)]
        /// Days with counts, over every key (each block's entries).
        public let keyDays: Int
        public var bytesPerKeyDay: Double {
            guard let days = databases.first(where: { $0.name == "usage-days" }), keyDays > 0 else { return 0 }
            return Double(days.bytes) / Double(keyDays)
        }
    }

    public func historySpace() throws(StoreError) -> HistorySpace {
        try read { snapshot in
            var found: [(name: String, entries: Int, bytes: Int)] = []
            for database in [usageDays, usageHours, keyAddresses, alerts] {
                var s = MDB_stat()
                try LMDBError.check(mdb_stat(snapshot.handle, database.dbi, &s), "stat \(database.name)")
                found.append((database.name, s.ms_entries, (s.ms_branch_pages + s.ms_leaf_pages + s.ms_overflow_pages) * Int(s.ms_psize)))
            }
            var keyDays = 0
            try usageDays.scan(in: snapshot) { k, value in
                keyDays += try daySeries.decode(value, block: PackedSeries.block(of: k)).count
                return true
            }
            return HistorySpace(databases: found, keyDays: keyDays)
        }
    }
}
