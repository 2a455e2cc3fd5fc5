import Synchronization

/// Counters STATS reports, shared by the loops and the writer.
public final class ServerStats: Sendable {
    public let started: Int64
    public let connections = Atomic<Int>(0)
    public let verifyOK = Atomic<UInt64>(0)
    public let verifyDenied = Atomic<UInt64>(0)
    public let writes = Atomic<UInt64>(0)

    public init(started: Int64) { self.started = started }
}
