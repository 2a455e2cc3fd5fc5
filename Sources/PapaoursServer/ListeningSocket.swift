import CPapaoursSystem
#if canImport(Glibc)
import Glibc
#endif

/// The Unix socket papaoursd listens on: handed over by systemd, or bound here.
public struct ListeningSocket: Sendable {
    public let fd: Int32
    /// The path to unlink at exit; nil when systemd owns the socket.
    public let ownedPath: String?

    /// What systemd passed: the main socket and the HTTP gate's, named `http`.
    public struct Activated: Sendable {
        public let main: ListeningSocket
        public let gates: [GateListener]
    }

    /// systemd socket activation (sd_listen_fds(3)): LISTEN_PID is us and LISTEN_FDS ≥ 1, from fd 3.
    /// Sockets named `http` (LISTEN_FDNAMES) are the gate's; the first other one is the main socket.
    public static func fromSystemd() throws(ServerError) -> Activated? {
        guard let pidText = getenv("LISTEN_PID").map({ String(cString: $0) }),
              let fdsText = getenv("LISTEN_FDS").map({ String(cString: $0) }),
              Int32(pidText) == getpid(), let count = Int(fdsText), count >= 1
        else { return nil }
        let names = getenv("LISTEN_FDNAMES").map { String(cString: $0).split(separator: ":", omittingEmptySubsequences: false).map(String.init) } ?? []
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
        var main: Int32?
        var gates: [GateListener] = []
        for i in 0..<min(count, 16) {
            let fd = Int32(3 + i)
            if i < names.count && names[i] == "http" {
                gates.append(try GateListener.activated(fd: fd))
            } else if main == nil {
                main = fd
            }
        }
        guard let fd = main else { throw ServerError("systemd passed only sockets named http: the main socket is missing") }
        guard papa_is_unix_listener(fd) == 1 else {
            throw ServerError("the socket passed by systemd (fd \(fd)) is not a listening Unix stream socket")
        }
        _ = papa_set_nonblocking(fd)
        _ = papa_set_cloexec(fd)
        return Activated(main: ListeningSocket(fd: fd, ownedPath: nil), gates: gates)
    }

    /// Binds `path`: a stale socket left by a crash is replaced, a live daemon's is not. Its
    /// directories must be safe (SocketDirectory), and its mode is set by the bind itself.
    public static func bind(path: String, mode: UInt32, group: String?) throws(ServerError) -> ListeningSocket {
        guard path.utf8.count < 108 else { throw ServerError("socket path \(path) is longer than 107 bytes") }
        if let problem = SocketDirectory.problem(for: path) { throw ServerError("refusing to listen on \(path): \(problem)") }
        var info = stat()
        if lstat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFSOCK else {
                throw ServerError("\(path) exists and is not a socket; refusing to replace it")
            }
            let probe = papa_unix_connect(path)
            if probe >= 0 {
                _ = Glibc.close(probe)
                throw ServerError("another papaoursd is listening on \(path)")
            }
            unlink(path)
        }
        // The bind makes the socket with mode 0777 less the umask: this umask gives it exactly
        // `mode`, with no chmod through the path afterwards.
        let old = umask(mode_t(~mode & 0o777))
        let fd = papa_unix_listen(path, 1024)
        let error = errno
        umask(old)
        guard fd >= 0 else {
            throw ServerError("cannot listen on \(path): \(String(cString: strerror(error)))")
        }
        if let group {
            guard let gid = Accounts.gid(named: group) else {
                _ = Glibc.close(fd)
                unlink(path)
                throw ServerError("socket-group \(group) does not exist")
            }
            // The directories are safe, so the name is still ours; never follow a symlink all the same.
            if fchownat(AT_FDCWD, path, UInt32.max, gid, AT_SYMLINK_NOFOLLOW) != 0 {
                Log.warning("cannot give \(path) to group \(group): \(String(cString: strerror(errno)))")
            }
        }
        return ListeningSocket(fd: fd, ownedPath: path)
    }

    public func close() {
        _ = Glibc.close(fd)
        if let ownedPath { unlink(ownedPath) }
    }
}
