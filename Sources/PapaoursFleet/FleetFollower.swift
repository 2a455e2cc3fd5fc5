import CLibPQ
import PapaoursCore
import PapaoursStore
#if canImport(Glibc)
import Glibc
#endif

/// Keeps the local store following the fleet: LISTENs on its own connection to wake at once
/// when a writer commits, reads every `cluster-poll` in case a notification was lost, and
/// applies the changes after the sequence reached, in order (Store.follow stores the sequence
/// in the same LMDB transaction). A replica that cannot follow on (changes pruned, another
/// fleet) copies the fleet again and swaps it in at once.
public final class FleetFollower: ChangeFollower, @unchecked Sendable {
    private let store: Store
    private let settings: FleetSettings
    private let status: FleetStatus
    private let warn: @Sendable (String) -> Void
    private let link: FleetLink
    private var listeningOn: PGConnection?
    /// A pipe: `stop` writes to it, the waits poll its reading end.
    private var stopPipe: [Int32] = [-1, -1]
    private var stopFD: Int32 { stopPipe[0] }
    private var stopped = false

    public init(store: Store, settings: FleetSettings, status: FleetStatus, warn: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.settings = settings
        self.status = status
        self.warn = warn
        link = FleetLink(settings, purpose: "follower's")
        precondition(pipe(&stopPipe) == 0, "cannot make a pipe: \(String(cString: strerror(errno)))")
        for fd in stopPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    }

    deinit {
        close(stopPipe[0])
        close(stopPipe[1])
    }

    public func stop() {
        var one: UInt8 = 1
        _ = write(stopPipe[1], &one, 1)
    }

    public func run() {
        while !stopped {
            switch link.connected(log: warn) {
            case .failure:
                status.lost()
                wait(on: nil, milliseconds: 200)
            case .success(let connection):
                do {
                    if listeningOn !== connection {
                        try connection.listen(FleetSchema.channel)
                        listeningOn = connection
                    }
                    try FleetStream.catchUp(store, on: connection, schema: settings.schema, status: status)
                    // A NOTIFY that came in during the catch-up's queries is already read off the
                    // socket by libpq: look before sleeping, or it would wait for the poll.
                    if try connection.notifications().isEmpty {
                        wait(on: connection, milliseconds: settings.poll)
                        _ = try connection.notifications()
                    }
                } catch let error as PGError {
                    link.failed(error, log: warn)
                    if link.connection == nil { status.lost() } else { wait(on: nil, milliseconds: settings.poll) }
                } catch let gap as FleetGap {
                    warn("\(gap); copying the fleet again")
                    resynchronise(on: connection)
                } catch {
                    warn("cannot apply the fleet's changes here: \(error); trying again in \(ClusterTiming.retry) ms")
                    wait(on: nil, milliseconds: ClusterTiming.retry)
                }
            }
            status.checkStale()
        }
    }

    private func resynchronise(on connection: PGConnection) {
        do {
            let copy = try FleetCopy.read(on: connection, schema: settings.schema)
            try store.replace(with: copy.state, fleet: copy.fleetID)
            warn("copied the fleet anew: \(copy.state.changes.count) record(s), change sequence \(copy.state.sequence)")
        } catch {
            warn("cannot copy the fleet: \(error); trying again in \(ClusterTiming.retry) ms")
            wait(on: nil, milliseconds: ClusterTiming.retry)
        }
    }

    /// Sleeps until `connection` has something to read, the stop, or `milliseconds` pass.
    private func wait(on connection: PGConnection?, milliseconds: Int) {
        var fds = [pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0)]
        if let connection { fds.append(pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)) }
        _ = poll(&fds, nfds_t(fds.count), Int32(milliseconds))
        if fds[0].revents != 0 { stopped = true }
    }
}

enum ClusterTiming {
    /// After a failure that is not the connection's, before trying again.
    static let retry = 1000
}
