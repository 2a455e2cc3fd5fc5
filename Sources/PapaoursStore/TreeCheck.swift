import CLMDB
#if canImport(Glibc)
import Glibc
#endif

extension Store {
    /// Walks every B-tree of the store as a snapshot sees it, reading the data file itself
    /// (TreeWalk), while writers go on. The snapshot is held for the whole walk: LMDB never
    /// reuses a page a live reader can reach (copy-on-write, and pages freed after the oldest
    /// reader began stay free), so the pages of the snapshot's meta page stay as they were
    /// while commits write elsewhere. `pace` is called every few dozen pages; false stops the
    /// walk, and nil is returned. Damage found is confirmed by a second walk from a fresh
    /// snapshot before it is reported, naming the file, the page and its database.
    public func checkTrees(pace: @escaping () -> Bool) throws(StoreError) -> TreeWalkSummary? {
        var first: StoreError?
        for _ in 0..<2 {
            do {
                return try walkTrees(pace: pace)
            } catch let error where error.code == .corrupt {
                first = error
            }
        }
        throw first!
    }

    /// One walk, from a snapshot of its own.
    func walkTrees(pace: @escaping () -> Bool) throws(StoreError) -> TreeWalkSummary? {
        let path = directory + "/data.mdb"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError(.unavailable, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { Glibc.close(fd) }
        let reader = FileReader(fd: fd)
        guard let pageSize = DataFile.pageSize(reader) else { throw StoreError(.corrupt, "\(path): its first meta page is damaged") }
        let snapshot = try Snapshot(store: self)
        defer { snapshot.end() }
        let meta = try catchMeta(of: snapshot, reader, pageSize: pageSize, path: path)
        var info = stat()
        guard fstat(fd, &info) == 0, meta.lastPage >= 1, meta.lastPage < Int(info.st_size) / pageSize else {
            throw StoreError(.corrupt, "\(path) is cut short: its meta page says its last page is \(meta.lastPage), the file has \(Int(info.st_size) / pageSize) pages")
        }
        let walk = TreeWalk(reader: reader, pageSize: pageSize, lastPage: meta.lastPage, pace: pace)
        do {
            try walk.walk(meta)
        } catch {
            switch error {
            case .stopped: return nil
            case .damaged(let page, let database, let why):
                throw StoreError(.corrupt, "\(path): page \(page) of database \(database) is damaged (\(why))")
            }
        }
        return walk.summary
    }

    /// The meta page of the snapshot's transaction, read twice alike. A commit two after it
    /// rewrites that meta page: then a fresher snapshot is taken, a few times at most.
    private func catchMeta(of snapshot: Snapshot, _ reader: FileReader, pageSize: Int, path: String) throws(StoreError) -> DataFile.Meta {
        for _ in 0..<100 {
            snapshot.end()
            try snapshot.refresh()
            let txn = UInt64(mdb_txn_id(snapshot.handle))
            let slot = Int(txn & 1) * pageSize
            if let meta = DataFile.meta(reader, at: slot), meta.txn == txn, DataFile.meta(reader, at: slot) == meta {
                return meta
            }
            usleep(1000)
        }
        throw StoreError(.unavailable, "\(path): no meta page of a snapshot could be read between commits")
    }
}
