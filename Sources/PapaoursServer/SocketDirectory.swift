#if canImport(Glibc)
import Glibc
#endif

/// The directories above a socket papaoursd binds itself. The daemon names the socket by its
/// path after `bind` (stale-socket removal, its group), so nobody but root and the daemon's
/// user may be able to swap a name on that path: every directory up to `/` must belong to one
/// of them and be writable by no one else, unless sticky (as `/tmp`, where names cannot be taken
/// over).
public enum SocketDirectory {
    /// What makes the directories of `socketPath` unsafe, in words; nil when they are safe or
    /// do not exist (the bind will say so).
    public static func problem(for socketPath: String) -> String? {
        let slash = socketPath.lastIndex(of: "/")
        let parent = slash.map { $0 == socketPath.startIndex ? "/" : String(socketPath[..<$0]) } ?? "."
        guard let resolved = realpath(parent, nil) else { return nil }
        var directory = String(cString: resolved)
        free(resolved)
        let me = geteuid()
        while true {
            var info = stat()
            guard stat(directory, &info) == 0 else { return nil }
            if info.st_uid != 0 && info.st_uid != me {
                return "the socket's directory \(directory) belongs to uid \(info.st_uid), who could replace the socket's path; use a directory owned by root or uid \(me)"
            }
            let writableByOthers = info.st_mode & (S_IWGRP | S_IWOTH) != 0
            if writableByOthers && info.st_mode & S_ISVTX == 0 {
                return "the socket's directory \(directory) is writable by its group or others (mode 0\(String(info.st_mode & 0o7777, radix: 8))), who could replace the socket's path; remove their write permission or set the sticky bit"
            }
            if directory == "/" { return nil }
            let cut = directory.lastIndex(of: "/")!
            directory = cut == directory.startIndex ? "/" : String(directory[..<cut])
        }
    }
}
