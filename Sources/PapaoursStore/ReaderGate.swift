import CPapaoursSystem

/// Readers hold it shared while their transactions are live; growing the map takes it
/// exclusively, since LMDB remaps only when no transaction of the process is active.
public final class ReaderGate: @unchecked Sendable {
    private let gate: OpaquePointer

    public init() { gate = papa_gate_create() }
    deinit { papa_gate_destroy(gate) }

    public func lockShared() { papa_gate_lock_shared(gate) }
    public func unlock() { papa_gate_unlock(gate) }

    public func exclusively<R>(_ body: () throws -> R) rethrows -> R {
        papa_gate_lock_exclusive(gate)
        defer { papa_gate_unlock(gate) }
        return try body()
    }
}
