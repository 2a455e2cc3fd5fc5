import PapaoursCore
import PapaoursStore
import Synchronization

/// What every event loop and the writer share.
final class SharedState: Sendable {
    let store: Store
    let writer: Writer
    let stats: ServerStats
    let admission: Admission
    let importStaging: ImportStaging
    let version: String
    let listenFD: Int32
    /// Freed to refuse a client when out of descriptors; every accept goes through it.
    let spare = SpareDescriptor()
    /// The HTTP gate's listeners; the loops watch listener i under token EventLoop.gateToken(i).
    let gates: [GateListener]
    let stopping = Atomic<Bool>(false)
    let serials = Atomic<UInt64>(16)
    private let current: Locked<Configuration>
    /// Bumped on each reload; loops pick up the new configuration when it moves.
    let configurationGeneration = Atomic<UInt64>(0)
    let tick = Locked<(@Sendable () -> Void)?>(nil)

    init(store: Store, writer: Writer, stats: ServerStats, version: String, listenFD: Int32, gates: [GateListener], configuration: Configuration) {
        self.store = store
        self.writer = writer
        self.stats = stats
        self.admission = Admission(stats: stats)
        self.importStaging = ImportStaging(limit: configuration.importStagingLimit)
        self.version = version
        self.listenFD = listenFD
        self.gates = gates
        self.current = Locked(configuration)
    }

    var configuration: Configuration { current.withLock { $0 } }

    func replace(_ configuration: Configuration) {
        current.withLock { $0 = configuration }
        importStaging.limit.store(configuration.importStagingLimit, ordering: .relaxed)
        configurationGeneration.add(1, ordering: .releasing)
    }

    func nextSerial() -> UInt64 { serials.add(1, ordering: .relaxed).newValue }
}
