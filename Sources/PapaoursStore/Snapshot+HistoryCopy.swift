import PapaoursCore

extension Snapshot {
    /// The whole usage history (every key's days, hours, addresses and alert marks, then every
    /// alert) as changes that give it back when applied to a store holding the same keys and
    /// no history: what `--cluster-init` leaves the fleet for hosts that join later.
    public func historyAsChanges() throws -> [ChangeSet.Change] {
        var changes: [ChangeSet.Change] = []
        var after: KeyID?
        while true {
            let keys = try keysWithHistory(after: after, limit: 1000)
            guard let last = keys.last else { break }
            for key in keys {
                let stored = try addresses(of: key)
                var activity = KeyActivity()
                activity.days = try usageDays(of: key, from: 0, through: UInt32.max)
                activity.hours = try hourCounts(of: key, from: 0)
                // A flush lists addresses least recently seen first; the store, most recent first.
                activity.addresses = stored.addresses.reversed()
                changes.append(.addActivity(key, ActivityChange(activity: activity, revokedAlerted: stored.revokedAlerted,
                                                                spikeAlerted: stored.spikeAlerted)))
            }
            after = last
        }
        var seq: UInt64 = 0
        while true {
            let page = try alerts(after: seq, limit: 1000)
            guard let last = page.last else { break }
            changes += page.map { .putAlert($0) }
            seq = last.seq
        }
        return changes
    }
}

extension ChangeSet.Change {
    /// Whether the change is the usage history's (days, hours, addresses, alerts), which the
    /// fleet's tables do not hold: a host copying the fleet replays these from the stream.
    public var isHistory: Bool {
        switch self {
        case .addActivity, .putAlert, .pruneAlerts, .pruneHistory: true
        default: false
        }
    }
}
