import CPapaoursSystem
import PapaoursCore
import PapaoursProtocol
import PapaoursStore
#if canImport(Glibc)
import Glibc
#endif

/// BACKUP: a compacted, consistent copy of the store (mdb_env_copyfd2 with MDB_CP_COMPACT)
/// written into the file the client passed, on a thread of its own so that no loop waits.
/// The client opens the file itself, owner-only: papaoursd needs no write access to its path.
enum Backup {
    static func start(store: Store, into fd: Int32, by actor: Actor, sink: any WriteCompletionSink, connection: UInt64) {
        OSThread(name: "papaours-backup", detached: true) {
            let reply: [UInt8]
            // Shared: the map must not be remapped under the copy's read transaction.
            store.gate.lockShared()
            var copyError: (any Error)?
            do { try store.environment.copy(to: fd, compact: true) } catch { copyError = error }
            store.gate.unlock()
            do {
                if let copyError { throw copyError }
                let size = papa_fsync_size(fd)
                if size < 0 { throw StoreError(.unavailable, "cannot sync the backup file: \(String(cString: strerror(errno)))") }
                let counts = try store.withRead { txn in try store.counts(in: txn) }
                reply = ReplyFormat.ok {
                    $0.attribute("size", String(size))
                    $0.attribute("machines", String(counts.machines))
                    $0.attribute("keys", String(counts.keys))
                }
                Log.info("backup of \(counts.machines) machine(s), \(counts.keys) key(s), \(size) bytes by \(actor.user) (uid \(actor.uid))")
            } catch {
                reply = ReplyFormat.no("unavailable", "backup failed: \(StoreError(any: error).message)")
                Log.error("backup by \(actor.user) failed: \(error)")
            }
            close(fd)
            sink.complete(connection: connection, reply: reply)
        }
    }
}
