#if canImport(Glibc)
import Glibc
#endif

/// The directory of a socket papaoursd binds itself. After `bind` the daemon still names the
/// socket by its path (a stale socket's removal, giving it its group), so nobody but root and
/// the daemon's user may be able to swap a name in that directory: it must belong to one of
/// them and be writable by no one else, unless sticky (as `/tmp`, where names cannot be taken
/// over).
public enum SocketDirectory {
    /// What makes the directory of `socketPath` unsafe, in words; nil when it is safe or does
    /// not exist (the bind will say so).
    public static func problem(for socketPath: String) -> String? {
        let slash = socketPath.lastIndex(of: "/")
        let directory = slash.map { $0 == socketPath.startIndex ? "/" : String(socketPath[..<$0]) } ?? "."
        var info = stat()
        guard stat(directory, &info) == 0 else { return nil }
        let me = geteuid()
        if info.st_uid != 0 && info.st_uid != me {
            return "the socket's directory \(directory) belongs to uid \(info.st_uid), who could replace the socket's path; use a directory owned by root or uid \(me)"
        }
        if info.st_mode & (S_IWGRP | S_IWOTH) != 0 && info.st_mode & S_ISVTX == 0 {
            return "the socket's directory \(directory) is writable by its group or others (mode 0\(String(info.st_mode & 0o7777, radix: 8))), who could replace the socket's path; remove their write permission or set the sticky bit"
        }
        return nil
    }
}
