import PapaoursCore
import Synchronization

/// Who may take a connection slot: `max-connections` in all, of which the last
/// `reserved-connections` only for root and holders of machines.write (administrators), and at
/// most `max-connections-per-user` for any one uid but root. So one uid cannot take every slot,
/// and an administrator can always get in to see why.
final class Admission: Sendable {
    private struct Counts {
        var total = 0
        var byUser: [UInt32: Int] = [:]
    }

    private let counts = Locked(Counts())
    private let stats: ServerStats

    init(stats: ServerStats) { self.stats = stats }

    /// Takes a slot for `peer`, or says in words why there is none.
    func admit(_ peer: PeerCredentials, administrator: Bool, under configuration: Configuration) -> String? {
        let privileged = peer.uid == 0 || administrator
        let refusal = counts.withLock { counts -> String? in
            let limit = configuration.maxConnections - (privileged ? 0 : configuration.reserve)
            if counts.total >= limit { return "too many connections" }
            let mine = counts.byUser[peer.uid, default: 0]
            if peer.uid != 0 && mine >= configuration.maxConnectionsPerUser {
                return "too many connections from uid \(peer.uid) (\(configuration.maxConnectionsPerUser) at most)"
            }
            counts.total += 1
            counts.byUser[peer.uid] = mine + 1
            return nil
        }
        if refusal == nil { stats.connections.add(1, ordering: .relaxed) }
        return refusal
    }

    /// Gives back the slot of a connection of `uid` that closed.
    func release(uid: UInt32) {
        counts.withLock { counts in
            counts.total -= 1
            let left = counts.byUser[uid, default: 1] - 1
            counts.byUser[uid] = left > 0 ? left : nil
        }
        stats.connections.subtract(1, ordering: .relaxed)
    }
}
