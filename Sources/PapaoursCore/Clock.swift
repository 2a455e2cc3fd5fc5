import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one source of "now" every time-dependent decision reads (`Timestamp.now()`): the real
/// clock, moved forward by an offset that only tests set. papaoursd's `--test-clock-file PATH`
/// (papaoursd(8): for tests only) names a file holding an offset in seconds; it is read again
/// whenever its modification time or size changes, so that a test moves the daemon's clock by
/// writing the file (best replaced whole, by a rename), without waiting. Without the option the offset is 0 and costs one atomic load.
public enum Clock {
    private static let enabled = Atomic<Bool>(false)
    private static let offsetFile = Locked<OffsetFile?>(nil)

    private struct OffsetFile {
        let path: String
        var modified = timespec()
        var size: Int = -1
        var inode: UInt64 = 0
        var offset: Int64 = 0
    }

    /// Makes the clock follow the offset in `path` (a decimal number of seconds, may be
    /// negative; a missing or unreadable file is an offset of 0).
    public static func followOffset(file path: String) {
        offsetFile.withLock { $0 = OffsetFile(path: path) }
        enabled.store(true, ordering: .releasing)
    }

    /// The offset in seconds added to the real clock now.
    public static func offset() -> Int64 {
        guard enabled.load(ordering: .acquiring) else { return 0 }
        return offsetFile.withLock { state -> Int64 in
            guard var file = state else { return 0 }
            var info = stat()
            guard stat(file.path, &info) == 0 else { return 0 }
            // File times tick coarsely (a few ms): a file replaced (renamed over) is a new inode.
            if info.st_mtim.tv_sec != file.modified.tv_sec || info.st_mtim.tv_nsec != file.modified.tv_nsec
                || Int(info.st_size) != file.size || UInt64(info.st_ino) != file.inode {
                file.modified = info.st_mtim
                file.size = Int(info.st_size)
                file.inode = UInt64(info.st_ino)
                file.offset = readOffset(file.path) ?? 0
                state = file
            }
            return file.offset
        }
    }

    private static func readOffset(_ path: String) -> Int64? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self).filter { !$0.isWhitespace }
        return Int64(text)
    }
}
