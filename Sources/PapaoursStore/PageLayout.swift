/// The layout of LMDB's pages and nodes (mdb.c: MDB_page, MDB_node, MDB_db), little-endian as
/// written here, and what can be checked of one page without trusting it.
enum PageLayout {
    static let header = 16
    static let branch: UInt16 = 0x01, leaf: UInt16 = 0x02, overflow: UInt16 = 0x04, leaf2: UInt16 = 0x20, subpage: UInt16 = 0x40
    /// Node flags: data on overflow pages, a sub-database's record, duplicates (in a sub-page
    /// or, with `subData`, a sub-database).
    static let bigData: UInt16 = 0x01, subData: UInt16 = 0x02, dupData: UInt16 = 0x04
    /// MDB_db's size, and md_root's place in it; an empty tree's root.
    static let databaseRecordSize = 48, rootOffset = 40
    static let noPage = UInt64.max

    /// A page, or a sub-page inside a leaf node, as bytes.
    struct Page {
        let bytes: UnsafeRawBufferPointer

        func u16(_ at: Int) -> Int { Int(bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian) }
        func u32(_ at: Int) -> Int { Int(bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian) }
        func u64(_ at: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian }

        var number: UInt64 { u64(0) }
        var flags: UInt16 { UInt16(u16(10)) }
        var isLeaf: Bool { flags & PageLayout.leaf != 0 }
        /// Its overflow run, in pages (the first page of a run only).
        var run: Int { u32(12) }
        /// Where each node starts (none on a LEAF2 page, whose fixed-size keys have no node).
        var nodes: StrideTo<Int> { stride(from: PageLayout.header, to: u16(12), by: 2) }

        func nodeKey(_ node: Int) -> Range<Int> { (node + 8)..<(node + 8 + u16(node + 6)) }
        func nodeFlags(_ node: Int) -> UInt16 { UInt16(u16(node + 4)) }
        /// A branch node's child page (48 bits: lo, hi, then the flags word).
        func child(_ node: Int) -> UInt64 { UInt64(u16(node)) | UInt64(u16(node + 2)) << 16 | UInt64(u16(node + 4)) << 32 }
        /// A leaf node's data size (on overflow pages when bigData) and where its bytes lie.
        func dataSize(_ node: Int) -> Int { u16(node) | u16(node + 2) << 16 }
        func data(_ node: Int) -> Range<Int> {
            let start = nodeKey(node).upperBound
            return start..<(start + (nodeFlags(node) & PageLayout.bigData != 0 ? 8 : dataSize(node)))
        }

        /// What is wrong with the page's structure: a known kind, its lower and upper bounds in
        /// order, each node inside it, and for LEAF2 (fixed keys of `keySize`, when known) room
        /// for its keys. Nil when whole. The page number is the caller's to check.
        func problem(keySize: Int? = nil) -> String? {
            let size = bytes.count
            guard size >= PageLayout.header else { return "\(size) bytes" }
            guard flags & (PageLayout.branch | PageLayout.leaf) != 0 else { return "kind \(flags)" }
            let (lower, upper) = (u16(12), u16(14))
            guard lower >= PageLayout.header, lower <= upper, upper <= size else { return "bounds \(lower)…\(upper)" }
            if flags & PageLayout.leaf2 != 0 {
                if let keySize, PageLayout.header + (lower - PageLayout.header) / 2 * keySize > size {
                    return "\((lower - PageLayout.header) / 2) keys of \(keySize) bytes"
                }
                return nil
            }
            for slot in nodes {
                let node = u16(slot)
                guard node >= upper, node + 8 <= size else { return "a node at \(node)" }
                let end = isLeaf ? data(node).upperBound : nodeKey(node).upperBound
                guard end <= size else { return "a node at \(node) ends past the page" }
            }
            return nil
        }
    }
}
