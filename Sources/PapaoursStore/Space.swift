import CLMDB
#if canImport(Glibc)
import Glibc
#endif

/// How much of the database file holds records, for the bench and STATS: LMDB keeps pages
/// freed by past transactions in the file for reuse, so its size alone overstates the store.
extension Store {
    public struct Space: Sendable {
        /// The size of data.mdb.
        public let fileBytes: Int
        /// The pages the records and their indexes occupy (every B-tree's branch, leaf and overflow pages).
        public let usedBytes: Int
    }

    public func space() throws(StoreError) -> Space {
        var info = stat()
        let fileBytes = stat(directory + "/data.mdb", &info) == 0 ? Int(info.st_size) : 0
        return try read { snapshot in
            var pages = 2  // the two meta pages
            var pageSize = 4096
            for dbi in [meta, secrets, keyIDs, machineKeyIDs, keyUsage, machines, machineNames, audit, auditMachines,
                        usageDays, usageHours, keyAddresses, alerts].map(\.dbi) + [MDB_dbi(1), MDB_dbi(0)] {
                var s = MDB_stat()
                try LMDBError.check(mdb_stat(snapshot.handle, dbi, &s), "stat")
                pageSize = Int(s.ms_psize)
                pages += s.ms_branch_pages + s.ms_leaf_pages + s.ms_overflow_pages
            }
            return Space(fileBytes: fileBytes, usedBytes: pages * pageSize)
        }
    }
}
