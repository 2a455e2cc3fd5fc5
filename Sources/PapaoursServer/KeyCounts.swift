import PapaoursCore
import PapaoursStore

/// The UTC hour an event loop is counting in: VERIFY compares its time with the hour's bounds
/// (two comparisons), the day and hour numbers are computed only when the hour changes.
struct UsageHour: Equatable {
    private(set) var start: Int64 = 0
    private(set) var end: Int64 = 0
    private(set) var day: UInt32 = 0
    private(set) var hour: UInt32 = 0

    @inline(__always)
    func holds(_ now: Timestamp) -> Bool { now.seconds >= start && now.seconds < end }

    init() {}

    init(of now: Timestamp) {
        hour = UsageClock.hour(now)
        day = UsageClock.day(now)
        start = Int64(hour) * 3600
        end = start + 3600
        if now.seconds < 0 { (start, end) = (Int64.min, 0) }
    }
}

/// One key's counts in one event loop since the last flush: plain counters for the hour being
/// counted, the hours already closed, its addresses' chain (AddressSightings) and its last
/// revoked presentation. Turned into a KeyActivity only at the flush.
struct KeyCounts {
    let key: StoredID
    var uses: UInt64 = 0
    var lastUsed = Timestamp(seconds: 0)
    var lastIP = ""
    /// This hour's VERIFYs accepted and refused (usage-history on).
    var ok: UInt64 = 0
    var denied: UInt64 = 0
    /// The days and hours of hours already closed since the flush (rare: an hour changed).
    var earlier: KeyActivity?
    var revoked: KeyActivity.RevokedUse?
    var addresses = AddressSightings.List()

    init(key: StoredID) { self.key = key }

    var hasActivity: Bool { ok + denied > 0 || earlier != nil }

    /// The hour `hour` ends: its counts join the earlier ones.
    mutating func close(_ hour: UsageHour) {
        guard ok + denied > 0 else { return }
        var closed = KeyActivity()
        closed.days = [DayCount(day: hour.day, ok: ok, denied: denied)]
        closed.hours = [HourCount(hour: hour.hour, calls: ok &+ denied)]
        if earlier == nil { earlier = closed } else { earlier!.merge(closed) }
        (ok, denied) = (0, 0)
    }

    /// What VERIFY did with the key since the flush, the current hour `hour` included.
    func activity(in hour: UsageHour, sightings: AddressSightings) -> KeyActivity {
        var copy = self
        copy.close(hour)
        var activity = copy.earlier ?? KeyActivity()
        activity.addresses = sightings.uses(of: addresses)
        activity.revoked = revoked
        return activity
    }
}
