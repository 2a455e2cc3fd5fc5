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
/// counted and its addresses' chain (AddressSightings), in 64 bytes, since VERIFY touches them
/// all; what few keys have (hours already closed, a revoked presentation) is boxed apart.
/// Turned into a KeyActivity only at the flush.
struct KeyCounts {
    var uses: UInt64 = 0
    var lastUsed = Timestamp(seconds: 0)
    var lastIP = ""
    /// This hour's VERIFYs accepted and refused (usage-history on); an hour that would count
    /// past 2³² - 1 is closed early (its day and hour are merged when reported).
    private(set) var ok: UInt32 = 0
    private(set) var denied: UInt32 = 0
    var addresses = AddressSightings.List()
    private var rare: Rare?

    final class Rare {
        /// The days and hours of hours already closed since the flush (an hour changed).
        var earlier: KeyActivity?
        var revoked: KeyActivity.RevokedUse?
    }

    init() {}

    var hasActivity: Bool { ok > 0 || denied > 0 || rare?.earlier != nil }

    @inline(__always)
    mutating func count(ok accepted: Bool, in hour: UsageHour) {
        if ok == .max || denied == .max { close(hour) }
        if accepted { ok &+= 1 } else { denied &+= 1 }
    }

    /// A presentation of the key after it was taken away (revoked-use).
    mutating func revoked(_ reason: String, ip: String, at now: Timestamp) {
        if rare == nil { rare = Rare() }
        let times = (rare!.revoked?.count ?? 0) + 1
        rare!.revoked = KeyActivity.RevokedUse(time: now, reason: reason, ip: ip, count: times)
    }

    /// The hour `hour` ends: its counts join the earlier ones.
    mutating func close(_ hour: UsageHour) {
        guard ok > 0 || denied > 0 else { return }
        if rare == nil { rare = Rare() }
        rare!.earlier = withCounts(of: hour, added: rare!.earlier)
        (ok, denied) = (0, 0)
    }

    /// What VERIFY did with the key since the flush, the current hour `hour` included.
    func activity(in hour: UsageHour, sightings: AddressSightings) -> KeyActivity {
        var activity = withCounts(of: hour, added: rare?.earlier) ?? KeyActivity()
        activity.addresses = sightings.uses(of: addresses)
        activity.revoked = rare?.revoked
        return activity
    }

    /// `earlier` with this hour's counts added (nil when both are empty).
    private func withCounts(of hour: UsageHour, added earlier: KeyActivity?) -> KeyActivity? {
        guard ok > 0 || denied > 0 else { return earlier }
        var this = KeyActivity()
        this.days = [DayCount(day: hour.day, ok: UInt64(ok), denied: UInt64(denied))]
        this.hours = [HourCount(hour: hour.hour, calls: UInt64(ok) + UInt64(denied))]
        guard var merged = earlier else { return this }
        merged.merge(this)
        return merged
    }
}
