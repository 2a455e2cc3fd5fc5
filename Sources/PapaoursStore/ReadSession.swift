import CLMDB
import PapaoursCore
import Synchronization

/// A reader's renewable snapshot, owned by one event loop: begun once per batch of
/// requests, renewed when a commit has happened since, reset at the batch's end.
public final class ReadSession: Transaction {
    public let handle: OpaquePointer
    private let store: Store
    private var live = false
    /// The commit count the snapshot was taken at (see Store.commits).
    public private(set) var snapshot: UInt64 = 0

    public init(store: Store) throws {
        self.store = store
        var txn: OpaquePointer?
        try LMDBError.check(mdb_txn_begin(store.environment.handle, nil, UInt32(MDB_RDONLY), &txn), "begin read transaction")
        handle = txn!
        mdb_txn_reset(handle)
    }

    deinit {
        if live { end() }
        mdb_txn_abort(handle)
    }

    /// Makes the snapshot current: every commit acknowledged before this call is visible after it.
    public func refresh() throws {
        let latest = store.commits.load(ordering: .acquiring)
        if live {
            guard latest != snapshot else { return }
            mdb_txn_reset(handle)
        } else {
            store.gate.lockShared()
            live = true
        }
        snapshot = latest
        do {
            try LMDBError.check(mdb_txn_renew(handle), "renew read transaction")
        } catch {
            end()
            throw error
        }
    }

    /// Releases the snapshot (and the gate) until the next batch.
    public func end() {
        guard live else { return }
        mdb_txn_reset(handle)
        live = false
        store.gate.unlock()
    }
}
