#if canImport(Glibc)
import Glibc
#endif

/// What can be checked of an LMDB data file without LMDB, which trusts its file and would die
/// of a signal on a damaged one: the length against the newer meta page, both meta pages,
/// and the structure of every page (its number, its kind, its bounds, where its nodes lie).
/// Layouts from LMDB's mdb.c (MDB_meta, MDB_page, MDB_node), little-endian as written here.
enum DataFile {
    enum Pages { case none, all }

    /// Refuses, naming the file and what is wrong, a file LMDB could not read safely.
    static func check(_ path: String, pages: Pages) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError(.notFound, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        fstat(fd, &info)
        let size = Int(info.st_size)
        let reader = FileReader(fd: fd)
        guard size >= 4096, let pageSize = pageSize(reader), size >= 2 * pageSize else {
            throw StoreError(.corrupt, "\(path) is not an LMDB database file (\(size) bytes)")
        }
        let metas = [0, pageSize].compactMap { meta(reader, at: $0) }
        guard metas.count == 2 else { throw StoreError(.corrupt, "\(path) has a damaged meta page (\(metas.count) of 2 are whole)") }
        let lastPage = metas.max { $0.txn < $1.txn }!.lastPage
        guard lastPage >= 1, lastPage < size / pageSize else {
            throw StoreError(.corrupt, "\(path) is cut short: its meta page says its last page is \(lastPage), the file has \(size / pageSize) pages of \(pageSize) bytes")
        }
        if pages == .all { try walk(reader, path: path, pageSize: pageSize, lastPage: lastPage) }
    }

    static let magic: UInt32 = 0xBEEF_C0DE

    /// The page size, from the first meta page's free-list record (its md_pad); nil when the
    /// file does not start like an LMDB data file.
    static func pageSize(_ reader: FileReader) -> Int? {
        guard reader.u32(16) == magic, let size = reader.u32(40).map(Int.init),
              size >= 512, size <= 65536, size & (size - 1) == 0 else { return nil }
        return size
    }

    /// A meta page, then: the 16-byte page header, MDB_meta (magic, version, address, map size,
    /// the free list's and the main database's MDB_db, last page number, transaction id).
    struct Meta: Equatable {
        let txn: UInt64
        let lastPage: Int
        let free: TreeRoot
        let main: TreeRoot
    }

    /// An MDB_db: a tree's root page, its depth, its flags, its fixed key size (DUPFIXED).
    struct TreeRoot: Equatable {
        let root: UInt64
        let depth: Int
        let flags: UInt16
        let keySize: Int

        init(_ page: PageLayout.Page, at offset: Int) {
            keySize = page.u32(offset)
            flags = UInt16(page.u16(offset + 4))
            depth = page.u16(offset + 6)
            root = page.u64(offset + PageLayout.rootOffset)
        }
    }

    /// The meta page at `offset`, whole enough to read (its magic right); nil otherwise.
    static func meta(_ reader: FileReader, at offset: Int) -> Meta? {
        var bytes = [UInt8](repeating: 0, count: 152)
        guard reader.read(into: &bytes, at: offset) else { return nil }
        return bytes.withUnsafeBytes { raw in
            let page = PageLayout.Page(bytes: raw)
            guard UInt32(page.u32(16)) == magic else { return nil }
            return Meta(txn: page.u64(144), lastPage: Int(truncatingIfNeeded: page.u64(136)),
                        free: TreeRoot(page, at: 40), main: TreeRoot(page, at: 88))
        }
    }

    /// Every page from 2 to the last: numbered where it stands, of a known kind, its lower and
    /// upper bounds in order, each node inside the page (an overflow run is skipped whole).
    private static func walk(_ reader: FileReader, path: String, pageSize: Int, lastPage: Int) throws(StoreError) {
        var page = 2
        var buffer = [UInt8](repeating: 0, count: pageSize)
        while page <= lastPage {
            guard reader.read(into: &buffer, at: page * pageSize) else {
                throw StoreError(.corrupt, "\(path): page \(page) cannot be read")
            }
            var skip = 0
            let problem: String? = buffer.withUnsafeBytes { bytes in
                let view = PageLayout.Page(bytes: bytes)
                guard view.number == UInt64(page) else { return "it says it is page \(view.number)" }
                guard view.flags & PageLayout.overflow != 0 else { return view.problem() }
                guard view.run >= 1, page + view.run - 1 <= lastPage else { return "an overflow run of \(view.run) pages" }
                skip = view.run - 1
                return nil
            }
            if let problem { throw StoreError(.corrupt, "\(path): page \(page) is damaged (\(problem))") }
            page += 1 + skip
        }
    }
}
