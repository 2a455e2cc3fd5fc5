import CPapaoursSystem
import PapaoursCore
import PapaoursProtocol
import PapaoursStore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// BACKUP: a compacted, consistent copy of the store written into the file the client passed,
/// on threads of their own so that no loop waits; the copy holds a snapshot, which blocks no
/// reader and no writer. Once done it is journaled (`store.backup`) and answered after that
/// commit. The client opens the file itself, owner-only: papaoursd needs no write access to
/// its path.
///
/// LMDB writes the copy into a pipe of ours; a pump moves it to the client's file with a
/// deadline, so that a file that takes no data (a pipe nobody reads) ends the backup after
/// `backup-stall-timeout` seconds instead of holding a thread and a snapshot forever, and a stop ends it at once.
enum Backup {
    /// Backups running, and whether the daemon is stopping (then every pump gives up).
    private static let running = Locked<(count: Int, cancelled: Bool)>((0, false))

    static func start(store: Store, writer: Writer, into fd: Int32, by actor: Actor, sink: any WriteCompletionSink,
                      connection: UInt64, stallSeconds: Int) {
        running.withLock { $0.count += 1 }
        OSThread(name: "papaours-backup", detached: true) {
            defer { running.withLock { $0.count -= 1 } }
            do {
                let size = try copy(store, into: fd, stallSeconds: stallSeconds)
                let counts = try store.read { try $0.counts() }
                close(fd)
                let reply = ReplyFormat.ok {
                    $0.attribute("size", String(size))
                    $0.attribute("machines", String(counts.machines))
                    $0.attribute("keys", String(counts.keys))
                }
                let details = "backup of \(counts.machines) machine(s), \(counts.keys) key(s), \(size) bytes"
                writer.submit(Writer.Job(operations: [.journal(.storeBackup, details: details, reply: reply)], actor: actor,
                                         sink: sink, connection: connection))
            } catch {
                close(fd)
                Log.error("backup by \(Log.token(actor.user)) failed: \(error)")
                let reply = ReplyFormat.no("unavailable", "backup failed: \(StoreError(any: error).message)")
                sink.complete(connection: connection, outcomes: [.journaled(reply: reply)])
            }
        }
    }

    /// Ends every backup still running (their pumps give up within a fifth of a second) and
    /// waits for them, at most `seconds`: the store must not close under a copy.
    static func cancelAll(waiting seconds: Int) {
        running.withLock { $0.cancelled = true }
        for _ in 0..<(seconds * 50) where running.withLock({ $0.count }) > 0 { usleep(20_000) }
    }

    /// The store copied into `fd` through the pump; the bytes written.
    private static func copy(_ store: Store, into fd: Int32, stallSeconds: Int) throws -> Int {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw StoreError(.unavailable, "cannot make a pipe: \(String(cString: strerror(errno)))") }
        let (output, input) = (ends[0], ends[1])
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let copied = Locked<StoreError?>(nil)
        let copier = OSThread(name: "papaours-copy") {
            do { try store.copy(to: input) } catch { copied.withLock { $0 = StoreError(any: error) } }
            close(input)
        }
        let pumped = pump(from: output, to: fd, stallSeconds: stallSeconds)
        // Closing our end makes a copy still writing fail (EPIPE) and end.
        close(output)
        copier.join()
        let size = try pumped.get()
        if let failure = copied.withLock({ $0 }) { throw failure }
        // A regular file is synced; a pipe or a socket has nothing to sync.
        if fsync(fd) != 0 && errno != EINVAL && errno != EROFS {
            throw StoreError(.unavailable, "cannot sync the backup file: \(String(cString: strerror(errno)))")
        }
        return size
    }

    /// Moves bytes until the copy ends; gives up when `fd` took nothing for `stallSeconds`, or
    /// when the daemon stops.
    private static func pump(from output: Int32, to fd: Int32, stallSeconds: Int) -> Result<Int, StoreError> {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        // Non-blocking, so that a pipe with less room than asked never blocks the pump (a
        // regular file ignores it). The file is ours until the reply.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var total = 0
        var lastProgress = monotonicMilliseconds()
        while true {
            let n = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .failure(StoreError(.unavailable, "cannot read the copy: \(String(cString: strerror(errno)))")) }
            if n == 0 { return .success(total) }
            var written = 0
            while written < n {
                if running.withLock({ $0.cancelled }) { return .failure(StoreError(.unavailable, "papaoursd is stopping")) }
                var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let polled = poll(&ready, 1, 200)
                if polled < 0 && errno != EINTR {
                    return .failure(StoreError(.unavailable, "cannot wait for the backup file: \(String(cString: strerror(errno)))"))
                }
                if polled <= 0 {
                    if monotonicMilliseconds() - lastProgress > Int64(stallSeconds) * 1000 {
                        return .failure(StoreError(.unavailable, "stalled: the backup file took no data for \(stallSeconds) s (backup-stall-timeout); is anything reading it?"))
                    }
                    continue
                }
                let wrote = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + written, n - written) }
                if wrote > 0 {
                    written += wrote
                    total += wrote
                    lastProgress = monotonicMilliseconds()
                } else if wrote < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                    return .failure(StoreError(.unavailable, "cannot write the backup file: \(String(cString: strerror(errno)))"))
                }
            }
        }
    }
}
