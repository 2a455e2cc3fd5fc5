#if canImport(Glibc)
import Glibc
#endif

/// Who this process runs as, by name, for messages that tell a user what to do.
enum SystemUser {
    static var uid: UInt32 { getuid() }

    static func name(of uid: UInt32) -> String? {
        lookup { buffer, size in
            var entry = passwd(), result: UnsafeMutablePointer<passwd>?
            let status = getpwuid_r(uid, &entry, buffer, size, &result)
            return (status, result.map { String(cString: $0.pointee.pw_name) })
        }
    }

    static func groupName(of gid: UInt32) -> String? {
        lookup { buffer, size in
            var entry = group(), result: UnsafeMutablePointer<group>?
            let status = getgrgid_r(gid, &entry, buffer, size, &result)
            return (status, result.map { String(cString: $0.pointee.gr_name) })
        }
    }

    /// Calls a `get…_r` function with a buffer, grown while it answers ERANGE.
    private static func lookup(_ call: (UnsafeMutablePointer<CChar>, Int) -> (Int32, String?)) -> String? {
        var size = 1024
        while size <= 1 << 20 {
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
            defer { buffer.deallocate() }
            let (status, name) = call(buffer, size)
            if status != ERANGE { return name }
            size *= 2
        }
        return nil
    }
}
