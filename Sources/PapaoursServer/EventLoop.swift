import CPapaoursSystem
import PapaoursCore
import PapaoursProtocol
import PapaoursStore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One thread's epoll loop: accepts, reads, answers reads itself from its read session,
/// hands writes to the writer and writes replies once per turn.
final class EventLoop: WriteCompletionSink, @unchecked Sendable {
    static let listenerToken: UInt64 = 0
    static let wakeToken: UInt64 = 1
    /// The HTTP gate's listener i, and back (connection serials start above 16).
    static func gateToken(_ i: Int) -> UInt64 { UInt64(2 + i) }
    static func gateIndex(_ token: UInt64) -> Int? { (2..<16).contains(token) ? Int(token - 2) : nil }
    /// Requests answered per connection per turn, so one busy client cannot starve others.
    static let requestsPerTurn = 64
    /// Writes of one connection sent to the writer as one group (and so one commit at most).
    static let writesPerGroup = 256
    static let readChunk = 65536

    let index: Int
    private let shared: SharedState
    private let epfd: Int32
    private let wakeFD: Int32
    private let session: Snapshot
    private let dispatcher: Dispatcher
    private let mailbox = Locked<[(UInt64, [UInt8])]>([])
    /// Accepted sockets handed over by another loop, with their peers.
    private let incoming = Locked<[(Int32, PeerCredentials, GateListener.Transport?)]>([])
    /// Connections this loop serves (or has been handed), for spreading new ones.
    let load = Atomic<Int>(0)
    /// Every loop, this one included; set before the loops start.
    var peers: [EventLoop] = []

    private var connections: [UInt64: Connection] = [:]
    private var ready: [Connection] = []
    private var dirty: [Connection] = []
    private var usage = UsageTally()
    private var configuration: Configuration
    private var configurationGeneration: UInt64 = 0
    private var acceptPausedUntil: Int64 = 0
    private var lastTimerRun: Int64 = 0
    private var lastUsageFlush: Int64 = 0
    private var stopDeadline: Int64 = 0
    /// Secrets pass through it: out of core dumps, locked, wiped after each read.
    private let readBuffer: PrivateBuffer
    private var thread: OSThread?

    init(index: Int, shared: SharedState) throws {
        self.index = index
        self.shared = shared
        epfd = papa_epoll_create()
        wakeFD = papa_eventfd()
        guard epfd >= 0, wakeFD >= 0 else { throw ServerError("cannot create the event loop: \(String(cString: strerror(errno)))") }
        session = try Snapshot(store: shared.store)
        dispatcher = Dispatcher(store: shared.store, session: session, stats: shared.stats, version: shared.version,
                                importStaging: shared.importStaging)
        configuration = shared.configuration
        usage.history = configuration.usageHistory
        readBuffer = try PrivateBuffer(count: EventLoop.readChunk)
        guard control(PAPA_EPOLL_CTL_ADD, wakeFD, PAPA_EPOLLIN, EventLoop.wakeToken) else {
            throw ServerError("cannot watch the event loop's eventfd")
        }
        watchListeners(true)
    }

    /// Adds (or removes) the listening sockets, the HTTP gate's too; EPOLLEXCLUSIVE: one loop
    /// wakes per new connection, not all of them.
    private func watchListeners(_ on: Bool) {
        let op = on ? PAPA_EPOLL_CTL_ADD : PAPA_EPOLL_CTL_DEL
        control(op, shared.listenFD, PAPA_EPOLLIN | PAPA_EPOLLEXCLUSIVE, EventLoop.listenerToken)
        for (i, gate) in shared.gates.enumerated() {
            control(op, gate.fd, PAPA_EPOLLIN | PAPA_EPOLLEXCLUSIVE, EventLoop.gateToken(i))
        }
    }

    /// epoll_ctl(2) through the gate; false (and said in the log) when the kernel refused it,
    /// out of memory or watches.
    @discardableResult
    private func control(_ op: Int32, _ fd: Int32, _ events: UInt32, _ token: UInt64) -> Bool {
        switch SystemCall.run("epoll_ctl", { papa_epoll_ctl(epfd, op, fd, events, token) }) {
        case .success: return true
        case .failure(let error):
            Log.error("epoll_ctl(\(op == PAPA_EPOLL_CTL_ADD ? "ADD" : op == PAPA_EPOLL_CTL_DEL ? "DEL" : "MOD")) on descriptor \(fd) failed: \(error)")
            return false
        }
    }

    func start() {
        thread = OSThread(name: "papaours-loop\(index)") { [self] in run() }
    }

    func join() {
        thread?.join()
        close(epfd)
        close(wakeFD)
    }

    func wake() { _ = papa_eventfd_signal(wakeFD) }

    /// Called by the writer thread once a group of writes of ours is committed.
    func complete(connection: UInt64, outcomes: [WriteOutcome]) {
        var replies: [UInt8] = []
        for outcome in outcomes {
            // A KEY CREATE reply holds the new secret: no copy of it is left behind unwiped.
            var reply = ReplyFormat.reply(outcome)
            replies += reply
            Wipe.zero(&reply)
        }
        mailbox.withLock { $0.append((connection, replies)) }
        wake()
    }

    // MARK: The loop

    private func run() {
        var events = [papa_event](repeating: papa_event(), count: 256)
        lastUsageFlush = monotonicMilliseconds()
        while true {
            let stopping = shared.stopping.load(ordering: .acquiring)
            let timeout: Int32 = !ready.isEmpty ? 0 : (stopping ? 20 : 1000)
            let n = papa_epoll_wait(epfd, &events, Int32(events.count), timeout)
            let now = monotonicMilliseconds()
            refreshConfiguration()
            // Mailboxes are only read when someone rang: every producer writes the eventfd after posting.
            var woken = stopping
            if n > 0 {
                for i in 0..<Int(n) {
                    let event = events[i]
                    switch event.data {
                    case EventLoop.listenerToken: if !stopping { acceptConnections(on: shared.listenFD, gate: nil, now: now) }
                    case EventLoop.wakeToken:
                        _ = papa_eventfd_drain(wakeFD)
                        woken = true
                    default:
                        if let connection = connections[event.data] {
                            handle(event.events, on: connection, now: now)
                        } else if let i = EventLoop.gateIndex(event.data), i < shared.gates.count, !stopping {
                            acceptConnections(on: shared.gates[i].fd, gate: shared.gates[i].transport, now: now)
                        }
                    }
                }
            }
            if woken {
                adoptHandedOver(now: now)
                deliverCompletions(now: now)
            }
            processReady(now: now)
            flushDirty()
            session.end()
            if now - lastTimerRun >= 1000 || stopping { runTimers(now: now) }
            if stopping && finishStopping(now: now) { return }
        }
    }

    private func refreshConfiguration() {
        let generation = shared.configurationGeneration.load(ordering: .acquiring)
        guard generation != configurationGeneration else { return }
        configurationGeneration = generation
        configuration = shared.configuration
        usage.history = configuration.usageHistory
        for connection in connections.values {
            connection.access = configuration.grants.access(for: connection.peer)
        }
    }

    // MARK: Connections

    /// `gate`: the HTTP gate's transport when `listenFD` is one of its listeners.
    private func acceptConnections(on listenFD: Int32, gate: GateListener.Transport?, now: Int64) {
        for _ in 0..<64 {
            let fd: Int32
            switch shared.spare.accept(listenFD) {
            case .success(let accepted): fd = accepted
            case .failure(let error) where error.wouldBlock: return
            case .failure(let error) where error.outOfDescriptors && refuseWithSpare(on: listenFD, gate: gate): continue
            case .failure(let error) where error.outOfDescriptors || error.code == ENOBUFS || error.code == ENOMEM:
                // Out of descriptors: stop listening for a moment instead of spinning on a ready listener.
                Log.warning("cannot accept a connection: \(error); pausing accepts for 100 ms")
                watchListeners(false)
                acceptPausedUntil = now + 100
                return
            case .failure: continue  // the client gave up before we took it (ECONNABORTED…)
            }
            let credentials = gate == .tcp ? GateState.tcpPeer(fd) : PeerCredentials.of(socket: fd, userName: Accounts.userName(of:))
            guard let peer = credentials else { close(fd); continue }
            let administrator = configuration.grants.permissions(for: peer).contains(.machinesWrite)
            if let refusal = shared.admission.admit(peer, administrator: administrator, under: configuration) {
                refuse(fd, refusal, gate: gate)
                Log.warning("refused a connection from \(Log.token(peer.user)) (uid \(peer.uid)): \(refusal)")
                continue
            }
            // The least loaded loop serves it, so that a burst accepted here still spreads over the CPUs.
            let target = peers.min { $0.load.load(ordering: .relaxed) < $1.load.load(ordering: .relaxed) } ?? self
            target.load.add(1, ordering: .relaxed)
            if target === self {
                adopt(fd, peer: peer, gate: gate, now: now)
            } else {
                target.incoming.withLock { $0.append((fd, peer, gate)) }
                target.wake()
            }
        }
    }

    /// `NO busy` (the gate's: 503) and close, on a socket just accepted.
    private func refuse(_ fd: Int32, _ why: String, gate: GateListener.Transport?) {
        let reply = gate == nil ? ReplyFormat.no("busy", why) : GateResponse.busy(why)
        _ = reply.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        close(fd)
    }

    /// Out of descriptors: one client told `NO busy` through the daemon's spare descriptor.
    private func refuseWithSpare(on listenFD: Int32, gate: GateListener.Transport?) -> Bool {
        let refused = shared.spare.refuseOne(on: listenFD) { fd in
            refuse(fd, "too many connections: the daemon is out of file descriptors", gate: gate)
        }
        if refused { Log.warning("refused a connection: out of file descriptors") }
        return refused
    }

    /// Starts serving an accepted socket, its slot taken: its first read.
    private func adopt(_ fd: Int32, peer: PeerCredentials, gate: GateListener.Transport?, now: Int64) {
        let connection = Connection(fd: fd, serial: shared.nextSerial(), peer: peer,
                                    access: configuration.grants.access(for: peer), now: now)
        if let gate { connection.gate = GateState(transport: gate) }
        connections[connection.serial] = connection
        setInterest(connection, PAPA_EPOLLIN, adding: true)
        Log.debug("connection \(connection.serial) from \(Log.token(peer.user)) (uid \(peer.uid), pid \(peer.pid)) on loop \(index)")
    }

    private func adoptHandedOver(now: Int64) {
        let handed = incoming.withLock { box -> [(Int32, PeerCredentials, GateListener.Transport?)] in
            let items = box
            box.removeAll(keepingCapacity: true)
            return items
        }
        for (fd, peer, gate) in handed { adopt(fd, peer: peer, gate: gate, now: now) }
    }

    private func handle(_ events: UInt32, on connection: Connection, now: Int64) {
        if events & PAPA_EPOLLIN != 0 {
            readFrom(connection, now: now)
        } else if events & (PAPA_EPOLLHUP | PAPA_EPOLLERR) != 0 {
            // Gone both ways: nobody to answer.
            closeConnection(connection)
            return
        }
        if events & PAPA_EPOLLOUT != 0 { markDirty(connection) }
    }

    private func readFrom(_ connection: Connection, now: Int64) {
        // One descriptor at most (a BACKUP line needs one): the kernel installs no more.
        var passedFD: Int32 = -1
        var passed: Int32 = 0
        let chunkStart = connection.input.count
        let received = SystemCall.run("recvmsg") { papa_recv_with_fds(connection.fd, readBuffer.base, readBuffer.count, &passedFD, 1, &passed) }
        guard case .success(let n) = received else {
            if case .failure(let error) = received, error.wouldBlock { return }
            closeConnection(connection)
            return
        }
        if n > 0 {
            connection.appendInput(UnsafeRawBufferPointer(start: readBuffer.base, count: n))
            readBuffer.wipe(n)
            connection.lastActivity = now
        }
        if passed > 0 { connection.receive(descriptor: passedFD, withBytesFrom: chunkStart) }
        if n == 0 { connection.inputEnded = true }
        process(connection, now: now)
    }

    /// Answers the complete lines the connection has buffered, within this turn's share. Writes
    /// that follow one another are gathered and go to the writer as one group; the first request
    /// after them that is not a write waits, unread, until they are answered (order, and reads
    /// that see the writes before them).
    private func process(_ connection: Connection, now: Int64) {
        guard connections[connection.serial] != nil else { return }
        if connection.gate != nil { return serveGate(connection, now: now) }
        var handled = 0
        var stalled = false
        var group: [WriteOperation] = []
        continueListing(connection)
        while connection.isServing && connection.pendingOutput < configuration.outputLimit {
            if handled == EventLoop.requestsPerTurn || group.count == EventLoop.writesPerGroup {
                if connection.hasBufferedInput { ready.append(connection) }
                break
            }
            let mark = connection.readMark
            switch connection.nextLine(limit: Tokenizer.maxLineLength) {
            case .none:
                stalled = connection.hasBufferedInput
            case .tooLong:
                if !group.isEmpty {
                    connection.rewind(to: mark)
                    break
                }
                connection.appendOutput(ReplyFormat.bad(ProtocolError(.tooLong, "request line longer than \(Tokenizer.maxLineLength) bytes; closing")))
                connection.phase = .closing
            case .line(let line):
                connection.bindDescriptor(toLineAt: line.startIndex)
                if group.isEmpty {
                    let answered = line.withUnsafeBytes { raw -> Bool in
                        guard let plain = PlainVerify.match(raw) else { return false }
                        connection.appendOutput(dispatcher.verify(plain, in: raw, from: connection, usage: &usage))
                        return true
                    }
                    if answered {
                        connection.releaseLineDescriptor()
                        handled += 1
                        continue
                    }
                }
                var copy = Array(line)
                let taken = answer(copy, on: connection, into: &group)
                Wipe.zero(&copy)
                guard taken else {
                    connection.unbindDescriptor(toLineAt: line.startIndex)
                    connection.rewind(to: mark)
                    break
                }
                connection.releaseLineDescriptor()
                if group.isEmpty { handled += 1 }
                continue
            }
            break
        }
        if !group.isEmpty {
            connection.phase = .awaitingWriter
            shared.writer.submit(Writer.Job(operations: group, actor: connection.actor, sink: self, connection: connection.serial,
                                            authority: connection.access.authority))
        }
        connection.partialSince = stalled ? (connection.partialSince == 0 ? now : connection.partialSince) : 0
        if connection.inputEnded && connection.isServing {
            // EOF: answer what was complete, drop a half line, then close once flushed.
            if connection.nextLineAvailable == false { connection.phase = .closing }
        }
        connection.compactInput()
        markDirty(connection)
    }

    /// An HTTP gate connection: HTTPGate (HTTPGate.swift) answers its requests.
    private func serveGate(_ connection: Connection, now: Int64) {
        let more = HTTPGate.serve(connection, dispatcher: dispatcher, usage: &usage, outputLimit: configuration.outputLimit,
                                  share: EventLoop.requestsPerTurn, now: now)
        if more { ready.append(connection) }
        connection.compactInput()
        markDirty(connection)
    }

    /// Answers one line, or adds it to the group of writes; false when it must wait for the
    /// group to be answered first (it is then left unread).
    private func answer(_ line: [UInt8], on connection: Connection, into group: inout [WriteOperation]) -> Bool {
        let request: Request
        do {
            request = try Request.parse(line)
        } catch {
            guard group.isEmpty else { return false }
            connection.appendOutput(ReplyFormat.bad(error))
            return true
        }
        guard group.isEmpty || request.verb.isWrite else { return false }
        switch dispatcher.respond(to: request, from: connection, usage: &usage) {
        case .write(let operation):
            group.append(operation)
        case .reply(let bytes) where !group.isEmpty:
            // A write refused before the writer (a weak KEY IMPORT): its reply keeps its place.
            group.append(.answered(bytes))
        case .reply(let bytes):
            connection.appendOutput(bytes)
        case .close(let bytes):
            connection.appendOutput(bytes)
            connection.phase = .closing
        case .stream(let listing):
            connection.phase = .streaming(listing)
            continueListing(connection)
        case .backup(let fd):
            connection.phase = .awaitingWriter
            Backup.start(store: shared.store, writer: shared.writer, into: fd, by: connection.actor, sink: self,
                         connection: connection.serial, stallSeconds: configuration.backupStallTimeout)
        }
        return true
    }

    /// Sends the next part of the connection's listing when its output is below the limit (one
    /// part a turn, so that long listings share the loop with everyone else); at its end the
    /// final line (EXPORT's once journaled), then the requests after it.
    private func continueListing(_ connection: Connection) {
        guard let listing = connection.listing, connection.pendingOutput < configuration.outputLimit else { return }
        do {
            var part: [UInt8] = []
            let end = try listing.next(into: &part)
            connection.appendOutput(part)
            guard let end else { return }
            connection.phase = .serving
            switch end {
            case .reply(let line):
                connection.appendOutput(line)
            case .journal(let action, let details, let line):
                connection.phase = .awaitingWriter
                shared.writer.submit(Writer.Job(operations: [.journal(action, details: details, reply: line)],
                                                actor: connection.actor, sink: self, connection: connection.serial))
            }
        } catch {
            // Lines already sent cannot be taken back: the final line says the listing failed.
            connection.phase = .serving
            let failure = StoreError(any: error)
            Log.error("a listing failed: \(failure)")
            connection.appendOutput(ReplyFormat.no(failure))
        }
    }

    private func deliverCompletions(now: Int64) {
        var done = mailbox.withLock { box -> [(UInt64, [UInt8])] in
            let items = box
            box.removeAll(keepingCapacity: true)
            return items
        }
        for i in done.indices {
            // The last holder of a reply wipes it: a KEY CREATE reply holds the new secret.
            defer { Wipe.zero(&done[i].1) }
            guard let connection = connections[done[i].0] else { continue }
            connection.appendOutput(done[i].1)
            connection.phase = .serving
            process(connection, now: now)
        }
    }

    private func processReady(now: Int64) {
        guard !ready.isEmpty else { return }
        let batch = ready
        ready.removeAll(keepingCapacity: true)
        for connection in batch { process(connection, now: now) }
    }

    private func markDirty(_ connection: Connection) { dirty.append(connection) }

    /// Writes each touched connection's replies in one send, and sets what epoll should watch.
    private func flushDirty() {
        guard !dirty.isEmpty else { return }
        let batch = dirty
        dirty.removeAll(keepingCapacity: true)
        for connection in batch where connections[connection.serial] != nil {
            if connection.pendingOutput > 0 {
                let n = connection.output.withUnsafeBytes { bytes in
                    send(connection.fd, bytes.baseAddress! + connection.outputSent, connection.pendingOutput, Int32(MSG_NOSIGNAL))
                }
                if n > 0 {
                    connection.outputSent += n
                    connection.lastSent = monotonicMilliseconds()
                } else if n < 0 {
                    let error = papa_errno()
                    if error != EAGAIN && error != EWOULDBLOCK && error != EINTR {
                        closeConnection(connection)
                        continue
                    }
                }
                connection.compactOutput()
            }
            if connection.pendingOutput == 0 && connection.isClosing {
                closeConnection(connection)
                continue
            }
            // Output drained below the limit: whatever is buffered can go on, and a listing.
            // Not a half request: that waits for a read, else the loop spins.
            if (connection.isServing && connection.hasBufferedInput && connection.partialSince == 0 || connection.listing != nil)
                && connection.pendingOutput < configuration.outputLimit {
                ready.append(connection)
            }
            updateInterest(connection)
        }
    }

    private func updateInterest(_ connection: Connection) {
        var wanted: UInt32 = 0
        let reading = !connection.inputEnded && !connection.isClosing
            && connection.pendingOutput < configuration.outputLimit
            && connection.input.count - connection.inputStart < Tokenizer.maxLineLength * 8
        if reading { wanted |= PAPA_EPOLLIN }
        if connection.pendingOutput > 0 { wanted |= PAPA_EPOLLOUT }
        if wanted != connection.interest { setInterest(connection, wanted, adding: false) }
    }

    /// What epoll watches of a connection; one it cannot watch is closed (it would never be served).
    private func setInterest(_ connection: Connection, _ events: UInt32, adding: Bool) {
        guard control(adding ? PAPA_EPOLL_CTL_ADD : PAPA_EPOLL_CTL_MOD, connection.fd, events, connection.serial) else {
            return closeConnection(connection)
        }
        connection.interest = events
    }

    private func closeConnection(_ connection: Connection) {
        guard connections.removeValue(forKey: connection.serial) != nil else { return }
        SystemCall.close(connection.fd)
        connection.closeDescriptors()
        connection.endImport(releasing: shared.importStaging)
        shared.admission.release(uid: connection.peer.uid)
        load.subtract(1, ordering: .relaxed)
        Log.debug("connection \(connection.serial) closed")
    }

    // MARK: Timers and stopping

    private func runTimers(now: Int64) {
        lastTimerRun = now
        if acceptPausedUntil != 0 && now >= acceptPausedUntil && !shared.stopping.load(ordering: .relaxed) {
            acceptPausedUntil = 0
            watchListeners(true)
        }
        let lineLimit = Int64(configuration.lineTimeout) * 1000
        let idleLimit = Int64(configuration.idleTimeout) * 1000
        for connection in Array(connections.values) {
            if connection.partialSince != 0 && now - connection.partialSince > lineLimit {
                Log.info("dropping connection \(connection.serial) of \(Log.token(connection.peer.user)): a line left unfinished for \(configuration.lineTimeout) s")
                closeConnection(connection)
            } else if idleLimit > 0 && !connection.hasBufferedInput && connection.pendingOutput == 0
                        && connection.isServing && now - connection.lastActivity > idleLimit {
                Log.debug("closing idle connection \(connection.serial)")
                closeConnection(connection)
            } else if idleLimit > 0 && connection.pendingOutput > 0
                        && now - max(connection.lastSent, connection.lastActivity) > idleLimit {
                // Replies (or a listing, with its snapshot) waiting on a peer that takes none of them.
                Log.info("dropping connection \(connection.serial) of \(Log.token(connection.peer.user)): it read nothing of its replies for \(configuration.idleTimeout) s")
                closeConnection(connection)
            }
        }
        if now - lastUsageFlush >= Int64(configuration.usageFlushInterval) * 1000 { flushUsage(now: now) }
        if index == 0, let tick = shared.tick.withLock({ $0 }) { tick() }
    }

    private func flushUsage(now: Int64) {
        lastUsageFlush = now
        guard !usage.isEmpty else { return }
        // A damaged store takes no write (StoreCheck): the counts are dropped.
        guard shared.stats.storeCheck.state != .damaged else { _ = usage.report(); return }
        shared.writer.submit(Writer.Job(operations: [.usage(usage.report())], actor: nil, sink: nil, connection: 0))
    }

    /// Finishes what was read, then closes everything; true when the loop may end.
    private func finishStopping(now: Int64) -> Bool {
        if stopDeadline == 0 {
            stopDeadline = now + 4000
            watchListeners(false)
        }
        let busy = !ready.isEmpty || connections.values.contains { !$0.isServing && !$0.isClosing || $0.pendingOutput > 0 }
        guard !busy || now >= stopDeadline else { return false }
        for connection in Array(connections.values) { closeConnection(connection) }
        for (fd, peer, _) in incoming.withLock({ $0 }) {
            close(fd)
            shared.admission.release(uid: peer.uid)
        }
        flushUsage(now: now)
        return true
    }
}

extension Connection {
    /// Whether a complete line waits in the buffer.
    var nextLineAvailable: Bool { input[max(scanned, inputStart)...].contains(0x0A) }
}

/// A failure to start or run the server, in words.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
