import PapaoursCore

/// One day of a key's history in an import (`IMPORT DAY`).
public struct KeyDay: Sendable, Equatable {
    public var key: KeyID
    public var day: DayCount

    public init(key: KeyID, day: DayCount) { (self.key, self.day) = (key, day) }
}

/// One address of a key's history in an import (`IMPORT IP`).
public struct KeyAddress: Sendable, Equatable {
    public var key: KeyID
    public var use: AddressUse

    public init(key: KeyID, use: AddressUse) { (self.key, self.use) = (key, use) }
}

extension Decisions {
    /// The usage history and the alerts of an import, into its change set. Counts are added to
    /// what the store holds, as a flush adds them, never put in its place: one `addActivity` a
    /// key, its days within the 400 kept, its 64 most recently seen addresses. An alert already
    /// stored under its sequence number is skipped, one past the 90 days kept too; another is
    /// put under its own number when that is above the store's last, else numbered after it.
    /// A day or address of a key neither in the store nor in the import is refused.
    static func importUsage(_ batch: ImportBatch, reading view: any RecordReading, history: any UsageReading, at now: Timestamp,
                            into builder: inout ChangeSetBuilder, report: inout ImportReport, refused: inout [String]) throws {
        let today = UsageClock.day(now)
        let keepDaysFrom = today >= UsageHistory.daysKept ? today - (UsageHistory.daysKept - 1) : 0
        var days: [KeyID: [UInt32: DayCount]] = [:]
        var addresses: [KeyID: [String: AddressUse]] = [:]
        var missing: Set<KeyID> = []
        func known(_ key: KeyID) throws -> Bool {
            if try batch.keyIDs.contains(key) || view.key(id: key) != nil { return true }
            if missing.insert(key).inserted { refused.append("usage of key \(key): the key is neither in the store nor in the import") }
            return false
        }
        for d in batch.days where try known(d.key) {
            guard d.day.day >= keepDaysFrom else { report.daysSkipped += 1; continue }
            days[d.key, default: [:]][d.day.day, default: DayCount(day: d.day.day, ok: 0, denied: 0)].add(d.day)
        }
        for a in batch.addresses where try known(a.key) {
            if addresses[a.key, default: [:]][a.use.ip]?.merge(a.use) == nil { addresses[a.key]![a.use.ip] = a.use }
        }
        // In id order, each key's days oldest first and addresses least recently seen first: the same set on every store.
        for id in Set(days.keys).union(addresses.keys).sorted() {
            var activity = KeyActivity()
            activity.days = (days[id] ?? [:]).values.sorted { $0.day < $1.day }
            let seen = (addresses[id] ?? [:]).values.sorted { $0.last != $1.last ? $0.last < $1.last : $0.ip < $1.ip }
            activity.addresses = Array(seen.suffix(KeyActivity.maxAddresses))
            report.daysAdded += activity.days.count
            report.addressesAdded += activity.addresses.count
            report.addressesSkipped += seen.count - activity.addresses.count
            builder.record(.addActivity(id, ActivityChange(activity: activity, keepDaysFrom: keepDaysFrom)))
        }
        let stored = try history.lastAlertSequence()
        var last = stored
        let oldest = now.seconds - UsageHistory.alertsKeptSeconds
        for var alert in batch.alerts.sorted(by: { $0.seq < $1.seq }) {
            if alert.time.seconds < oldest {
                report.alertsSkipped += 1
                continue
            }
            if alert.seq <= stored, try history.alerts(after: alert.seq - 1, limit: 1).first == alert {
                report.alertsSkipped += 1
                continue
            }
            if alert.seq <= last { alert.seq = last + 1 }
            last = alert.seq
            builder.record(.putAlert(alert))
            report.alertsAdded += 1
        }
    }
}

extension DayCount {
    mutating func add(_ other: DayCount) {
        ok &+= other.ok
        denied &+= other.denied
    }
}

/// The history's reads for a write decided within a batch: the snapshot's, and the alerts the
/// batch's earlier change sets put (so that the next alert is numbered after them).
public struct BatchHistory: UsageReading {
    private let base: any UsageReading
    private let view: BatchView

    public init(over base: any UsageReading, view: BatchView) { (self.base, self.view) = (base, view) }

    public func addresses(of key: KeyID) throws -> KeyAddresses { try base.addresses(of: key) }
    public func hourCounts(of key: KeyID, from hour: UInt32) throws -> [HourCount] { try base.hourCounts(of: key, from: hour) }
    public func lastAlertSequence() throws -> UInt64 { max(try base.lastAlertSequence(), view.lastAlert ?? 0) }
    public func alerts(after: UInt64, limit: Int) throws -> [Alert] { try base.alerts(after: after, limit: limit) }
    public func keysWithHistory(after: KeyID?, limit: Int) throws -> [KeyID] { try base.keysWithHistory(after: after, limit: limit) }
}
