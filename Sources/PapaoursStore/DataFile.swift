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
        let magic: UInt32 = 0xBEEF_C0DE
        // Page header 16 bytes, then MDB_meta: magic, version, address, mapsize, two MDB_db of
        // 48 bytes (the first's md_pad holds the page size), last page number, transaction id.
        guard size >= 4096, reader.u32(16) == magic, let pageSize = reader.u32(40).map(Int.init),
              pageSize >= 512, pageSize <= 65536, pageSize & (pageSize - 1) == 0, size >= 2 * pageSize
        else { throw StoreError(.corrupt, "\(path) is not an LMDB database file (\(size) bytes)") }
        var lastPage = -1
        var newest: UInt64 = 0
        var goodMetas = 0
        for meta in [0, pageSize] {
            guard reader.u32(meta + 16) == magic, let last = reader.u64(meta + 136), let txn = reader.u64(meta + 144) else { continue }
            goodMetas += 1
            if txn >= newest { newest = txn; lastPage = Int(last) }
        }
        guard goodMetas == 2 else { throw StoreError(.corrupt, "\(path) has a damaged meta page (\(goodMetas) of 2 are whole)") }
        let needed = (lastPage + 1) * pageSize
        guard lastPage >= 1, needed <= size else {
            throw StoreError(.corrupt, "\(path) is cut short: its meta page needs \(needed) bytes, the file has \(size)")
        }
        if pages == .all { try walk(reader, path: path, pageSize: pageSize, lastPage: lastPage) }
    }

    /// Every page from 2 to the last: numbered where it stands, of a known kind, its lower and
    /// upper bounds in order, each node inside the page (an overflow run is skipped whole).
    private static func walk(_ reader: FileReader, path: String, pageSize: Int, lastPage: Int) throws(StoreError) {
        let header = 16
        var page = 2
        var buffer = [UInt8](repeating: 0, count: pageSize)
        while page <= lastPage {
            guard reader.read(into: &buffer, at: page * pageSize) else {
                throw StoreError(.corrupt, "\(path): page \(page) cannot be read")
            }
            func u16(_ at: Int) -> Int { Int(buffer[at]) | Int(buffer[at + 1]) << 8 }
            func damaged(_ why: String) -> StoreError { StoreError(.corrupt, "\(path): page \(page) is damaged (\(why))") }
            let number = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self) }
            guard number == UInt64(page) else { throw damaged("it says it is page \(number)") }
            let flags = u16(10)
            if flags & 0x04 != 0 {  // P_OVERFLOW: one record's data over `pages` pages
                let run = buffer.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: 12, as: UInt32.self)) }
                guard run >= 1, page + run - 1 <= lastPage else { throw damaged("an overflow run of \(run) pages") }
                page += run
                continue
            }
            guard flags & 0x03 != 0 else { throw damaged("kind \(flags)") }  // P_BRANCH or P_LEAF
            let (lower, upper) = (u16(12), u16(14))
            guard lower >= header, lower <= upper, upper <= pageSize else { throw damaged("bounds \(lower)…\(upper)") }
            if flags & 0x20 == 0 {  // not P_LEAF2 (fixed-size keys without nodes)
                for slot in stride(from: header, to: lower, by: 2) {
                    let node = u16(slot)
                    guard node >= upper, node + 8 <= pageSize else { throw damaged("a node at \(node)") }
                    let keySize = u16(node + 6)
                    var end = node + 8 + keySize
                    if flags & 0x02 != 0 {  // a leaf node: its data follows its key, or an overflow page number
                        let nodeFlags = u16(node + 4)
                        end += nodeFlags & 0x01 != 0 ? 8 : u16(node) | u16(node + 2) << 16
                    }
                    guard end <= pageSize else { throw damaged("a node at \(node) ends past the page") }
                }
            }
            page += 1
        }
    }
}

/// pread at offsets; nil or false past the end.
private struct FileReader {
    let fd: Int32

    func read(into buffer: inout [UInt8], at offset: Int) -> Bool {
        buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) } == buffer.count
    }

    func value<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T? {
        var value: T = 0
        let n = withUnsafeMutableBytes(of: &value) { pread(fd, $0.baseAddress, MemoryLayout<T>.size, off_t(offset)) }
        return n == MemoryLayout<T>.size ? T(littleEndian: value) : nil
    }

    func u32(_ offset: Int) -> UInt32? { value(offset, UInt32.self) }
    func u64(_ offset: Int) -> UInt64? { value(offset, UInt64.self) }
}
