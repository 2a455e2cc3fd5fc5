import CLMDB
#if canImport(Glibc)
import Glibc
#endif

/// One LMDB environment (one per process, lmdb.h), opened with MDB_NOTLS so read
/// transactions belong to their owner, not to a thread.
final class Environment: @unchecked Sendable {
    let handle: OpaquePointer
    let path: String

    init(path: String, mapSize: Int, maxDatabases: UInt32, maxReaders: UInt32) throws(LMDBError) {
        var env: OpaquePointer?
        try LMDBError.check(mdb_env_create(&env), "create environment")
        self.handle = env!
        self.path = path
        do {
            try LMDBError.check(mdb_env_set_maxdbs(handle, maxDatabases), "set max databases")
            try LMDBError.check(mdb_env_set_maxreaders(handle, maxReaders), "set max readers")
            try LMDBError.check(mdb_env_set_mapsize(handle, mapSize), "set map size")
            // Durable commits (no MDB_NOSYNC); NOTLS: readers are renewed across loop turns.
            try LMDBError.check(mdb_env_open(handle, path, UInt32(MDB_NOTLS), 0o600), "open \(path)")
        } catch {
            mdb_env_close(handle)
            throw error
        }
    }

    func beginRead() throws(LMDBError) -> ReadTransaction {
        try ReadTransaction(environment: handle)
    }

    func beginWrite() throws(LMDBError) -> WriteTransaction {
        try WriteTransaction(environment: handle)
    }

    /// A consistent, compacted copy of the environment into an open file (hot backup).
    func copy(to fd: Int32, compact: Bool) throws(LMDBError) {
        try LMDBError.check(mdb_env_copyfd2(handle, fd, compact ? UInt32(MDB_CP_COMPACT) : 0), "copy environment")
    }

    func close() { mdb_env_close(handle) }
}
