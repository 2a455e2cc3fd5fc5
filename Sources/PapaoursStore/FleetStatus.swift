import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What a host knows of its fleet, written by the fleet's threads and read by STATS, the
/// service status and VERIFY (`cluster-max-stale`): lock-free, one word each.
public final class FleetStatus: Sendable {
    public enum Link: UInt8, Sendable {
        case off, connected, disconnected

        public var name: String {
            switch self {
            case .off: "off"
            case .connected: "connected"
            case .disconnected: "disconnected"
            }
        }
    }

    public let hostName: String
    /// `cluster-max-stale` in milliseconds, nil when off.
    public let maxStale: Int?
    private let linkState = Atomic<UInt8>(Link.off.rawValue)
    private let heardAt = Atomic<Int64>(0)
    private let fleetHead = Atomic<UInt64>(0)
    private let behindSince = Atomic<Int64>(0)
    private let failingClosed = Atomic<Bool>(false)

    public init(hostName: String, maxStale: Int? = nil, inFleet: Bool) {
        self.hostName = hostName
        self.maxStale = maxStale
        if inFleet { linkState.store(Link.disconnected.rawValue, ordering: .relaxed) }
        heardAt.store(FleetStatus.monotonicMilliseconds(), ordering: .relaxed)
    }

    public var link: Link { Link(rawValue: linkState.load(ordering: .relaxed)) ?? .off }
    /// The fleet's change sequence as PostgreSQL last said it.
    public var head: UInt64 { fleetHead.load(ordering: .relaxed) }

    /// PostgreSQL answered: the head it gave, and the sequence this replica has reached.
    public func heard(head: UInt64, reached: UInt64) {
        let now = FleetStatus.monotonicMilliseconds()
        linkState.store(Link.connected.rawValue, ordering: .relaxed)
        heardAt.store(now, ordering: .relaxed)
        fleetHead.store(max(head, reached), ordering: .relaxed)
        if reached >= head {
            behindSince.store(0, ordering: .relaxed)
        } else if behindSince.load(ordering: .relaxed) == 0 {
            behindSince.store(now, ordering: .relaxed)
        }
        failingClosed.store(false, ordering: .relaxed)
    }

    /// PostgreSQL cannot be reached (or broke off).
    public func lost() {
        linkState.store(Link.disconnected.rawValue, ordering: .relaxed)
        checkStale()
    }

    /// Sets the fail-closed state of `cluster-max-stale` from the time nothing was heard.
    public func checkStale() {
        guard let maxStale, link != .off else { return }
        let silent = FleetStatus.monotonicMilliseconds() - heardAt.load(ordering: .relaxed)
        failingClosed.store(silent > Int64(maxStale), ordering: .relaxed)
    }

    /// Set when `cluster-max-stale` has passed with nothing from PostgreSQL: VERIFY fails closed.
    public var isStale: Bool { failingClosed.load(ordering: .relaxed) }

    /// How long the replica has been behind the head it knows of, in milliseconds.
    public var lagMilliseconds: Int64 {
        let since = behindSince.load(ordering: .relaxed)
        return since == 0 ? 0 : max(0, FleetStatus.monotonicMilliseconds() - since)
    }

    /// Milliseconds since PostgreSQL last answered.
    public var silentMilliseconds: Int64 { max(0, FleetStatus.monotonicMilliseconds() - heardAt.load(ordering: .relaxed)) }

    public static func monotonicMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
