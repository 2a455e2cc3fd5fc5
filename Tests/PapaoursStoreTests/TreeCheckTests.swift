import Foundation
import Testing
import PapaoursCore
@testable import PapaoursStore

/// Issue 17, item 9: the walk of every B-tree that runs in the background for a data file too
/// large to walk at open, reading the file itself while the writer goes on.
@Suite struct TreeCheckTests {
    /// Machines with long descriptions (several levels of `machines`), one with many keys (its
    /// key ids a sub-database of duplicates), others with a few (sub-pages).
    static func fill(_ store: Store, machines: Int = 300) throws {
        for i in 0..<machines {
            try store.makeMachine("machine-\(i)", description: String(repeating: "d", count: 200))
        }
        try store.withWrite { w in
            for i in 0..<400 { try store.createKey(machine: "machine-0", label: "k\(i)", expires: "", secret: .generate(), by: root, at: .now(), in: w) }
            for m in 1..<20 { try store.createKey(machine: "machine-\(m)", label: "k", expires: "", secret: .generate(), by: root, at: .now(), in: w) }
        }
    }

    @Test func aWholeStoreIsWalkedTreeByTree() throws {
        try withStore { store, directory in
            try Self.fill(store)
            let summary = try #require(try store.checkTrees { true })
            #expect(summary.databases == Schema.databases.count, "every named database: \(summary)")
            #expect(summary.pages >= 50, "\(summary)")
            // machine-0's 400 key ids outgrow a sub-page: a sub-database of fixed-size duplicates, walked too.
            let keyIDLeaves = try DataFile.leafPages(of: "machine-key-ids", in: directory.database + "/data.mdb")
            #expect(keyIDLeaves.count >= 3, "\(keyIDLeaves)")
        }
    }

    @Test func aStopEndsTheWalk() throws {
        try withStore { store, _ in
            try Self.fill(store)
            #expect(try store.checkTrees { false } == nil)
        }
    }

    /// Each walk holds its snapshot: the pages it reaches are not reused by the commits made
    /// meanwhile, however many, so a busy writer never passes for damage.
    @Test func aWriterCommittingMeanwhileRaisesNoFalseAlarm() throws {
        try withStore { store, _ in
            try Self.fill(store)
            let stop = Locked(false)
            let commits = Locked(0)
            let writer = Thread {
                var n = 0
                while !stop.withLock({ $0 }) {
                    do {
                        try store.makeMachine("busy-\(n)", description: String(repeating: "w", count: 300))
                        if n % 3 == 2 { try store.withWrite { w in _ = try store.deleteMachine("busy-\(n - 1)", by: root, at: .now(), in: w) } }
                        _ = try store.makeKey("machine-\(n % 20)", label: "busy \(n)")
                        commits.withLock { $0 += 3 }
                    } catch {
                        Issue.record("writer: \(error)")
                        return
                    }
                    n += 1
                }
            }
            writer.start()
            defer { stop.withLock { $0 = true }; while writer.isExecuting { usleep(1000) } }
            // Walks paced slowly enough to span commits, until ten of them did (or 20 s).
            var (walks, overlapped) = (0, 0)
            let deadline = Date().addingTimeInterval(20)
            while overlapped < 10 && Date() < deadline {
                let before = commits.withLock { $0 }
                // One walk at a time, never retried: a false alarm would show here.
                let summary = try #require(try store.walkTrees { usleep(10_000); return true })
                #expect(summary.databases == Schema.databases.count)
                walks += 1
                if commits.withLock({ $0 }) > before { overlapped += 1 }
            }
            #expect(overlapped >= 10, "the writer committed during \(overlapped) of \(walks) walks")
        }
    }

    @Test func aZeroedLeafOfMachinesIsNamedWithItsPageAndDatabase() throws {
        let directory = TemporaryDirectory()
        var store = try Store(directory: directory.database)
        try Self.fill(store)
        store.close()
        let path = directory.database + "/data.mdb"
        let leaves = try DataFile.leafPages(of: "machines", in: path)
        #expect(leaves.count > 5)
        let page = leaves[leaves.count / 2]
        try DamagedFileTests.rewrite(path) { bytes in
            for i in (Int(page) * 4096)..<(Int(page + 1) * 4096) { bytes[i] = 0 }
        }
        store = try Store(directory: directory.database, pageWalkAtOpenLimit: 0)
        defer { store.close() }
        #expect(!store.pagesWalkedAtOpen)
        let error = try #require(storeError { try store.checkTrees { true } })
        #expect(error.code == .corrupt)
        #expect(error.message == "\(path): page \(page) of database machines is damaged (it says it is page 0)", "\(error.message)")
    }
}
