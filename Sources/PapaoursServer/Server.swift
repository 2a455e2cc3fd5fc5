import PapaoursCore
import PapaoursStore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// papaoursd's engine: event loops (one per CPU by default) and the single writer.
public final class Server: @unchecked Sendable {
    public static let version = "0.1.0"

    private let shared: SharedState
    private var loops: [EventLoop] = []
    /// RLIMIT_NOFILE, raised to its hard limit at start: max-connections is kept within it.
    private let descriptorLimit: Int
    private let follower: (any ChangeFollower)?
    private var followerThread: OSThread?

    /// A fleet's host passes its PostgreSQL (`storeOfRecord`), what follows the others'
    /// changes, and the status they share; a lone host none of them.
    public init(configuration: Configuration, store: Store, listener: ListeningSocket, gates: [GateListener] = [],
                storeOfRecord: (any StoreOfRecord)? = nil, follower: (any ChangeFollower)? = nil, fleet: FleetStatus? = nil) throws {
        let stats = ServerStats(started: Timestamp.now().seconds,
                                fleet: fleet ?? FleetStatus(hostName: configuration.effectiveHostName, inFleet: false))
        stats.storeCheck.expect(store)
        self.follower = follower
        let writer = try Writer(store: store, stats: stats, storeOfRecord: storeOfRecord)
        let count = configuration.threads > 0 ? configuration.threads : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        descriptorLimit = DescriptorBudget.raiseLimit()
        shared = SharedState(store: store, writer: writer, stats: stats, version: Server.version,
                             listenFD: listener.fd, gates: gates,
                             configuration: Server.fitted(configuration, limit: descriptorLimit, loops: count))
        for index in 0..<count { loops.append(try EventLoop(index: index, shared: shared)) }
        for loop in loops { loop.peers = loops }
    }

    public var loopCount: Int { loops.count }

    public func start() {
        shared.writer.start()
        for loop in loops { loop.start() }
        if let follower { followerThread = OSThread(name: "papaours-follow") { follower.run() } }
    }

    /// Called about once a second from the first loop (systemd's watchdog rides on it).
    public func onTick(_ body: @escaping @Sendable () -> Void) {
        shared.tick.withLock { $0 = body }
    }

    /// New grants and limits for every connection, old and new.
    public func reload(_ configuration: Configuration) {
        shared.replace(Server.fitted(configuration, limit: descriptorLimit, loops: loops.count))
        for loop in loops { loop.wake() }
    }

    public var stats: ServerStats { shared.stats }

    /// Walks every page of the store in the background when they were not walked at open;
    /// `report` is told when the walk starts and what it found.
    public func checkStore(report: @escaping @Sendable (StoreCheck.State, String?) -> Void) {
        shared.stats.storeCheck.start(shared.store, report: report)
    }

    private static func fitted(_ configuration: Configuration, limit: Int, loops: Int) -> Configuration {
        let (fitted, why) = DescriptorBudget.fit(configuration, limit: limit, loops: loops)
        if let why { Log.warning(why) }
        return fitted
    }

    /// Stops accepting, finishes requests already read, writes pending usage, and returns.
    public func stop() {
        // A backup into a file that takes no data must not hold the stop (nor the store open).
        Backup.cancelAll(waiting: 2)
        shared.stats.storeCheck.stop()
        shared.stopping.store(true, ordering: .releasing)
        for loop in loops { loop.wake() }
        for loop in loops { loop.join() }
        shared.spare.close()
        shared.writer.stop()
        follower?.stop()
        followerThread?.join()
    }
}
