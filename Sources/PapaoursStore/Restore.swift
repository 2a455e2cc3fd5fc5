import PapaoursCore
#if canImport(Glibc)
import Glibc
#endif

/// `papaoursd --restore FILE`: puts a backup (an LMDB file made by BACKUP) in place of a
/// database directory, after checking that it opens, has a schema we know and is consistent.
extension Store {
    public struct RestoreSummary: Sendable {
        public let machines: Int
        public let keys: Int
        public let events: UInt64
    }

    public static func restore(backup path: String, into directory: String, force: Bool) throws(StoreError) -> RestoreSummary {
        try prepareDirectory(directory)
        let dataPath = directory + "/data.mdb"
        if access(dataPath, F_OK) == 0 {
            let existing = try Store(directory: directory)
            let summary = try existing.summary()
            existing.close()
            if (summary.machines > 0 || summary.events > 0) && !force {
                throw StoreError(.exists, "\(directory) holds a database with \(summary.machines) machine(s) and \(summary.events) audit event(s); add --force to replace it")
            }
        }
        let lock = try lockExclusively(directory)
        defer { Glibc.close(lock) }
        let staging = directory + "/.restore"
        _ = removeTree(staging)
        guard mkdir(staging, 0o700) == 0 else { throw StoreError(.cannotOpen, "cannot create \(staging): \(String(cString: strerror(errno)))") }
        defer { _ = removeTree(staging) }
        try checkLength(of: path)
        try copyFile(from: path, to: staging + "/data.mdb")
        let summary: RestoreSummary
        do {
            let candidate = try Store(directory: staging)
            defer { candidate.close() }
            let problems = try candidate.read { try $0.integrityProblems() }
            guard problems.isEmpty else {
                throw StoreError(.corrupt, "the backup is inconsistent: " + problems.prefix(3).joined(separator: "; "))
            }
            summary = try candidate.summary()
            // The restored daemon journals the restore at its first start (store.restore).
            try candidate.markRestored("restored from \(ChangeLog.quoted(path)): \(summary.machines) machine(s), \(summary.keys) key(s), \(summary.events) event(s)")
        } catch {
            throw StoreError(.corrupt, "\(path) is not a usable papaours backup: \(StoreError(any: error).message)")
        }
        guard rename(staging + "/data.mdb", dataPath) == 0 else {
            throw StoreError(.cannotOpen, "cannot move the restored database into place: \(String(cString: strerror(errno)))")
        }
        unlink(directory + "/lock.mdb")
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY)
        if dirFD >= 0 { fsync(dirFD); Glibc.close(dirFD) }
        return summary
    }

    func summary() throws(StoreError) -> RestoreSummary {
        try read { snapshot in
            let counts = try snapshot.counts()
            return RestoreSummary(machines: counts.machines, keys: counts.keys, events: try snapshot.lastEventSequence())
        }
    }

    /// LMDB maps the file and would touch pages past its end (SIGBUS) if it were cut short:
    /// read the newer meta page (lmdb.h's MDB_meta) and check the file holds every page it names.
    static func checkLength(of path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError(.notFound, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { Glibc.close(fd) }
        var info = stat()
        fstat(fd, &info)
        let size = Int(info.st_size)
        func field<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T? {
            var value: T = 0
            let n = withUnsafeMutableBytes(of: &value) { pread(fd, $0.baseAddress, MemoryLayout<T>.size, off_t(offset)) }
            return n == MemoryLayout<T>.size ? T(littleEndian: value) : nil
        }
        // Page header 16 bytes, then MDB_meta: magic, version, address, mapsize, two MDB_db of
        // 48 bytes (the first's md_pad holds the page size), last page number, transaction id.
        let magic: UInt32 = 0xBEEF_C0DE
        guard size >= 4096, field(16, UInt32.self) == magic, let pageSize = field(40, UInt32.self),
              pageSize >= 512, pageSize <= 65536, size >= 2 * Int(pageSize)
        else { throw StoreError(.corrupt, "\(path) is not an LMDB database file (\(size) bytes)") }
        var lastPage: UInt64 = 0
        var newest: UInt64 = 0
        for meta in [0, Int(pageSize)] {
            guard field(meta + 16, UInt32.self) == magic, let last = field(meta + 136, UInt64.self),
                  let txn = field(meta + 144, UInt64.self) else { continue }
            if txn >= newest { newest = txn; lastPage = last }
        }
        let needed = (Int(lastPage) + 1) * Int(pageSize)
        guard needed <= size else {
            throw StoreError(.corrupt, "\(path) is cut short: its meta page needs \(needed) bytes, the file has \(size)")
        }
    }

    static func copyFile(from source: String, to destination: String) throws(StoreError) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw StoreError(.notFound, "cannot open \(source): \(String(cString: strerror(errno)))") }
        defer { Glibc.close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw StoreError(.cannotOpen, "cannot create \(destination): \(String(cString: strerror(errno)))") }
        defer { Glibc.close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw StoreError(.cannotOpen, "cannot read \(source): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            var written = 0
            while written < n {
                let w = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, n - written) }
                guard w > 0 else { throw StoreError(.unavailable, "cannot write \(destination): \(String(cString: strerror(errno)))") }
                written += w
            }
        }
        guard fsync(output) == 0 else { throw StoreError(.unavailable, "cannot sync \(destination): \(String(cString: strerror(errno)))") }
    }

    /// Removes a directory of plain files (the staging area).
    static func removeTree(_ path: String) -> Bool {
        guard let dir = opendir(path) else { return false }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { unlink(path + "/" + name) }
        }
        closedir(dir)
        return rmdir(path) == 0
    }
}
