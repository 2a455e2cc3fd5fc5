import CPapaoursSystem

/// Who is at the other end of a Unix socket, as the kernel says (SO_PEERCRED, SO_PEERGROUPS).
public struct PeerCredentials: Sendable, Equatable {
    public let uid: UInt32
    public let gid: UInt32
    public let pid: Int32
    public let groups: [UInt32]
    public let user: String

    public init(uid: UInt32, gid: UInt32, pid: Int32, groups: [UInt32], user: String) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.groups = groups
        self.user = user
    }

    /// Reads the credentials of a connected socket; nil when the kernel will not tell.
    public static func of(socket fd: Int32, userName: (UInt32) -> String) -> PeerCredentials? {
        var uid: UInt32 = 0, gid: UInt32 = 0
        var pid: Int32 = 0
        guard papa_peer_credentials(fd, &uid, &gid, &pid) == 0 else { return nil }
        let user = userName(uid)
        var buffer = [UInt32](repeating: 0, count: 256)
        let n = papa_peer_groups(fd, &buffer, Int32(buffer.count))
        let groups = n >= 0 ? Array(buffer.prefix(Int(n))) : Accounts.groups(of: user, primary: gid)
        return PeerCredentials(uid: uid, gid: gid, pid: pid, groups: groups, user: user)
    }
}
