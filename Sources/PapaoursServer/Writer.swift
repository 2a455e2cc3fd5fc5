import CPapaoursSystem
import PapaoursCore
import PapaoursProtocol
import PapaoursStore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where a write's reply goes once committed.
protocol WriteCompletionSink: AnyObject, Sendable {
    func complete(connection: UInt64, reply: [UInt8])
}

/// The single writer: takes every queued write, applies them in one transaction and
/// commits once (group commit), then answers each. Replies leave only after the commit.
final class Writer: @unchecked Sendable {
    struct Job: Sendable {
        let operation: WriteOperation
        let actor: Actor?
        let sink: (any WriteCompletionSink)?
        let connection: UInt64
    }

    private let store: Store
    private let stats: ServerStats
    private let queue = Locked<(jobs: [Job], stopping: Bool)>(([], false))
    private let wakeFD: Int32
    private var thread: OSThread?

    init(store: Store, stats: ServerStats) {
        self.store = store
        self.stats = stats
        wakeFD = papa_eventfd()
    }

    func start() {
        thread = OSThread(name: "papaours-writer") { [self] in run() }
    }

    func submit(_ job: Job) {
        queue.withLock { $0.jobs.append(job) }
        _ = papa_eventfd_signal(wakeFD)
    }

    /// Applies what is queued, then ends the thread.
    func stop() {
        queue.withLock { $0.stopping = true }
        _ = papa_eventfd_signal(wakeFD)
        thread?.join()
        close(wakeFD)
    }

    private func run() {
        while true {
            let (jobs, stopping) = queue.withLock { state -> ([Job], Bool) in
                let jobs = state.jobs
                state.jobs.removeAll(keepingCapacity: true)
                return (jobs, state.stopping)
            }
            if !jobs.isEmpty { apply(jobs) }
            if stopping && jobs.isEmpty { return }
            if jobs.isEmpty { waitForWork() }
        }
    }

    private func waitForWork() {
        var pfd = pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)
        _ = poll(&pfd, 1, -1)
        _ = papa_eventfd_drain(wakeFD)
    }

    /// One transaction for the whole batch; each job in a nested transaction so that one
    /// refusal leaves the others' changes in.
    func apply(_ jobs: [Job]) {
        let now = Timestamp.now()
        var replies: [[UInt8]] = []
        let started = monotonicMicroseconds()
        do {
            replies = try store.withWrite { txn in
                var out: [[UInt8]] = []
                out.reserveCapacity(jobs.count)
                for job in jobs {
                    let child = try txn.child(of: store.environment)
                    let outcome: Result<[UInt8], any Error>
                    do { outcome = .success(try perform(job, at: now, in: child)) } catch { outcome = .failure(error) }
                    switch outcome {
                    case .success(let reply):
                        try child.commit()
                        out.append(reply)
                    case .failure(let error):
                        child.abort()
                        // Store-level failures (map full, disk) end the whole batch; refusals are per job.
                        if error is LMDBError { throw error }
                        out.append(ReplyFormat.no(StoreError(any: error)))
                    }
                }
                return out
            }
        } catch {
            Log.error("write of \(jobs.count) request(s) failed: \(error)")
            let reply = ReplyFormat.no("unavailable", "the store cannot take writes now: \(error.message)")
            // A refusal stays a refusal even when its journal entry could not be written.
            replies = jobs.map { job in
                if case .denied(_, _, _, let refusal) = job.operation { return refusal }
                return reply
            }
        }
        stats.commitLatency.record(microseconds: monotonicMicroseconds() - started)
        for (job, reply) in zip(jobs, replies) {
            if let sink = job.sink {
                if reply.starts(with: Array("OK".utf8)) { stats.writes.add(1, ordering: .relaxed) }
                sink.complete(connection: job.connection, reply: reply)
            }
            if let line = job.operation.logLine(reply, actor: job.actor) {
                if case .usage = job.operation { Log.debug(line) } else { Log.info(line) }
            }
        }
    }

    private func perform(_ job: Job, at now: Timestamp, in txn: borrowing WriteTransaction) throws -> [UInt8] {
        let actor = job.actor ?? Actor(uid: 0, user: "papaoursd")
        switch job.operation {
        case .createMachine(let draft):
            let record = try store.createMachine(draft, by: actor, at: now, in: txn)
            return ReplyFormat.ok { ReplyFormat.machine(record, keys: 0, into: &$0) }
        case .editMachine(let ref, let changes):
            let record = try store.editMachine(ref, changes, by: actor, at: now, in: txn)
            let keys = try store.keyCount(machine: record.id, in: txn)
            return ReplyFormat.ok { ReplyFormat.machine(record, keys: keys, into: &$0) }
        case .deleteMachine(let ref):
            let (record, _) = try store.deleteMachine(ref, by: actor, at: now, in: txn)
            return ReplyFormat.ok { $0.attribute("id", record.id.value) }
        case .createKey(let machine, let label, let expires):
            let secret = Secret.generate()
            let record = try store.createKey(machine: machine, label: label, expires: expires, secret: secret,
                                             by: actor, at: now, in: txn)
            return ReplyFormat.ok {
                ReplyFormat.key(record, into: &$0)
                $0.attribute("secret", secret.revealed)
            }
        case .editKey(let ref, let changes):
            let record = try store.editKey(ref, changes, by: actor, at: now, in: txn)
            return ReplyFormat.ok { ReplyFormat.key(record, into: &$0) }
        case .importKey(let machine, let label, let expires, let secret):
            let record = try store.createKey(machine: machine, label: label, expires: expires, secret: secret, imported: true,
                                             by: actor, at: now, in: txn)
            return ReplyFormat.ok { ReplyFormat.key(record, into: &$0) }
        case .importRecords(let batch):
            let r = try store.importRecords(batch, in: txn)
            return ReplyFormat.ok {
                $0.attribute("machines-added", String(r.machinesAdded))
                $0.attribute("machines-skipped", String(r.machinesSkipped))
                $0.attribute("keys-added", String(r.keysAdded))
                $0.attribute("keys-skipped", String(r.keysSkipped))
                $0.attribute("events-added", String(r.eventsAdded))
                $0.attribute("events-skipped", String(r.eventsSkipped))
            }
        case .denied(let attempted, let machineRef, let missing, let reply):
            var machine: MachineID?
            if let ref = machineRef { machine = try store.machine(ref: ref, in: txn)?.id }
            try store.recordDenied(attempted, machine: machine, details: "refused: lacks permission \(missing)",
                                   by: actor, at: now, in: txn)
            return reply
        case .usage(let usage):
            try store.applyUsage(usage, in: txn)
            return []
        }
    }
}
