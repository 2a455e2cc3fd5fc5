import Foundation
import Testing
import PapaoursCore
@testable import PapaoursStore

/// Issue 17, item 9: a damaged data file is refused with its name and what is wrong, never
/// opened by LMDB (which would die of SIGBUS, SIGSEGV or an assertion on it).
@Suite struct DamagedFileTests {
    /// A closed store with records in it; its data file's path and page size.
    static func filledStore() throws -> (TemporaryDirectory, String) {
        let directory = TemporaryDirectory()
        let store = try Store(directory: directory.database)
        for i in 0..<300 {
            try store.makeMachine("machine-\(i)", description: String(repeating: "d", count: 200))
        }
        store.close()
        return (directory, directory.database + "/data.mdb")
    }

    static func rewrite(_ path: String, _ change: (inout [UInt8]) -> Void) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        change(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func anEmptyFileIsNotAnEmptyStore() throws {
        let (directory, path) = try Self.filledStore()
        try Self.rewrite(path) { $0 = [] }
        let error = try #require(openError(directory.database))
        #expect(error.code == .corrupt && error.message.contains("\(path) is empty (0 bytes)"), "\(error.message)")
    }

    @Test func aFileCutShortIsRefused() throws {
        let (directory, path) = try Self.filledStore()
        try Self.rewrite(path) { $0.removeLast($0.count / 2) }
        let error = try #require(openError(directory.database))
        #expect(error.message.contains("\(path) is cut short"), "\(error.message)")
    }

    @Test(arguments: [("a zeroed page", 0), ("a page's bounds flipped", 1), ("a node pointer flipped", 2), ("a meta page", 3)])
    func aDamagedPageIsRefusedAndNamed(_ damage: (String, Int)) throws {
        let (directory, path) = try Self.filledStore()
        let page = 4096
        try Self.rewrite(path) { bytes in
            let at = 3 * page
            switch damage.1 {
            case 0: for i in at..<(at + page) { bytes[i] = 0 }
            case 1: bytes[at + 14] ^= 0xFF; bytes[at + 15] ^= 0x7F           // mp_upper
            case 2: bytes[at + 16] = 0xF8; bytes[at + 17] = 0xFF             // the first node's offset, past the page
            default: for i in page..<(page + 160) { bytes[i] = 0 }           // the second meta page
            }
        }
        let error = try #require(openError(directory.database), "\(damage.0)")
        #expect(error.code == .corrupt, "\(damage.0)")
        #expect(error.message.contains(path) && (error.message.contains("damaged") || error.message.contains("meta")), "\(damage.0): \(error.message)")
    }

    @Test func aRestoreOfADamagedBackupIsRefusedBeforeAnythingIsReplaced() throws {
        let (source, path) = try Self.filledStore()
        try Self.rewrite(path) { bytes in for i in (3 * 4096)..<(4 * 4096) { bytes[i] = 0 } }
        let target = TemporaryDirectory()
        let error = try #require(storeError { try Store.restore(backup: path, into: target.database, force: false) })
        #expect(error.code == .corrupt && error.message.contains("page 3 is damaged"), "\(error.message)")
        #expect(!FileManager.default.fileExists(atPath: target.database + "/data.mdb"))
        _ = source
    }

    @Test func aWholeFileOpens() throws {
        let (directory, _) = try Self.filledStore()
        #expect(openError(directory.database) == nil)
    }
}
