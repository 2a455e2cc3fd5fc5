import PapaoursCore
#if canImport(Glibc)
import Glibc
#endif

/// Permissions granted to users and groups; uid 0 holds them all.
public struct Grants: Sendable, Equatable {
    public var users: [UInt32: Permissions] = [:]
    public var groups: [UInt32: Permissions] = [:]

    public init() {}

    public mutating func grant(user uid: UInt32, _ permissions: Permissions) {
        users[uid, default: []].formUnion(permissions)
    }

    public mutating func grant(group gid: UInt32, _ permissions: Permissions) {
        groups[gid, default: []].formUnion(permissions)
    }

    public func permissions(for peer: PeerCredentials) -> Permissions {
        if peer.uid == 0 { return .all }
        var result = users[peer.uid] ?? []
        if let p = groups[peer.gid] { result.formUnion(p) }
        for gid in peer.groups { if let p = groups[gid] { result.formUnion(p) } }
        return result
    }
}

/// Names of users and groups from the system databases (getpwnam_r and friends).
public enum Accounts {
    public static func uid(named name: String) -> UInt32? {
        if let n = UInt32(name) { return n }
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwnam_r(name, &pwd, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return pwd.pw_uid
    }

    public static func gid(named name: String) -> UInt32? {
        if let n = UInt32(name) { return n }
        var grp = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrnam_r(name, &grp, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return grp.gr_gid
    }

    /// The user name of `uid`, or the number when it has none.
    public static func userName(of uid: UInt32) -> String {
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &pwd, &buffer, buffer.count, &result) == 0, result != nil, let name = pwd.pw_name else {
            return String(uid)
        }
        return String(cString: name)
    }

    /// Supplementary groups of a user from the group database (when the kernel cannot say).
    public static func groups(of user: String, primary gid: UInt32) -> [UInt32] {
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, gid, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(user, gid, &groups, &count)
        }
        return Array(groups.prefix(Int(max(0, count))))
    }
}
