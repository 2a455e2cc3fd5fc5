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
        // Forced, the database in place is not opened: it may be the damaged one being replaced.
        if !force && access(dataPath, F_OK) == 0 {
            let existing: Store
            do {
                existing = try Store(directory: directory)
            } catch where error.code == .corrupt {
                throw StoreError(.corrupt, "\(directory) holds a database that cannot be read (\(error.message)); add --force to replace it")
            }
            let summary = try existing.summary()
            existing.close()
            if summary.machines > 0 || summary.events > 0 {
                throw StoreError(.exists, "\(directory) holds a database with \(summary.machines) machine(s) and \(summary.events) audit event(s); add --force to replace it")
            }
        }
        let lock = try lockExclusively(directory)
        defer { Glibc.close(lock) }
        let staging = directory + "/.restore"
        _ = removeTree(staging)
        guard mkdir(staging, 0o700) == 0 else { throw StoreError(.cannotOpen, "cannot create \(staging): \(String(cString: strerror(errno)))") }
        defer { _ = removeTree(staging) }
        // Every page checked before LMDB maps the file: a damaged one must be a refusal, not a signal.
        try DataFile.check(path, pages: .all)
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
