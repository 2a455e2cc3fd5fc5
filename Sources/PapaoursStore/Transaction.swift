import CLMDB

/// What both kinds of transaction share: a live MDB_txn.
public protocol Transaction: ~Copyable {
    var handle: OpaquePointer { get }
}

/// A read-only snapshot. Ends with `abort()` or at the end of its scope.
public struct ReadTransaction: Transaction, ~Copyable {
    public let handle: OpaquePointer

    init(environment: OpaquePointer) throws(LMDBError) {
        var txn: OpaquePointer?
        try LMDBError.check(mdb_txn_begin(environment, nil, UInt32(MDB_RDONLY), &txn), "begin read transaction")
        handle = txn!
    }

    /// Releases the snapshot but keeps the reader slot, for `renew()` (lmdb.h: mdb_txn_reset).
    public func reset() { mdb_txn_reset(handle) }

    /// Takes a fresh snapshot after `reset()` (mdb_txn_renew).
    public func renew() throws(LMDBError) {
        try LMDBError.check(mdb_txn_renew(handle), "renew read transaction")
    }

    public consuming func abort() {
        mdb_txn_abort(handle)
        discard self
    }

    deinit { mdb_txn_abort(handle) }
}

/// The one write transaction. `commit()` and `abort()` consume it; a failed
/// commit has already freed it, so it is never aborted after (lmdb.h).
public struct WriteTransaction: Transaction, ~Copyable {
    public let handle: OpaquePointer

    init(environment: OpaquePointer, parent: OpaquePointer? = nil) throws(LMDBError) {
        var txn: OpaquePointer?
        try LMDBError.check(mdb_txn_begin(environment, parent, 0, &txn), "begin write transaction")
        handle = txn!
    }

    /// A nested transaction: its changes join the parent's when it commits, vanish when it aborts.
    public func child(of environment: Environment) throws(LMDBError) -> WriteTransaction {
        try WriteTransaction(environment: environment.handle, parent: handle)
    }

    public consuming func commit() throws(LMDBError) {
        let rc = mdb_txn_commit(handle)
        discard self
        try LMDBError.check(rc, "commit")
    }

    public consuming func abort() {
        mdb_txn_abort(handle)
        discard self
    }

    deinit { mdb_txn_abort(handle) }
}
