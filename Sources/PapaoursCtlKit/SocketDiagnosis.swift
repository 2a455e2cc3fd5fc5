#if canImport(Glibc)
import Glibc
#endif
import PapaoursClient

/// Why papaoursd cannot be reached at a path, found by looking at what is there: nothing
/// (and whether its directory exists), a directory, a file, a socket nobody answers on, or
/// a socket or directory this user may not open.
enum SocketDiagnosis {
    static func cause(of error: ClientError, path: String, text: Localizer) -> String {
        switch error.code {
        case .pathTooLong: return text(.reachPathTooLong)
        case .notRunning, .permissionDenied: break
        default: return text(.reachSystem, error.errno.map { SystemError($0).described(text) } ?? text(.sysOther, "?"))
        }
        if let blocked = unsearchableDirectory(on: path) {
            return text(.reachSearch, SystemUser.name(of: SystemUser.uid) ?? String(SystemUser.uid), blocked)
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            let directory = parent(of: path)
            var dirInfo = stat()
            if stat(directory, &dirInfo) != 0 { return text(.reachNoDirectory, directory) }
            return text(.reachNothing)
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return text(.reachDirectory, path.hasSuffix("/") ? String(path.dropLast()) : path)
        case S_IFREG: return text(.reachFile)
        case S_IFSOCK: break
        default: return text(.reachNotSocket)
        }
        if error.code == .permissionDenied && info.st_mode & 0o060 != 0o060 {
            let owner = SystemUser.name(of: info.st_uid) ?? String(info.st_uid)
            return text(.reachOwnerOnly, owner, "0" + String(info.st_mode & 0o777, radix: 8))
        }
        if error.code == .permissionDenied {
            let group = SystemUser.groupName(of: info.st_gid) ?? String(info.st_gid)
            let mode = "0" + String(info.st_mode & 0o777, radix: 8)
            return text(.reachPermission, group, mode, SystemUser.name(of: SystemUser.uid) ?? "$USER")
        }
        return text(.reachRefused)
    }

    /// The first directory on the way to `path` that this user may not go through.
    private static func unsearchableDirectory(on path: String) -> String? {
        var directory = parent(of: path)
        var chain: [String] = []
        while true {
            chain.append(directory)
            if directory == "/" || directory == "." { break }
            directory = parent(of: directory)
        }
        for candidate in chain.reversed() {
            var info = stat()
            guard stat(candidate, &info) == 0 else { return nil }
            if access(candidate, X_OK) != 0 && errno == EACCES { return candidate }
        }
        return nil
    }

    private static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }
}
