import Dispatch
import Foundation
import PapaoursCore
import PapaoursProtocol
import PapaoursStore
import Synchronization
import Testing

/// What clients were told was done, and what they had asked when the daemon died.
final class Acknowledged: Sendable {
    struct KeyState: Sendable {
        var secret: String
        var label: String
        var status: String
        /// An edit sent but not answered: the store may hold either value.
        var pendingLabel: String?
        var pendingStatus: String?
    }
    let machines = Locked<[String: String]>([:])  // id → name
    let keys = Locked<[String: KeyState]>([:])    // id → state
}

/// Kills the daemon with SIGKILL while writers run, then checks that every write answered OK
/// survived and that the store's indexes agree. `PAPAOURS_CRASH_KILLS` sets the number of kills
/// (3 in `make test`, 20 in `make stress`).
@Suite(.serialized)
struct CrashTests {
    static var kills: Int { Int(ProcessInfo.processInfo.environment["PAPAOURS_CRASH_KILLS"] ?? "") ?? 3 }

    @Test func acknowledgedWritesSurviveSIGKILL() throws {
        let daemon = try Daemon(config: ["usage-flush-interval 1"])
        let acked = Acknowledged()
        for round in 0..<Self.kills {
            let group = DispatchGroup()
            for writer in 0..<4 {
                DispatchQueue.global().async(group: group) {
                    Self.write(round: round, writer: writer, socket: daemon.socketPath, into: acked)
                }
            }
            // Kill in the middle of the writes: after a random pause, and once this round has had
            // a key acknowledged (a loaded machine's first fsyncs can take longer than the pause).
            let before = acked.keys.withLock { $0.count }
            usleep(UInt32.random(in: 150_000...700_000))
            let deadline = Date().addingTimeInterval(10)
            while acked.keys.withLock({ $0.count }) == before && Date() < deadline { usleep(20_000) }
            daemon.kill9()
            group.wait()
            try Self.checkIntegrity(daemon.databasePath)
            try daemon.start()
            try Self.checkAcknowledged(acked, on: daemon.connect())
        }
        let total = acked.keys.withLock { $0.count }
        #expect(total > 0, "the writers made progress")
    }

    /// One writer: create a machine and keys, edit them, until the connection dies.
    static func write(round: Int, writer: Int, socket: String, into acked: Acknowledged) {
        guard let c = try? LineConnection(path: socket) else { return }
        var step = 0
        while true {
            step += 1
            let name = "r\(round)-w\(writer)-m\(step)"
            guard let machine = reply(c, "MACHINE CREATE \(name)") else { return }
            guard let id = machine["id"] else { continue }
            acked.machines.withLock { $0[id] = name }
            guard let key = reply(c, "KEY CREATE \(id) label=first"), let keyID = key["id"], let secret = key["secret"] else { return }
            acked.keys.withLock { $0[keyID] = .init(secret: secret, label: "first", status: "active") }
            let label = "edited-\(step)"
            let status = step % 2 == 0 ? "inactive" : "active"
            acked.keys.withLock { $0[keyID]?.pendingLabel = label; $0[keyID]?.pendingStatus = status }
            guard let edited = reply(c, "KEY EDIT \(keyID) label=\(label) status=\(status)") else { return }
            acked.keys.withLock {
                if edited.isOK { $0[keyID]?.label = label; $0[keyID]?.status = status }
                $0[keyID]?.pendingLabel = nil
                $0[keyID]?.pendingStatus = nil
            }
        }
    }

    static func reply(_ c: LineConnection, _ line: String) -> ReplyLine? {
        let lines = c.request(line)
        guard let last = lines.last, let parsed = try? ReplyLine.parse(Array(last.utf8)), parsed.isFinal else { return nil }
        return parsed
    }

    static func checkAcknowledged(_ acked: Acknowledged, on c: LineConnection) throws {
        for (id, name) in acked.machines.withLock({ $0 }) {
            #expect(c.call("MACHINE SHOW \(id)")["name"] == name, "machine \(id) acknowledged as \(name)")
        }
        for (id, state) in acked.keys.withLock({ $0 }) {
            let shown = c.call("KEY SHOW \(id)")
            #expect(shown.isOK, "key \(id) was acknowledged")
            #expect(shown["label"] == state.label || shown["label"] == state.pendingLabel, "key \(id) label")
            #expect(shown["status"] == state.status || shown["status"] == state.pendingStatus, "key \(id) status")
            let verdict = c.call("VERIFY \(state.secret)")
            if shown["status"] == "active" {
                #expect(verdict["key"] == id)
            } else {
                #expect(verdict.code == "inactive-key")
            }
        }
    }

    static func checkIntegrity(_ database: String) throws {
        let store = try Store(directory: database)
        defer { store.close() }
        let problems = try store.read { try $0.integrityProblems() }
        #expect(problems.isEmpty, "\(problems)")
    }
}
