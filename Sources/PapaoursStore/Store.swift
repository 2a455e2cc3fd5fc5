import CLMDB
import PapaoursCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The papaours store: what the server reads (snapshots) and the one way it writes
/// (`apply`, a batch of change sets as one durable commit). LMDB is behind it: its
/// environment, databases, transactions and error codes are this module's own.
public final class Store: @unchecked Sendable {
    public let directory: String
    let environment: Environment
    /// Bumped after every commit: a reader whose snapshot is older renews it.
    public let commits = Atomic<UInt64>(0)

    let meta: Database
    let secrets: Database
    let keyIDs: Database
    let machineKeyIDs: Database
    let keyUsage: Database
    let machines: Database
    let machineNames: Database
    let audit: Database
    let auditMachines: Database
    let roles: Database
    let groups: Database
    let roleMachines: Database
    let groupMachines: Database
    let usageDays: Database
    let usageHours: Database
    let keyAddresses: Database
    let alerts: Database
    private let lockFD: Int32
    /// Whether every page was walked at open; a larger file is left to `checkTrees`.
    public let pagesWalkedAtOpen: Bool

    /// The map is sized once, so that it never grows under readers (growing would need every
    /// reader stopped: lmdb.h, mdb_env_set_mapsize). It is address space, not memory or disk:
    /// the file grows only as pages are written. 16 GiB hold about 40 million keys.
    public static let defaultMapSize = 16 << 30

    /// Opens (creating when missing) the store in `directory`, owner-only, and brings an older
    /// schema up to date. A data file up to `pageWalkAtOpenLimit` bytes has every page walked
    /// first. `migrationStop` is for tests: it throws at that point of a migration.
    public init(directory: String, mapSize: Int = Store.defaultMapSize, pageWalkAtOpenLimit: Int = Store.pageWalkAtOpenLimit,
                migrationStop: MigrationStop? = nil) throws(StoreError) {
        self.directory = directory
        try Store.prepareDirectory(directory)
        lockFD = try Store.lockExclusively(directory)
        do {
            pagesWalkedAtOpen = try Store.checkDataFile(in: directory, pageWalkLimit: pageWalkAtOpenLimit)
        } catch {
            Glibc.close(lockFD)
            throw error
        }
        do {
            environment = try Environment(path: directory, mapSize: mapSize,
                                          maxDatabases: UInt32(Schema.databases.count + Schema.version2Databases.count),
                                          maxReaders: 512)
        } catch {
            Glibc.close(lockFD)
            throw StoreError(.cannotOpen, "cannot open the database in \(directory): \(error)")
        }
        do {
            let txn = try environment.beginWrite()
            var opened: [String: Database] = [:]
            for (name, duplicates) in Schema.databases {
                opened[name] = try Database(name: name, duplicates: duplicates, in: txn)
            }
            try txn.commit()
            meta = opened["meta"]!
            secrets = opened["secrets"]!
            keyIDs = opened["key-ids"]!
            machineKeyIDs = opened["machine-key-ids"]!
            keyUsage = opened["key-usage"]!
            machines = opened["machines"]!
            machineNames = opened["machine-names"]!
            audit = opened["audit"]!
            auditMachines = opened["audit-machines"]!
            roles = opened["roles"]!
            groups = opened["groups"]!
            roleMachines = opened["role-machines"]!
            groupMachines = opened["group-machines"]!
            usageDays = opened["usage-days"]!
            usageHours = opened["usage-hours"]!
            keyAddresses = opened["key-addresses"]!
            alerts = opened["alerts"]!
        } catch {
            environment.close()
            Glibc.close(lockFD)
            throw StoreError(.cannotOpen, "cannot open the databases in \(directory): \(error)")
        }
        do {
            try migrate(stoppingAt: migrationStop)
            try loadSequences()
            try journalRestore()
        } catch {
            environment.close()
            Glibc.close(lockFD)
            throw error
        }
    }

    public func close() {
        environment.close()
        Glibc.close(lockFD)
    }

    // MARK: Writing

    let lastApplied = Atomic<UInt64>(0)

    /// The change sequence reached: the sequence of the last change set applied.
    public var changeSequence: UInt64 { lastApplied.load(ordering: .acquiring) }

    /// Applies change sets in order, as one durable commit; returns the sequence reached. Each
    /// set must come next in the change sequence, so that a follower can neither skip nor repeat
    /// one. Nothing is decided here: the same sets give the same records on every store.
    @discardableResult
    public func apply(_ sets: [ChangeSet]) throws(StoreError) -> UInt64 {
        try apply(sets) { _ in }
    }

    /// `apply`, with `also` done in the same transaction (the store's own bookkeeping).
    /// `skippingApplied`: sets at or below the sequence reached are passed over (a follower and
    /// the writer may both bring the same fleet changes); the rest must still follow on.
    @discardableResult
    func apply(_ sets: [ChangeSet], skippingApplied: Bool = false,
               also: (borrowing WriteTransaction) throws -> Void) throws(StoreError) -> UInt64 {
        guard let last = sets.last else { return changeSequence }
        do {
            let txn = try environment.beginWrite()
            let reached = try storedChangeSequence(in: txn)
            if skippingApplied && last.sequence <= reached {
                txn.abort()
                return reached
            }
            var expected = reached + 1
            for set in sets where !(skippingApplied && set.sequence < expected) {
                guard set.sequence == expected else {
                    throw StoreError(.invalid, "change set \(set.sequence) does not follow \(expected - 1)")
                }
                try apply(set, in: txn)
                expected += 1
            }
            try meta.put(Schema.changeSequenceKey, RecordCoding.sequenceKey(last.sequence), in: txn)
            try also(txn)
            try txn.commit()
        } catch let error as LMDBError {
            throw StoreError(failure: error, directory: directory)
        } catch {
            throw StoreError(any: error)
        }
        lastApplied.store(last.sequence, ordering: .releasing)
        commits.add(1, ordering: .releasing)
        return last.sequence
    }

    /// Runs `body` on a fresh snapshot.
    public func read<R>(_ body: (Snapshot) throws -> R) throws(StoreError) -> R {
        let snapshot = try Snapshot(store: self)
        do {
            try snapshot.refresh()
            defer { snapshot.end() }
            return try body(snapshot)
        } catch {
            throw StoreError(any: error)
        }
    }

    /// A consistent, compacted copy of the store into an open file (hot backup); it holds a
    /// snapshot while it runs, which keeps no reader or writer waiting.
    public func copy(to fd: Int32) throws(StoreError) {
        do { try environment.copy(to: fd, compact: true) } catch { throw StoreError(failure: error, directory: directory) }
    }

    func storedChangeSequence<T: Transaction & ~Copyable>(in txn: borrowing T) throws -> UInt64 {
        try meta.get(Schema.changeSequenceKey, in: txn).map(RecordCoding.sequence(fromKey:)) ?? 0
    }

    private func loadSequences() throws(StoreError) {
        let sequence = try read { snapshot in try snapshot.changeSequence() }
        lastApplied.store(sequence, ordering: .releasing)
    }

    // MARK: Restores

    /// Leaves word in a restored copy that its first start must journal `store.restore`.
    func markRestored(_ details: String) throws(StoreError) {
        do {
            let txn = try environment.beginWrite()
            try meta.put(Schema.restoredKey, Array(details.utf8), in: txn)
            try txn.commit()
        } catch {
            throw StoreError(any: error)
        }
    }

    /// Journals a restore left marked, and clears the mark, in one commit.
    private func journalRestore() throws(StoreError) {
        do {
            let details = try read { snapshot in try meta.get(Schema.restoredKey, in: snapshot) }
            guard let details else { return }
            let set = try read { snapshot in
                try Decisions.storeEvent(.storeRestore, details: String(decoding: details, as: UTF8.self),
                                         by: Actor(uid: geteuid(), user: "papaoursd"), at: .now(), reading: snapshot)
            }
            try apply([set]) { txn in try meta.delete(Schema.restoredKey, in: txn) }
        } catch {
            throw StoreError(any: error)
        }
    }

    // MARK: Opening

    /// Every page is walked at open up to this size by default (a larger file gets its length
    /// and meta pages checked, and its trees walked by `checkTrees` once the daemon serves), so
    /// that a start stays quick; a restore walks every page whatever the size.
    public static let pageWalkAtOpenLimit = 64 << 20

    /// A data file that is there must be whole: never an empty store over one that held data,
    /// never LMDB on a file cut short or with damaged meta pages. Whether every page was walked.
    static func checkDataFile(in directory: String, pageWalkLimit: Int = pageWalkAtOpenLimit) throws(StoreError) -> Bool {
        let path = directory + "/data.mdb"
        var info = stat()
        guard stat(path, &info) == 0 else { return true }
        guard info.st_size > 0 else {
            throw StoreError(.corrupt, "\(path) is empty (0 bytes): refusing to start an empty store over it; restore a backup (papaoursd --restore) or move the file away to start afresh")
        }
        let walked = Int(info.st_size) <= pageWalkLimit
        try DataFile.check(path, pages: walked ? .all : .none)
        return walked
    }

    static func prepareDirectory(_ path: String) throws(StoreError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw StoreError(.cannotOpen, "cannot create database directory \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw StoreError(.cannotOpen, "cannot read database directory \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw StoreError(.cannotOpen, "database path \(path) is not a directory")
        }
        guard info.st_uid == geteuid() else {
            throw StoreError(.cannotOpen, "database directory \(path) is owned by uid \(info.st_uid), not by this user (uid \(geteuid())); refusing to use it")
        }
        if (info.st_mode & 0o077) != 0 { chmod(path, 0o700) }
    }

    /// One daemon per database: an exclusive flock on `papaoursd.lock`, released by the kernel at exit.
    static func lockExclusively(_ directory: String) throws(StoreError) -> Int32 {
        let path = directory + "/papaoursd.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StoreError(.cannotOpen, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            throw StoreError(.cannotOpen, "database \(directory) is in use by another papaoursd (\(path) is locked)")
        }
        return fd
    }
}
