import PapaoursCore
#if canImport(Glibc)
import Glibc
#endif

/// Permissions granted to users and groups, each grant for every organisation or scoped to
/// some (protocol.md, "Scoped grants"); uid 0 holds them all, unscoped.
public struct Grants: Sendable, Equatable {
    public struct Grant: Sendable, Equatable {
        public var permissions: Permissions
        /// Canonical organisation names; nil: unscoped.
        public var scope: Set<String>?
    }

    public var users: [UInt32: [Grant]] = [:]
    public var groups: [UInt32: [Grant]] = [:]

    public init() {}

    /// `scope` limits the grant to machines of those organisations; `all` then leaves out rights.admin.
    public mutating func grant(user uid: UInt32, _ permissions: Permissions, organizations scope: Set<String>? = nil) {
        users[uid, default: []].append(Grant(permissions: Grants.scoped(permissions, scope), scope: scope))
    }

    public mutating func grant(group gid: UInt32, _ permissions: Permissions, organizations scope: Set<String>? = nil) {
        groups[gid, default: []].append(Grant(permissions: Grants.scoped(permissions, scope), scope: scope))
    }

    private static func scoped(_ permissions: Permissions, _ scope: Set<String>?) -> Permissions {
        scope == nil || permissions != .all ? permissions : permissions.subtracting(.rightsAdmin)
    }

    public func permissions(for peer: PeerCredentials) -> Permissions { access(for: peer).permissions }

    public func access(for peer: PeerCredentials) -> Access {
        if peer.uid == 0 { return Access(grants: [Grant(permissions: .all, scope: nil)]) }
        var found = users[peer.uid] ?? []
        for gid in Set([peer.gid] + peer.groups) { found += groups[gid] ?? [] }
        return Access(grants: found)
    }
}

/// What one peer holds: its permissions and, for each, where it applies.
public struct Access: Sendable, Equatable {
    public let grants: [Grants.Grant]
    public let permissions: Permissions

    init(grants: [Grants.Grant]) {
        self.grants = grants
        permissions = grants.reduce(into: []) { $0.formUnion($1.permissions) }
    }

    /// The organisations `permission` applies in: nil when one unscoped grant gives it, else
    /// the union of the scopes of the grants that give it.
    public func scope(of permission: Permissions) -> Set<String>? {
        var union = Set<String>()
        for grant in grants where grant.permissions.isSuperset(of: permission) {
            guard let scope = grant.scope else { return nil }
            union.formUnion(scope)
        }
        return union
    }

    /// What the peer's writes may do: rights.admin, within its write scope.
    public var authority: Authority {
        Authority(rightsAdmin: permissions.contains(.rightsAdmin), scope: scope(of: .machinesWrite))
    }

    /// Whether a machine of `organization` is visible to a read that needs `permission`.
    public func sees(_ organization: String, through permission: Permissions) -> Bool {
        Authority(rightsAdmin: false, scope: scope(of: permission)).covers(organization)
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
