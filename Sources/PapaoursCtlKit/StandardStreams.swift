#if canImport(Glibc)
import Glibc
#endif

/// The few system calls on standard streams and files that papaoursctl makes.
enum StandardStreams {
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// write(2) until all is written; EINTR retried. Output lost on a closed pipe is not worth a crash.
    static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
        }
        bytes.removeAll()
    }

    /// One line from fd 0, read a byte at a time so that nothing after it is
    /// consumed; echo off while it is typed when `hidden` and fd 0 is a terminal.
    static func readLine(hidden: Bool) -> String? {
        var saved = termios()
        let silenced = hidden && isTerminal(0) && tcgetattr(0, &saved) == 0
        if silenced {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(0, TCSAFLUSH, &quiet)
        }
        defer {
            if silenced {
                _ = tcsetattr(0, TCSAFLUSH, &saved)
                write("\n", to: 2)
            }
        }
        return readLine(from: 0)
    }

    /// Bytes up to the first LF (excluded) or end of file; nil when nothing at all was read.
    static func readLine(from fd: Int32, limit: Int = 1 << 16) -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        var sawAnything = false
        while line.count < limit {
            let n = Glibc.read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            sawAnything = true
            if byte == 0x0A { break }
            line.append(byte)
        }
        guard sawAnything else { return nil }
        if line.last == 0x0D { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }

    /// A whole file ("-": standard input), or the errno that stopped it.
    static func readAll(ofFile path: String) -> Result<[UInt8], SystemError> {
        let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(SystemError(errno)) }
        defer { if fd != 0 { close(fd) } }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .failure(SystemError(errno)) }
            if n == 0 { return .success(contents) }
            contents += chunk[0..<n]
        }
    }

    /// The first line of a file, or the errno that stopped it.
    static func readFirstLine(ofFile path: String) -> Result<String?, SystemError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(SystemError(errno)) }
        defer { close(fd) }
        return .success(readLine(from: fd))
    }
}

/// An errno, with strerror(3)'s words.
struct SystemError: Error, Equatable {
    let code: Int32

    init(_ code: Int32) { self.code = code }

    /// What went wrong, in the user's language (strerror(3) speaks English only).
    func described(_ text: Localizer) -> String {
        switch code {
        case EACCES, EPERM: text(.sysPermission)
        case ENOENT: text(.sysNoEntry)
        case EISDIR: text(.sysIsDirectory)
        case ENOTDIR: text(.sysNotDirectory)
        case ENOSPC, EDQUOT: text(.sysNoSpace)
        case EROFS: text(.sysReadOnly)
        case EEXIST: text(.sysExists)
        default: text(.sysOther, String(code))
        }
    }
}

/// A new private file for a secret, a backup or an export: created with
/// O_CREAT|O_EXCL (never overwriting, never following a symbolic link) and mode
/// 0600, before anything is asked of the daemon.
final class PrivateFile {
    let path: String
    private var fd: Int32

    init(creating path: String) throws(SystemError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SystemError(errno) }
        self.path = path
        self.fd = fd
    }

    deinit { if fd >= 0 { close(fd) } }

    /// The open file, for the daemon to write into (BACKUP).
    var descriptor: Int32 { fd }

    /// Writes the whole text, flushes it to disk and closes the file.
    func write(_ text: String) throws(SystemError) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError(errno)
            }
            offset += n
        }
        try finish()
    }

    /// Flushes the file and its directory entry to disk, and closes it.
    func finish() throws(SystemError) {
        guard fsync(fd) == 0 else { throw SystemError(errno) }
        let closing = fd
        fd = -1
        guard close(closing) == 0 else { throw SystemError(errno) }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 { _ = fsync(dirFD); close(dirFD) }
    }

    /// Removes the file when what it was for failed.
    func discard() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(path)
    }
}
