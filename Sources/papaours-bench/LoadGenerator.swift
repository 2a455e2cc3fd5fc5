import CPapaoursSystem
#if canImport(Glibc)
import Glibc
#endif

/// What one batch measured.
struct BatchResult {
    var replies: UInt64 = 0
    var seconds: Double = 0
    var histogram = Histogram()
    /// Replies that were not what the request called for (the batch is then void).
    var mismatches: UInt64 = 0
    var examples: [String] = []
    /// Requests never answered (the drain timed out or the server closed the connection).
    var lost: UInt64 = 0
    var failures: [String] = []
    /// Replies checked, per expectation kind (the request mix actually sent).
    var kinds: [UInt64] = [0, 0, 0, 0]
    /// The server's CPU microseconds per reply over the batch, warm-up included, when measured.
    var serverCPUPerReply: Double?

    var opsPerSecond: Double { seconds > 0 ? Double(replies) / seconds : 0 }
    var isVoid: Bool { mismatches > 0 || lost > 0 || !failures.isEmpty }

    mutating func merge(_ other: BatchResult) {
        replies += other.replies
        histogram.merge(other.histogram)
        mismatches += other.mismatches
        lost += other.lost
        examples += other.examples.prefix(max(0, 5 - examples.count))
        failures += other.failures
        for i in 0..<kinds.count { kinds[i] += other.kinds[i] }
    }
}

/// One nonblocking client connection: output and input buffers, and a FIFO of what is in flight.
final class GeneratorConnection {
    let fd: Int32
    let depth: Int
    let output: UnsafeMutablePointer<UInt8>
    var outStart = 0
    var outEnd = 0
    let inputCapacity = 1 << 16
    let input: UnsafeMutablePointer<UInt8>
    var inStart = 0
    var inEnd = 0
    /// Ring of send times and expectations, oldest at `head`.
    let sentAt: UnsafeMutablePointer<UInt64>
    let expected: UnsafeMutablePointer<UInt32>
    let ringMask: Int
    var head = 0
    var inFlight = 0
    var watchingOutput = false
    var open = true

    init(fd: Int32, depth: Int, maxRequest: Int) {
        self.fd = fd
        self.depth = depth
        output = .allocate(capacity: depth * maxRequest + 64)
        input = .allocate(capacity: inputCapacity)
        var ring = 1
        while ring < depth { ring <<= 1 }
        sentAt = .allocate(capacity: ring)
        expected = .allocate(capacity: ring)
        ringMask = ring - 1
    }

    deinit {
        if open { close(fd) }
        output.deallocate()
        input.deallocate()
        sentAt.deallocate()
        expected.deallocate()
    }
}

/// The closed-loop generator: C connections shared among at most two threads, each keeping
/// D requests in flight, with epoll; the same code for every target.
enum LoadGenerator {
    static let warmUp = 0.25
    static let drainTimeout = 5.0
    static let maxThreads = 2

    /// Connects `clients` sockets to `path` and drives them for `seconds` after a warm-up.
    static func run<W: Workload>(path: String, workload: W, clients: Int, depth: Int, seconds: Double) throws -> BatchResult {
        raiseFileLimit(to: clients + 64)
        var fds: [Int32] = []
        do {
            for _ in 0..<clients {
                let fd = try BlockingIO.connect(path)
                _ = papa_set_nonblocking(fd)
                fds.append(fd)
            }
        } catch {
            for fd in fds { close(fd) }
            throw error
        }
        let threadCount = min(maxThreads, clients)
        let begin = Clock.now() + 2_000_000  // all threads start together
        let measureStart = begin + UInt64(warmUp * 1e9)
        let measureEnd = measureStart + UInt64(seconds * 1e9)
        var results = [BatchResult](repeating: BatchResult(), count: threadCount)
        try results.withUnsafeMutableBufferPointer { slots in
            let out = slots
            var threads: [BenchThread] = []
            for t in 0..<threadCount {
                let mine = stride(from: t, to: fds.count, by: threadCount).map { fds[$0] }
                let seed = UInt64(t + 1) &* 0x1234_5678_9ABC_DEF1 ^ Clock.now()
                threads.append(BenchThread(name: "bench-load\(t)") {
                    out[t] = drive(fds: mine, workload: workload, depth: depth, seed: seed,
                                   begin: begin, measureStart: measureStart, measureEnd: measureEnd)
                })
            }
            for thread in threads { thread.join() }
            if threads.count != threadCount { throw BenchError("threads did not start") }
        }
        var total = BatchResult()
        for r in results { total.merge(r) }
        total.seconds = seconds
        return total
    }

    /// One generator thread's loop over its connections.
    static func drive<W: Workload>(fds: [Int32], workload: W, depth: Int, seed: UInt64,
                                   begin: UInt64, measureStart: UInt64, measureEnd: UInt64) -> BatchResult {
        var result = BatchResult()
        var random = FastRandom(seed: seed)
        let epfd = papa_epoll_create()
        defer { close(epfd) }
        let connections = fds.map { GeneratorConnection(fd: $0, depth: depth, maxRequest: workload.maxRequestLength) }
        for (i, c) in connections.enumerated() { _ = papa_epoll_ctl(epfd, 1, c.fd, PAPA_EPOLLIN, UInt64(i)) }
        var events = [papa_event](repeating: papa_event(), count: max(16, connections.count))
        while Clock.now() < begin {}

        func fail(_ c: GeneratorConnection, _ why: String) {
            if c.open {
                result.failures.append(why)
                result.lost += UInt64(c.inFlight)
                c.inFlight = 0
                _ = papa_epoll_ctl(epfd, 2, c.fd, 0, 0)
                close(c.fd)
                c.open = false
            }
        }

        /// Tops the connection up to `depth` requests in flight and writes what is pending.
        func fill(_ c: GeneratorConnection, now: UInt64) {
            if c.outStart > 0 {
                memmove(c.output, c.output + c.outStart, c.outEnd - c.outStart)
                c.outEnd -= c.outStart
                c.outStart = 0
            }
            while c.inFlight < c.depth {
                let (length, expectation) = workload.writeRequest(c.output + c.outEnd, &random)
                c.outEnd += length
                let slot = (c.head + c.inFlight) & c.ringMask
                c.sentAt[slot] = now
                c.expected[slot] = expectation.raw
                c.inFlight += 1
            }
        }

        func flush(_ c: GeneratorConnection) {
            while c.outStart < c.outEnd {
                let n = write(c.fd, c.output + c.outStart, c.outEnd - c.outStart)
                if n > 0 { c.outStart += n; continue }
                if n < 0 && errno == EINTR { continue }
                if n < 0 && errno == EAGAIN { break }
                fail(c, "write: \(errorText())")
                return
            }
            if c.outStart == c.outEnd { c.outStart = 0; c.outEnd = 0 }
            let wantOutput = c.outStart < c.outEnd
            if wantOutput != c.watchingOutput {
                c.watchingOutput = wantOutput
                _ = papa_epoll_ctl(epfd, 3, c.fd, wantOutput ? (PAPA_EPOLLIN | PAPA_EPOLLOUT) : PAPA_EPOLLIN, 0)
            }
        }

        /// Reads what arrived and matches complete replies against the FIFO.
        func receive(_ c: GeneratorConnection, index: Int) {
            while c.open {
                if c.inEnd == c.inputCapacity {
                    if c.inStart == 0 { fail(c, "a reply longer than \(c.inputCapacity) bytes"); return }
                    memmove(c.input, c.input + c.inStart, c.inEnd - c.inStart)
                    c.inEnd -= c.inStart
                    c.inStart = 0
                }
                let n = read(c.fd, c.input + c.inEnd, c.inputCapacity - c.inEnd)
                if n == 0 { fail(c, "the server closed the connection"); return }
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN { return }
                    fail(c, "read: \(errorText())")
                    return
                }
                c.inEnd += n
                let now = Clock.now()
                let counted = now >= measureStart && now < measureEnd
                while c.inStart < c.inEnd {
                    let available = UnsafeBufferPointer(start: c.input + c.inStart, count: c.inEnd - c.inStart)
                    guard let length = workload.framing.replyLength(available) else { break }
                    let reply = UnsafeBufferPointer(start: available.baseAddress, count: length)
                    c.inStart += length
                    guard c.inFlight > 0 else {
                        result.mismatches += 1
                        if result.examples.count < 5 {
                            result.examples.append("reply to no request: \(printable(reply))")
                        }
                        continue
                    }
                    let expectation = Expectation(raw: c.expected[c.head])
                    let sent = c.sentAt[c.head]
                    c.head = (c.head + 1) & c.ringMask
                    c.inFlight -= 1
                    if counted {
                        result.replies += 1
                        result.histogram.record(now &- sent)
                    }
                    result.kinds[Int(expectation.raw >> 30)] &+= 1
                    if !workload.check(reply, expectation) {
                        result.mismatches += 1
                        if result.examples.count < 5 {
                            result.examples.append("expected \(workload.describe(expectation)), got \(printable(reply))")
                        }
                    }
                }
                if c.inStart == c.inEnd { c.inStart = 0; c.inEnd = 0 }
                if n < c.inputCapacity - c.inEnd { return }
            }
        }

        let start = Clock.now()
        for c in connections { fill(c, now: start); flush(c) }
        var stopping = false
        var drainDeadline: UInt64 = 0
        while true {
            let now = Clock.now()
            if !stopping && now >= measureEnd {
                stopping = true
                drainDeadline = now + UInt64(drainTimeout * 1e9)
            }
            if stopping {
                if connections.allSatisfy({ !$0.open || $0.inFlight == 0 }) { break }
                if now > drainDeadline {
                    for c in connections where c.open && c.inFlight > 0 { fail(c, "\(c.inFlight) request(s) unanswered after \(drainTimeout) s") }
                    break
                }
            }
            let n = papa_epoll_wait(epfd, &events, Int32(events.count), 10)
            if n < 0 && papa_errno() != EINTR { result.failures.append("epoll_wait: \(errorText())"); break }
            for e in 0..<max(0, Int(n)) {
                let index = Int(events[e].data)
                let c = connections[index]
                guard c.open else { continue }
                if events[e].events & (PAPA_EPOLLIN | PAPA_EPOLLERR | PAPA_EPOLLHUP) != 0 { receive(c, index: index) }
                guard c.open else { continue }
                if !stopping { fill(c, now: Clock.now()) }
                flush(c)
            }
        }
        for c in connections where c.open { close(c.fd); c.open = false }
        return result
    }

    static func printable(_ reply: UnsafeBufferPointer<UInt8>) -> String {
        let text = String(decoding: reply.prefix(160), as: UTF8.self)
        var shown = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": shown += "\\n"
            case "\r": shown += "\\r"
            default: shown.unicodeScalars.append(scalar)
            }
        }
        return "\"" + shown + (reply.count > 160 ? "…" : "") + "\""
    }
}
