#if canImport(Glibc)
import Glibc
#endif
import PapaoursCore

/// Every B-tree of one meta page walked from its roots, reading the data file itself (never
/// LMDB's map), so that a damaged page is named rather than followed: the free list, the main
/// database, each named database it holds, each sub-database of duplicates, each overflow run.
/// Every page is reached from its parent, numbered where it stands, of the kind its depth
/// calls for, whole in its structure (PageLayout), and reached once.
final class TreeWalk {
    enum Failure: Error {
        case damaged(page: UInt64, database: String, why: String)
        /// `pace` said to stop.
        case stopped
    }

    let reader: FileReader
    let pageSize: Int
    let lastPage: Int
    /// Called every `paceEvery` pages; false stops the walk.
    let pace: () -> Bool
    static let paceEvery = 64
    /// Told of each page walked: its number, its database, whether it is a leaf.
    var visit: ((UInt64, String, Bool) -> Void)?

    private var seen: [UInt64]
    private(set) var summary = TreeWalkSummary()
    private let buffer: UnsafeMutableRawBufferPointer

    init(reader: FileReader, pageSize: Int, lastPage: Int, pace: @escaping () -> Bool) {
        self.reader = reader
        self.pageSize = pageSize
        self.lastPage = lastPage
        self.pace = pace
        seen = [UInt64](repeating: 0, count: lastPage / 64 + 1)
        buffer = .allocate(byteCount: pageSize, alignment: 8)
    }

    deinit { buffer.deallocate() }

    private enum Content { case main, values, duplicates(keySize: Int?) }

    private struct Step {
        let page: UInt64
        let database: String
        let content: Content
        /// Levels left below this page: 1 for a leaf.
        let levels: Int
        /// An overflow run holding this many bytes, instead of a tree page.
        var overflow: Int?
    }

    /// Walks the trees of `meta`.
    func walk(_ meta: DataFile.Meta) throws(Failure) {
        var steps: [Step] = []
        try tree(meta.free, "free list", .values, &steps)
        try tree(meta.main, "main", .main, &steps)
        while let step = steps.popLast() {
            try enter(step.page, step.database)
            guard reader.read(into: buffer, at: Int(step.page) * pageSize) else {
                throw .damaged(page: step.page, database: step.database, why: "it cannot be read")
            }
            let page = PageLayout.Page(bytes: UnsafeRawBufferPointer(buffer))
            func damaged(_ why: String) -> Failure { .damaged(page: step.page, database: step.database, why: why) }
            guard page.number == step.page else { throw damaged("it says it is page \(page.number)") }
            if let size = step.overflow {
                guard page.flags & PageLayout.overflow != 0 else { throw damaged("kind \(page.flags) where an overflow run was due") }
                let needed = (PageLayout.header + size + pageSize - 1) / pageSize
                guard page.run >= needed, Int(step.page) + page.run - 1 <= lastPage else {
                    throw damaged("an overflow run of \(page.run) pages for \(size) bytes")
                }
                visit?(step.page, step.database, false)
                continue
            }
            guard page.isLeaf == (step.levels == 1), page.flags & PageLayout.overflow == 0 else {
                throw damaged("kind \(page.flags) \(step.levels - 1) level(s) above the leaves")
            }
            var keySize: Int?
            if case .duplicates(let size) = step.content { keySize = size }
            if let why = page.problem(keySize: keySize) { throw damaged(why) }
            visit?(step.page, step.database, page.isLeaf)
            guard page.flags & PageLayout.leaf2 == 0 else { continue }
            for slot in page.nodes {
                let node = page.u16(slot)
                if page.isLeaf {
                    try leaf(page, node, step, &steps)
                } else {
                    steps.append(Step(page: page.child(node), database: step.database, content: step.content, levels: step.levels - 1))
                }
            }
        }
    }

    /// What a leaf node leads to: an overflow run, a named database (in the main one), a
    /// sub-database or a sub-page of duplicates.
    private func leaf(_ page: PageLayout.Page, _ node: Int, _ step: Step, _ steps: inout [Step]) throws(Failure) {
        let flags = page.nodeFlags(node)
        let data = page.data(node)
        func damaged(_ why: String) -> Failure { .damaged(page: step.page, database: step.database, why: why) }
        if flags & PageLayout.bigData != 0 {
            var run = Step(page: page.u64(data.lowerBound), database: step.database, content: step.content, levels: 0)
            run.overflow = page.dataSize(node)
            steps.append(run)
            return
        }
        if flags & PageLayout.subData != 0 {
            guard data.count == PageLayout.databaseRecordSize else { throw damaged("a database record of \(data.count) bytes") }
            let root = DataFile.TreeRoot(page, at: data.lowerBound)
            let name: String
            let content: Content
            switch step.content {
            case .main:
                name = String(decoding: UnsafeRawBufferPointer(rebasing: page.bytes[page.nodeKey(node)]), as: UTF8.self)
                content = .values
                summary.databases += 1
            default:
                name = step.database
                content = .duplicates(keySize: root.flags & 0x10 != 0 ? root.keySize : nil)  // MDB_DUPFIXED
            }
            try tree(root, name, content, &steps)
            return
        }
        if flags & PageLayout.dupData != 0 {
            let sub = PageLayout.Page(bytes: UnsafeRawBufferPointer(rebasing: page.bytes[data]))
            guard sub.bytes.count >= PageLayout.header, sub.flags & (PageLayout.leaf | PageLayout.subpage) == PageLayout.leaf | PageLayout.subpage else {
                throw damaged("a sub-page of duplicates of kind \(sub.bytes.count >= PageLayout.header ? Int(sub.flags) : -1)")
            }
            if let why = sub.problem() { throw damaged("a sub-page of duplicates: \(why)") }
        }
    }

    /// A tree to walk from its root (none when empty); LMDB's cursors go 32 levels at most.
    private func tree(_ root: DataFile.TreeRoot, _ database: String, _ content: Content, _ steps: inout [Step]) throws(Failure) {
        guard root.root != PageLayout.noPage else { return }
        guard root.depth >= 1, root.depth <= 32 else {
            throw .damaged(page: root.root, database: database, why: "a tree \(root.depth) levels deep")
        }
        steps.append(Step(page: root.root, database: database, content: content, levels: root.depth))
    }

    /// Counts the page, refuses it out of the file or reached twice, and paces the walk.
    private func enter(_ page: UInt64, _ database: String) throws(Failure) {
        guard page >= 2, page <= UInt64(lastPage) else {
            throw .damaged(page: page, database: database, why: "its number lies outside the file's pages 2 to \(lastPage)")
        }
        let (word, bit) = (Int(page) / 64, UInt64(1) << (page % 64))
        guard seen[word] & bit == 0 else { throw .damaged(page: page, database: database, why: "it is reached twice") }
        seen[word] |= bit
        summary.pages += 1
        if summary.pages % Self.paceEvery == 0, !pace() { throw .stopped }
    }
}

/// What a walk of every B-tree went through.
public struct TreeWalkSummary: Sendable, Equatable {
    /// Pages reached (an overflow run counts once).
    public internal(set) var pages = 0
    /// Named databases (sub-databases of duplicates not counted).
    public internal(set) var databases = 0
}

extension DataFile {
    /// The leaf pages of one database in a closed data file, as its newest meta page has them:
    /// where a test damages a store.
    static func leafPages(of database: String, in path: String) throws -> [UInt64] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError(.notFound, "cannot open \(path)") }
        defer { close(fd) }
        let reader = FileReader(fd: fd)
        guard let pageSize = pageSize(reader),
              let meta = [0, pageSize].compactMap({ self.meta(reader, at: $0) }).max(by: { $0.txn < $1.txn }) else {
            throw StoreError(.corrupt, "\(path) has no whole meta page")
        }
        let walk = TreeWalk(reader: reader, pageSize: pageSize, lastPage: meta.lastPage, pace: { true })
        let leaves = Locked<[UInt64]>([])
        walk.visit = { page, name, isLeaf in if isLeaf && name == database { leaves.withLock { $0.append(page) } } }
        try walk.walk(meta)
        return leaves.withLock { $0 }
    }
}
