import CLMDB
import PapaoursCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The papaours database: an LMDB environment in a directory of its own, its
/// named databases, and the one lock that keeps a second daemon out.
public final class Store: @unchecked Sendable {
    public let directory: String
    public let environment: Environment
    /// Held shared by readers, exclusively to grow the map.
    public let gate = ReaderGate()
    /// Bumped after every commit: a reader whose snapshot is older renews it.
    public let commits = Atomic<UInt64>(0)

    let meta: Database
    let machines: Database
    let machineNames: Database
    let keys: Database
    let keyHashes: Database
    let machineKeys: Database
    let audit: Database
    let auditByMachine: Database
    private let lockFD: Int32

    public static let defaultMapSize = 64 << 20

    /// Opens (creating when missing) the store in `directory`, owner-only.
    public init(directory: String, mapSize: Int = Store.defaultMapSize) throws(StoreError) {
        self.directory = directory
        try Store.prepareDirectory(directory)
        lockFD = try Store.lockExclusively(directory)
        do {
            environment = try Environment(path: directory, mapSize: mapSize, maxDatabases: UInt32(Schema.names.count), maxReaders: 512)
        } catch {
            Glibc.close(lockFD)
            throw StoreError(.cannotOpen, "cannot open the database in \(directory): \(error)")
        }
        do {
            let txn = try environment.beginWrite()
            meta = try Database(name: "meta", flags: 0, in: txn)
            machines = try Database(name: "machines", flags: 0, in: txn)
            machineNames = try Database(name: "machine-names", flags: 0, in: txn)
            keys = try Database(name: "keys", flags: 0, in: txn)
            keyHashes = try Database(name: "key-hashes", flags: 0, in: txn)
            machineKeys = try Database(name: "machine-keys", flags: 0, in: txn)
            audit = try Database(name: "audit", flags: 0, in: txn)
            auditByMachine = try Database(name: "audit-by-machine", flags: 0, in: txn)
            try txn.commit()
        } catch {
            environment.close()
            Glibc.close(lockFD)
            throw StoreError(.cannotOpen, "cannot open the databases in \(directory): \(error)")
        }
        do {
            try migrate()
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

    // MARK: Transactions

    /// Runs `body` in one write transaction and commits it durably. When the map is
    /// full, the transaction is dropped, the map doubled and `body` run again.
    public func withWrite<R>(_ body: (borrowing WriteTransaction) throws -> R) throws(StoreError) -> R {
        var attempts = 0
        while true {
            attempts += 1
            do {
                let txn = try environment.beginWrite()
                let result = try body(txn)
                try txn.commit()
                commits.add(1, ordering: .releasing)
                return result
            } catch let error as LMDBError where error.code == .mapFull && attempts < 16 {
                try grow()
            } catch {
                throw StoreError(any: error)
            }
        }
    }

    /// Runs `body` on a fresh snapshot.
    public func withRead<R>(_ body: (borrowing ReadTransaction) throws -> R) throws(StoreError) -> R {
        gate.lockShared()
        defer { gate.unlock() }
        do {
            let txn = try environment.beginRead()
            return try body(txn)
        } catch {
            throw StoreError(any: error)
        }
    }

    /// Doubles the map while no reader holds a transaction.
    func grow() throws(StoreError) {
        let size = environment.mapSize * 2
        var failure: (any Error)?
        gate.exclusively {
            do { try environment.setMapSize(size) } catch { failure = error }
        }
        if let failure { throw StoreError(.unavailable, "cannot grow the map to \(size) bytes: \(failure)") }
    }

    // MARK: Opening

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

    // MARK: Schema

    func schemaVersion<T: Transaction & ~Copyable>(in txn: borrowing T) throws -> UInt32? {
        guard let bytes = try meta.get(Schema.versionKey, in: txn), bytes.count == 4 else { return nil }
        return bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Refuses a newer schema; brings an older one up to date, in one transaction.
    func migrate() throws(StoreError) {
        try withWrite { txn in
            let found = try schemaVersion(in: txn)
            let isEmpty = try machines.count(in: txn) == 0 && audit.count(in: txn) == 0
            var version = found ?? (isEmpty ? Schema.version : 1)
            if version > Schema.version {
                throw StoreError(.cannotOpen, "database \(directory) has schema version \(version), newer than this papaoursd knows (\(Schema.version)); use a newer papaoursd")
            }
            if version == 1 {
                try rebuildAuditByMachine(in: txn)
                version = 2
            }
            if found != version {
                try meta.put(Schema.versionKey, withUnsafeBytes(of: version.bigEndian) { Array($0) }, in: txn)
            }
        }
    }

    /// Schema 1 → 2: index the audit journal by machine.
    func rebuildAuditByMachine(in txn: borrowing WriteTransaction) throws {
        try auditByMachine.clear(in: txn)
        var entries: [[UInt8]] = []
        try audit.scan(in: txn) { key, value in
            if let event = try? value.withUnsafeBytes({ try RecordCoding.decodeEvent($0) }), let machine = event.machine {
                entries.append(Array(machine.value.utf8) + key)
            }
            return true
        }
        for entry in entries { try auditByMachine.put(entry, [], in: txn) }
    }
}
