import CPapaoursSystem
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket of the HTTP gate: a Unix socket (peers need keys.verify) or a loopback
/// TCP port (every local process may verify).
public struct GateListener: Sendable {
    public enum Transport: Sendable { case unix, tcp }

    public let fd: Int32
    public let transport: Transport
    /// The path to unlink at exit; nil for TCP and for a socket systemd owns.
    public let ownedPath: String?
    /// Where it listens, for the logs.
    public let name: String

    /// http-listen lines accepted; with the Unix socket and systemd's, the loops' listener tokens stay below 16.
    public static let maxTCP = 8

    /// `http-socket`: bound like the main socket, with its mode and group.
    public static func bind(path: String, mode: UInt32, group: String?) throws(ServerError) -> GateListener {
        let socket = try ListeningSocket.bind(path: path, mode: mode, group: group)
        return GateListener(fd: socket.fd, transport: .unix, ownedPath: path, name: path)
    }

    /// `http-listen`: a loopback address and port.
    public static func listen(_ address: LoopbackAddress) throws(ServerError) -> GateListener {
        let fd = papa_tcp_listen(address.host, Int32(address.port), 1024)
        guard fd >= 0 else {
            throw ServerError("cannot listen on \(address) for the HTTP gate: \(fd == -2 ? "not a loopback address" : String(cString: strerror(errno)))")
        }
        return GateListener(fd: fd, transport: .tcp, ownedPath: nil, name: "http://\(address)")
    }

    /// A socket systemd passed under the name `http` (FileDescriptorName=http).
    static func activated(fd: Int32) throws(ServerError) -> GateListener {
        let family = papa_listener_family(fd)
        guard family == AF_UNIX || family == AF_INET || family == AF_INET6 else {
            throw ServerError("the socket systemd passed as \"http\" (fd \(fd)) is not a listening stream socket")
        }
        _ = papa_set_nonblocking(fd)
        _ = papa_set_cloexec(fd)
        return GateListener(fd: fd, transport: family == AF_UNIX ? .unix : .tcp, ownedPath: nil, name: "the http socket from systemd (fd \(fd))")
    }

    public func close() {
        _ = Glibc.close(fd)
        if let ownedPath { unlink(ownedPath) }
    }
}

extension GateListener {
    /// The listeners papaoursd.conf asks for (http-socket, http-listen); none is left open on failure.
    public static func open(for configuration: Configuration) throws(ServerError) -> [GateListener] {
        var opened: [GateListener] = []
        do {
            if let path = configuration.httpSocketPath {
                opened.append(try bind(path: path, mode: configuration.socketMode, group: configuration.socketGroup))
            }
            for address in configuration.httpListen { opened.append(try listen(address)) }
        } catch {
            for listener in opened { listener.close() }
            throw error
        }
        return opened
    }
}
