import CPapaoursSystem
import PapaoursCore
import PapaoursProtocol
import PapaoursStore
#if canImport(Glibc)
import Glibc
#endif

/// BACKUP: a compacted, consistent copy of the store written into the file the client passed,
/// on a thread of its own so that no loop waits; it holds a snapshot, which blocks no reader
/// and no writer. Once done it is journaled (`store.backup`) and answered after that commit.
/// The client opens the file itself, owner-only: papaoursd needs no write access to its path.
enum Backup {
    static func start(store: Store, writer: Writer, into fd: Int32, by actor: Actor, sink: any WriteCompletionSink,
                      connection: UInt64) {
        OSThread(name: "papaours-backup", detached: true) {
            do {
                try store.copy(to: fd)
                let size = papa_fsync_size(fd)
                if size < 0 { throw StoreError(.unavailable, "cannot sync the backup file: \(String(cString: strerror(errno)))") }
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
}
