import CLMDB

/// What both kinds of transaction share: a live MDB_txn.
protocol Transaction: ~Copyable {
    var handle: OpaquePointer { get }
}

/// A read-only snapshot. Ends with `abort()` or at the end of its scope.
struct ReadTransaction: Transaction, ~Copyable {
    let handle: OpaquePointer

    init(environment: OpaquePointer) throws(LMDBError) {
        var txn: OpaquePointer?
        try LMDBError.check(mdb_txn_begin(environment, nil, UInt32(MDB_RDONLY), &txn), "begin read transaction")
        handle = txn!
    }

    consuming func abort() {
        mdb_txn_abort(handle)
        discard self
    }

    deinit { mdb_txn_abort(handle) }
}

/// The one write transaction. `commit()` and `abort()` consume it; a failed
/// commit has already freed it, so it is never aborted after (lmdb.h).
struct WriteTransaction: Transaction, ~Copyable {
    let handle: OpaquePointer

    init(environment: OpaquePointer) throws(LMDBError) {
        var txn: OpaquePointer?
        try LMDBError.check(mdb_txn_begin(environment, nil, 0, &txn), "begin write transaction")
        handle = txn!
    }

    consuming func commit() throws(LMDBError) {
        let rc = mdb_txn_commit(handle)
        discard self
        try LMDBError.check(rc, "commit")
    }

    consuming func abort() {
        mdb_txn_abort(handle)
        discard self
    }

    deinit { mdb_txn_abort(handle) }
}
