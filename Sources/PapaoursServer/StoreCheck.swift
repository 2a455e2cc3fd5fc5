import CPapaoursSystem
import PapaoursCore
import PapaoursStore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Issue 17, item 9: a data file too large to walk at open has every B-tree walked once the
/// daemon serves, on a thread of its own, reading a few dozen pages at a time and pausing a
/// millisecond between them (it also asks for the lowest CPU and I/O priority, which the
/// shipped unit's system-call filter refuses: there the pauses alone bound its cost). Damage found is logged, naming the file,
/// the page and the database, and shown by STATS (`store-check=damaged`), /health (503),
/// /metrics and the service status; the daemon goes on answering what does not walk a whole
/// database or write (`StoreCheck.refusal`), until the admin restores a backup.
public final class StoreCheck: Sendable {
    public enum State: String, Sendable, CaseIterable { case ok, running, damaged }

    private let current = Locked<(state: State, problem: String?)>((.ok, nil))
    private let stopping = Atomic<Bool>(false)
    private let thread = Locked<OSThread?>(nil)
    /// The pause after each few dozen pages read.
    static let pauseMicroseconds: UInt32 = 1000

    init() {}

    public var state: State { current.withLock { $0.state } }
    /// What is damaged, as logged.
    public var problem: String? { current.withLock { $0.problem } }

    /// A verb's refusal while the store is damaged: listings, the journal, backups and writes
    /// walk or rewrite pages past the damage, which LMDB would follow blindly.
    func refusal(walksOrWrites: Bool) -> [UInt8]? {
        guard walksOrWrites, let problem = current.withLock({ $0.state == .damaged ? $0.problem : nil }) else { return nil }
        return ReplyFormat.no("unavailable", "the store is damaged (\(problem)): restore a backup, see papaoursd(8)")
    }

    /// `running` from the start when the store was not walked at open, so that no one reads
    /// `ok` before the walk begins.
    func expect(_ store: Store) {
        if !store.pagesWalkedAtOpen { current.withLock { $0 = (.running, nil) } }
    }

    /// Starts the walk when the store was not walked at open; `report` is told of each state.
    func start(_ store: Store, report: @escaping @Sendable (State, String?) -> Void) {
        guard !store.pagesWalkedAtOpen else { return }
        report(.running, nil)
        let path = store.directory + "/data.mdb"
        thread.withLock {
            $0 = OSThread(name: "papaours-check") { [self] in
                papa_lower_thread_priority()
                Log.info("walking every page of \(Log.token(path)) in the background")
                let started = monotonicMilliseconds()
                do throws(StoreError) {
                    let summary = try store.checkTrees { [self] in
                        usleep(Self.pauseMicroseconds)
                        return !stopping.load(ordering: .relaxed)
                    }
                    guard let summary else { return }
                    current.withLock { $0 = (.ok, nil) }
                    Log.info("store check: \(summary.pages) pages of \(summary.databases) databases whole in \(Log.token(path)) (\(monotonicMilliseconds() - started) ms)")
                    report(.ok, nil)
                } catch where error.code == .corrupt {
                    current.withLock { $0 = (.damaged, error.message) }
                    Log.error("store check: \(error.message); papaoursd goes on answering what it can; stop it and restore a backup (papaoursd --restore), see papaoursd(8)")
                    report(.damaged, error.message)
                } catch {
                    // Not damage: the walk could not run (the file could not be opened…); nothing is known.
                    current.withLock { $0 = (.ok, nil) }
                    Log.warning("store check of \(Log.token(path)) not done: \(error.message)")
                    report(.ok, nil)
                }
            }
        }
    }

    /// Ends a walk still running and waits for it: the store must not close under it.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        thread.withLock { $0 }?.join()
    }
}
