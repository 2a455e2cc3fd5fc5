import CPapaoursSystem
import PapaoursCore
import PapaoursProtocol
import PapaoursStore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where a group of writes' outcomes go once committed, in the order they were submitted.
protocol WriteCompletionSink: AnyObject, Sendable {
    func complete(connection: UInt64, outcomes: [WriteOutcome])
}

/// The single writer: takes every queued write, decides each against the store and the writes
/// before it, applies all their change sets in one transaction and commits once (group commit),
/// then answers each. Replies leave only after the commit.
final class Writer: @unchecked Sendable {
    /// The writes one connection had queued, in its order; answered together.
    struct Job: Sendable {
        let operations: [WriteOperation]
        let actor: Actor?
        let sink: (any WriteCompletionSink)?
        let connection: UInt64
        /// What the peer's grants allow its writes (scope, rights.admin); the daemon's own: all.
        var authority: Authority = .full
    }

    private let store: Store
    private let stats: ServerStats
    private let queue = Locked<(jobs: [Job], stopping: Bool)>(([], false))
    private let wakeFD: Int32
    private var thread: OSThread?
    /// The writer's own snapshot, renewed for each batch.
    private let snapshot: Snapshot
    /// Repeated refusals, counted between their journal entries (writer thread only).
    private var deniedRepeats = DeniedRepeats()
    /// The loops' usage of this batch, decided once after its writes (UsageRecorder.swift).
    private var pendingUsage = UsageReport()
    private var failureWatch = FailureWatch()
    private let spikeBaselines = SpikeBaselines()
    /// Where the sweep of idle keys' old history resumes.
    private var sweptTo: KeyID?

    /// The fleet's PostgreSQL, where each batch is made durable before the local store applies it.
    private let storeOfRecord: (any StoreOfRecord)?

    init(store: Store, stats: ServerStats, storeOfRecord: (any StoreOfRecord)? = nil) throws {
        self.store = store
        self.stats = stats
        self.storeOfRecord = storeOfRecord
        snapshot = try Snapshot(store: store)
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
            if !jobs.isEmpty || !deniedRepeats.isEmpty { apply(jobs, closingAll: stopping) }
            if stopping && jobs.isEmpty { return }
            if jobs.isEmpty { waitForWork() }
        }
    }

    private func waitForWork() {
        var pfd = pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)
        // While refusals are being counted, wake each second to journal their count on time.
        _ = poll(&pfd, 1, deniedRepeats.isEmpty ? -1 : 1000)
        _ = papa_eventfd_drain(wakeFD)
    }

    /// Decides every operation of the batch in order (a refusal refuses only its own), then
    /// applies the decided change sets as one commit. Only a store failure fails the batch.
    func apply(_ jobs: [Job], closingAll: Bool = false) {
        let now = Timestamp.now()
        var outcomes: [[WriteOutcome]] = []
        var sets: [ChangeSet] = []
        var alerts: [Alert] = []
        var sweep: KeyID?
        var usageDecided: UsageReport?
        do {
            // In a fleet, the other hosts' writes this store lacks come first: every decision is
            // made on the fleet's latest state, with the fleet's writers locked out until commit.
            if let storeOfRecord { try store.follow(try storeOfRecord.begin(after: store.changeSequence)) }
            try snapshot.refresh()
            defer { snapshot.end() }
            let view = BatchView(over: snapshot)
            let closeBy = closingAll ? Timestamp(seconds: Int64.max / 2) : now
            for (source, repeats) in deniedRepeats.closed(at: closeBy) {
                let set = try Decisions.denied(source.attempted, machineRef: nil,
                                               details: "refused \(repeats.count) more time(s) in \(DeniedRepeats.window) s: lacks permission \(repeats.missing)",
                                               by: Actor(uid: source.uid, user: repeats.user), at: now, reading: view)
                try view.absorb(set)
                sets.append(set)
            }
            for job in jobs {
                let actor = job.actor ?? Actor(uid: 0, user: "papaoursd")
                outcomes.append(try job.operations.map { operation in
                    do {
                        let (set, outcome) = try decide(operation, by: actor, authority: job.authority, at: now, reading: view)
                        if let set {
                            try view.absorb(set)
                            sets.append(set)
                        }
                        return outcome
                    } catch {
                        // A refusal (validation included) refuses its own write; anything else is the store's.
                        let failure = StoreError(any: error)
                        guard failure.isRefusal else { throw failure }
                        if failure.code == .forbidden {
                            // Refused by the grants' reach (protected, out of scope): journaled as `denied` like the rest.
                            let refusal = WriteOperation.denied(attempted: operation.actionName, machineRef: operation.machineRef,
                                                                missing: [], reply: ReplyFormat.no(failure))
                            if let set = try decide(refusal, by: actor, authority: job.authority, at: now, reading: view,
                                                    reason: failure.message).0 {
                                try view.absorb(set)
                                sets.append(set)
                            }
                        }
                        return .refused(failure)
                    }
                })
            }
            if !pendingUsage.isEmpty {
                let report = pendingUsage
                pendingUsage = UsageReport()
                usageDecided = report
                let bursts = failureWatch.absorb(report.failures, at: now)
                let decided = try Decisions.usage(report, bursts: bursts, sweepAfter: sweptTo, at: now, reading: view,
                                                  history: BatchHistory(over: snapshot, view: view),
                                               baselines: spikeBaselines)
                try view.absorb(decided.0)
                sets.append(decided.0)
                (alerts, sweep) = (decided.alerts, decided.sweptTo)
            }
        } catch {
            storeOfRecord?.abandon()
            keep(usageDecided)
            return finish(jobs, failing: StoreError(any: error))
        }
        do {
            // A batch of refusals only (answered, or counted) commits nothing.
            if !sets.isEmpty {
                let started = monotonicNanoseconds()
                if let storeOfRecord {
                    // Every event says where it was written: EVENT host=, the same on every host.
                    for i in sets.indices { for j in sets[i].events.indices { sets[i].events[j].host = stats.fleet.hostName } }
                    do { try storeOfRecord.commit(sets) } catch { keep(usageDecided); throw error }
                    // The follower may have applied them first, woken by this very commit.
                    try store.follow(sets)
                } else {
                    try store.apply(sets)
                }
                stats.commitLatency.record(nanoseconds: monotonicNanoseconds() - started)
            } else {
                storeOfRecord?.abandon()
            }
        } catch {
            return finish(jobs, failing: StoreError(any: error))
        }
        sweptTo = sweep
        for alert in alerts { Alerts.log(alert) }
        for (job, results) in zip(jobs, outcomes) { deliver(results, of: job) }
    }

    /// Counts that could not be committed go back to wait for the next batch: while PostgreSQL
    /// is away, a fleet's host keeps them instead of dropping them.
    private func keep(_ report: UsageReport?) {
        guard let report, storeOfRecord != nil else { return }
        if pendingUsage.isEmpty { pendingUsage = report } else { pendingUsage.merge(report) }
    }

    /// Every write of the batch failed with the store: each learns why; a refusal stays a refusal.
    private func finish(_ jobs: [Job], failing error: StoreError) {
        Log.error("write of \(jobs.reduce(0) { $0 + $1.operations.count }) request(s) failed: \(error)")
        for job in jobs {
            deliver(job.operations.map { operation in
                if case .denied(_, _, _, let refusal) = operation { return .journaled(reply: refusal) }
                return .failed(error)
            }, of: job)
        }
    }

    private func deliver(_ results: [WriteOutcome], of job: Job) {
        for (operation, outcome) in zip(job.operations, results) {
            if job.sink != nil && outcome.isDone { stats.writes.add(1, ordering: .relaxed) }
            log(operation, outcome, actor: job.actor)
        }
        job.sink?.complete(connection: job.connection, outcomes: results)
    }

    private func log(_ operation: WriteOperation, _ outcome: WriteOutcome, actor: Actor?) {
        if case .answered = operation { return }
        if case .counted = outcome { return }  // journaled, and logged, with its window's count
        let who = actor.map { " by \(Log.token($0.user)) (uid \($0.uid))" } ?? ""
        switch outcome {
        case .usageRecorded:
            if case .usage(let u) = operation, !u.uses.isEmpty { Log.debug(operation.logName) }
        case .refused(let error), .failed(let error):
            Log.info("\(operation.logName)\(who): refused: \(error.code.rawValue): \(error.message)")
        default:
            Log.info("\(operation.logName)\(who): done")
        }
    }

    private func decide(_ operation: WriteOperation, by actor: Actor, authority: Authority, at now: Timestamp,
                        reading view: BatchView, reason: String? = nil) throws -> (ChangeSet?, WriteOutcome) {
        switch operation {
        case .createMachine(let draft):
            let d = try Decisions.createMachine(draft, authority: authority, by: actor, at: now, reading: view)
            return (d.changes, .machineCreated(d.value))
        case .editMachine(let ref, let changes):
            let d = try Decisions.editMachine(ref, changes, authority: authority, by: actor, at: now, reading: view)
            return (d.changes, .machineEdited(d.value, keys: try view.keyIDs(machine: d.value.id).count))
        case .deleteMachine(let ref):
            let d = try Decisions.deleteMachine(ref, authority: authority, by: actor, at: now, reading: view)
            return (d.changes, .machineDeleted(d.value.id))
        case .createKey(let machine, let label, let expires):
            let secret = Secret.generate()
            let d = try Decisions.createKey(machine: machine, label: label, expires: expires, secret: secret,
                                            authority: authority, by: actor, at: now, reading: view)
            return (d.changes, .keyCreated(d.value, secret: secret))
        case .editKey(let ref, let changes):
            let d = try Decisions.editKey(ref, changes, authority: authority, by: actor, at: now, reading: view)
            return (d.changes, .keyEdited(d.value))
        case .importKey(let machine, let label, let expires, let secret):
            let d = try Decisions.createKey(machine: machine, label: label, expires: expires, secret: secret, imported: true,
                                            authority: authority, by: actor, at: now, reading: view)
            return (d.changes, .keyCreated(d.value, secret: nil))
        case .importRecords(let batch):
            let d = try Decisions.importRecords(batch, authority: authority, by: actor, at: now, reading: view,
                                                history: BatchHistory(over: snapshot, view: view))
            return (d.changes, .imported(d.value))
        case .createRole(let draft):
            let d = try Decisions.createRole(draft, authority: authority, by: actor, at: now, reading: view)
            return (d.changes, .roleSaved(d.value, machines: 0))
        case .editRole(let name, let changes):
            let d = try Decisions.editRole(name, changes, authority: authority, by: actor, at: now, reading: view)
            return (d.changes, .roleSaved(d.value, machines: try view.machineIDs(role: name).count))
        case .deleteRole(let name):
            let d = try Decisions.deleteRole(name, authority: authority, by: actor, at: now, reading: view)
            return (d.changes, .roleDeleted(d.value.name))
        case .createGroup(let draft):
            let d = try Decisions.createGroup(draft, authority: authority, by: actor, at: now, reading: view)
            return (d.changes, .groupSaved(d.value, machines: 0))
        case .editGroup(let name, let changes):
            let d = try Decisions.editGroup(name, changes, authority: authority, by: actor, at: now, reading: view)
            return (d.changes, .groupSaved(d.value, machines: try view.machineIDs(group: name).count))
        case .deleteGroup(let name):
            let d = try Decisions.deleteGroup(name, authority: authority, by: actor, at: now, reading: view)
            return (d.changes, .roleDeleted(d.value.name))
        case .denied(let attempted, let machineRef, let missing, let reply):
            if deniedRepeats.absorb(.init(uid: actor.uid, attempted: attempted), user: actor.user, missing: missing, at: now) {
                return (nil, .counted(reply: reply))
            }
            let set = try Decisions.denied(attempted, machineRef: machineRef,
                                           details: reason.map { "refused: \($0)" } ?? "refused: lacks permission \(missing)",
                                           by: actor, at: now, reading: view)
            return (set, .journaled(reply: reply))
        case .journal(let action, let details, let reply):
            return (try Decisions.storeEvent(action, details: details, by: actor, at: now, reading: view), .journaled(reply: reply))
        case .usage(let report):
            if pendingUsage.isEmpty { pendingUsage = report } else { pendingUsage.merge(report) }
            return (nil, .usageRecorded)
        case .rotateKey(let ref, let grace, let label):
            let secret = Secret.generate()
            let d = try Decisions.rotateKey(ref, grace: grace, label: label, secret: secret, authority: authority,
                                            by: actor, at: now, reading: view)
            return (d.changes, .keyRotated(d.value, secret: secret))
        case .answered(let reply):
            return (nil, .journaled(reply: reply))
        }
    }
}
