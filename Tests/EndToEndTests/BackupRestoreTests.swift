import Foundation
import PapaoursClient
import PapaoursCore
import PapaoursProtocol
import Testing

/// A secret and what VERIFY must say of it.
struct KnownSecret: Sendable {
    let secret: String
    let machine: MachineID
    let name: String
    let key: KeyID
    let label: String
    let active: Bool
}

/// Makes `machines` machines of `keysEach` keys in a few pipelined batches; every third
/// key is then made inactive. Returns every secret with what VERIFY must answer.
func populate(_ daemon: Daemon, machines: Int, keysEach: Int, prefix: String = "m") throws -> [KnownSecret] {
    let client = daemon.client
    let made = try client.send(pipelined: (0..<machines).map {
        Request(verb: .machineCreate, arguments: ["\(prefix)-\($0)"], attributes: ["organization": "Acme", "roles": "api"])
    }).map { try Machine($0.checked()) }
    var requests: [Request] = []
    for machine in made {
        for k in 0..<keysEach { requests.append(Request(verb: .keyCreate, arguments: [machine.id.value], attributes: ["label": "key \(k)"])) }
    }
    var secrets: [KnownSecret] = []
    for (index, reply) in try client.send(pipelined: requests).enumerated() {
        let line = try reply.checked()
        let machine = made[index / keysEach]
        secrets.append(KnownSecret(secret: try #require(line["secret"]), machine: machine.id, name: machine.name,
                                   key: try #require(KeyID(line["id"] ?? "")), label: try #require(line["label"]), active: index % 3 != 2))
    }
    let edits = secrets.filter { !$0.active }.map { Request(verb: .keyEdit, arguments: [$0.key.value], attributes: ["status": "inactive"]) }
    for reply in try client.send(pipelined: edits) { try reply.checked() }
    return secrets
}

/// Checks that VERIFY on `client` answers for each secret what `secrets` says.
func expectVerifies(_ secrets: [KnownSecret], on client: PapaoursClient, sourceLocation: SourceLocation = #_sourceLocation) throws {
    for known in secrets {
        switch try client.verify(known.secret) {
        case .valid(let key):
            #expect(known.active, "\(known.key) should be inactive", sourceLocation: sourceLocation)
            #expect(key.machine == known.machine && key.name == known.name && key.key == known.key && key.label == known.label,
                    "\(key) for \(known.key)", sourceLocation: sourceLocation)
        case .refused(let refusal):
            #expect(!known.active && refusal.reason == .inactiveKey, "\(known.key): \(refusal)", sourceLocation: sourceLocation)
        }
    }
}

func fileMode(_ path: String) -> UInt16? {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.uint16Value
}

/// What the writer and verifier threads saw while a backup was taken.
private final class Race: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var backupStarted = false
    private var before: [KnownSecret] = []
    private var after = 0
    private var verified = 0
    private var failures: [String] = []

    private func locked<T>(_ body: () -> T) -> T { lock.lock(); defer { lock.unlock() }; return body() }
    var isStopped: Bool { locked { stopped } }
    func stop() { locked { stopped = true } }
    func startBackup() { locked { backupStarted = true } }
    func fail(_ text: String) { locked { failures.append(text) } }
    func countVerify() { locked { verified += 1 } }

    /// A key whose OK came before `startBackup` was committed before BACKUP was sent.
    func created(_ known: KnownSecret) {
        locked { if backupStarted { after += 1 } else { before.append(known) } }
    }

    var createdBefore: [KnownSecret] { locked { before } }
    var problems: [String] { locked { failures } }
    var counts: (before: Int, after: Int, verified: Int) { locked { (before.count, after, verified) } }
}

/// `papaoursd --restore`, its output and status.
func restore(_ file: String, into daemon: Daemon, force: Bool = false) throws -> (status: Int32, output: String) {
    try runDaemon(["--config", daemon.configPath, "--restore", file, "--database", daemon.databasePath] + (force ? ["--force"] : []))
}

@Suite(.serialized)
struct BackupRestoreTests {
    @Test func aBackupTakenWhileWritersAndVerifiersRunRestoresEverySecretMadeBeforeIt() throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon)
        let before = try populate(daemon, machines: 150, keysEach: 3)
        let race = Race()
        let writer = Thread {
            let client = daemon.client
            var n = 0
            while !race.isStopped {
                do {
                    let machine = try client.machineCreate("writer-\(n)", roles: ["w"])
                    let key = try client.keyCreate(machine.id.value, label: "writer key \(n)")
                    race.created(KnownSecret(secret: key.secret.revealed, machine: machine.id, name: machine.name,
                                             key: key.key.id, label: key.key.label, active: true))
                } catch {
                    race.fail("writer: \(error)")
                }
                n += 1
            }
        }
        let verifier = Thread {
            let client = daemon.client
            var i = 0
            while !race.isStopped {
                let known = before[i % before.count]
                do {
                    let valid = try client.verify(known.secret).isValid
                    if valid != known.active { race.fail("verify of \(known.key) gave valid=\(valid)") }
                } catch {
                    race.fail("verifier: \(error)")
                }
                race.countVerify()
                i += 1
            }
        }
        writer.start()
        verifier.start()
        func waitFor(_ condition: () -> Bool) {
            let deadline = Date().addingTimeInterval(30)
            while !condition() && Date() < deadline { usleep(10_000) }
        }
        waitFor { race.counts.before >= 5 && race.counts.verified >= 50 }
        race.startBackup()
        let file = daemon.directory + "/papaours.mdb"
        let backup = try ctl("backup", file)
        let verifiedByThen = race.counts.verified
        waitFor { race.counts.after >= 5 && race.counts.verified >= verifiedByThen + 50 }
        race.stop()
        while writer.isExecuting || verifier.isExecuting { usleep(10_000) }

        #expect(backup.status == 0, "\(backup)")
        #expect(backup.stdout.hasPrefix("Backup written to \(file): ") && backup.stdout.contains(" bytes, "), "\(backup)")
        #expect(race.problems.isEmpty, "\(race.problems.prefix(5))")
        #expect(race.counts.after >= 5, "writes went on during and after the backup")
        #expect(fileMode(file) == 0o600)

        let restored = try Daemon(start: false)
        let done = try restore(file, into: restored)
        #expect(done.status == 0, "\(done.output)")
        #expect(done.output.hasPrefix("restored ") && done.output.contains(" from \(file) into \(restored.databasePath)"), "\(done.output)")
        try restored.start()
        let client = restored.client
        try expectVerifies(before + race.createdBefore, on: client)
        let keys = try client.keyList(before[0].machine.value).sorted { $0.label < $1.label }
        #expect(keys.map(\.label) == ["key 0", "key 1", "key 2"] && keys.map(\.status) == [.active, .active, .inactive])
        // The restored daemon takes writes; the source lost nothing either.
        let later = try client.keyCreate(before[0].name, label: "after restore")
        #expect(try client.verify(later.secret.revealed).isValid)
        try expectVerifies(before, on: daemon.client)
    }

    @Test func backupRefusesToOverwriteAndSaysWhatItWrote() throws {
        let daemon = try Daemon()
        _ = try makeMachineWithKey(on: daemon)
        for lang in Lang.allCases {
            let file = daemon.directory + "/exists-\(lang).mdb"
            try "keep me\n".write(toFile: file, atomically: true, encoding: .utf8)
            let again = try Ctl(daemon, lang)("backup", file)
            #expect(again.status == 1 && again.stdout.isEmpty, "\(again)")
            #expect(again.stderr == lang.pick("papaoursctl: refusing to overwrite \(file): the file exists\n",
                                              "papaoursctl: refus d'écraser \(file) : le fichier existe\n"))
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep me\n")
        }
        let json = try Ctl(daemon)("--json", "backup", daemon.directory + "/b.mdb").object()
        #expect(json["file"] as? String == daemon.directory + "/b.mdb" && json["machines"] as? Int == 1 && json["keys"] as? Int == 1)
        #expect((json["size"] as? Int ?? 0) > 0)
        let fr = try Ctl(daemon, .fr)("backup", daemon.directory + "/fr.mdb")
        #expect(fr.status == 0 && fr.stdout.hasPrefix("Sauvegarde écrite dans \(daemon.directory)/fr.mdb : "), "\(fr)")

        // BACKUP without a file is refused by the daemon; the command has its help.
        #expect(try daemon.connect().call("BACKUP").code == "invalid")
        let help = try Ctl(daemon)("backup", "--help")
        #expect(help.status == 0 && help.stdout.contains("papaoursctl backup FILE"))
        #expect(try Ctl(daemon)("backup").status == 2)
    }

    @Test(.enabled(if: getuid() == 0, "needs root to run papaoursctl as another uid"))
    func aRefusedBackupLeavesNoFile() throws {
        let daemon = try Daemon(config: ["grant user nobody machines.write"])
        _ = try makeMachineWithKey(on: daemon)
        let shared = daemon.directory + "/shared"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: false)
        chmod(shared, 0o777)
        let file = shared + "/backup.mdb"
        let refused = try Ctl(daemon, uid: 65534)("backup", file)
        #expect(refused.status == 1 && refused.stderr.hasPrefix("papaoursctl: you may not run 'backup': "), "\(refused)")
        #expect(refused.stderr.contains("audit.read"))
        #expect(!FileManager.default.fileExists(atPath: file), "the file goes when the backup fails")
        let export = try Ctl(daemon, uid: 65534)("export", "--output", shared + "/export.jsonl")
        #expect(export.status == 1 && export.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: shared + "/export.jsonl"))
    }

    @Test func restoreRefusesANonEmptyDatabaseWithoutForce() throws {
        let source = try Daemon()
        let secrets = try populate(source, machines: 3, keysEach: 2, prefix: "source")
        let file = source.directory + "/source.mdb"
        #expect(try Ctl(source)("backup", file).status == 0)

        let target = try Daemon()
        let own = try makeMachineWithKey(on: target, name: "target-only")
        target.stop()
        let refused = try restore(file, into: target)
        #expect(refused.status == 1)
        #expect(refused.output.contains("restore refused: \(target.databasePath) holds a database with 1 machine(s)"), "\(refused.output)")
        #expect(refused.output.contains("add --force to replace it"))
        try target.start()
        #expect(try target.client.machineList().map(\.name) == ["target-only"], "untouched")
        #expect(try target.client.verify(own.secret).isValid)

        // The daemon must be stopped: a running one holds the database.
        let running = try restore(file, into: target, force: true)
        #expect(running.status == 1 && running.output.contains("in use by another papaoursd"), "\(running.output)")
        target.stop()
        let forced = try restore(file, into: target, force: true)
        #expect(forced.status == 0, "\(forced.output)")
        #expect(forced.output.contains("restored 3 machine(s), 6 key(s) and "), "\(forced.output)")
        try target.start()
        #expect(try target.client.machineList().map(\.name).sorted() == ["source-0", "source-1", "source-2"])
        #expect(try !target.client.verify(own.secret).isValid, "the old store is gone")
        try expectVerifies(secrets, on: target.client)
        // The journal as the backup held it (the source's, less the `store.backup` it wrote after the
        // copy), then the restored daemon's own `store.restore`, written once at its first start.
        let restoredJournal = try wholeAudit(target.client)
        let sourceJournal = try wholeAudit(source.client)
        #expect(sourceJournal.last?.action == "store.backup")
        #expect(restoredJournal.dropLast().map(\.raw) == sourceJournal.dropLast().map(\.raw))
        #expect(restoredJournal.last?.action == "store.restore" && restoredJournal.last?.raw["details"]?.contains(file) == true)
        try target.restart()
        #expect(try wholeAudit(target.client).count == restoredJournal.count, "journaled once, not at every start")

        // A database made but never written to needs no --force.
        let empty = try Daemon()
        empty.stop()
        let intoEmpty = try restore(file, into: empty)
        #expect(intoEmpty.status == 0, "\(intoEmpty.output)")
    }

    @Test func restoreRefusesACorruptFileWithAClearMessage() throws {
        let source = try Daemon()
        _ = try populate(source, machines: 20, keysEach: 2)
        let good = source.directory + "/good.mdb"
        #expect(try Ctl(source)("backup", good).status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        #expect(bytes.count > 16384)
        var random = [UInt8](repeating: 0, count: 65536)
        for i in random.indices { random[i] = UInt8.random(in: 0...255) }

        let target = try Daemon()
        let own = try makeMachineWithKey(on: target, name: "keep-me")
        target.stop()
        let cases: [(String, Data?)] = [
            ("random.mdb", Data(random)),
            ("cut-in-half.mdb", bytes.prefix(bytes.count / 2)),
            ("cut-after-meta.mdb", bytes.prefix(8192)),
            ("header-only.mdb", bytes.prefix(4096)),
            ("empty.mdb", Data()),
            ("missing.mdb", nil),
        ]
        for (name, contents) in cases {
            let file = source.directory + "/" + name
            if let contents { try contents.write(to: URL(fileURLWithPath: file)) }
            let run = try restore(file, into: target, force: true)
            #expect(run.status == 1, "\(name): exit \(run.status)\n\(run.output)")
            let first = run.output.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.hasPrefix("papaoursd: restore refused: ") && first.contains(file), "\(name): \(run.output)")
            let clear = ["is not a usable papaours backup", "not an LMDB", "cut short", "No such file or directory"]
            #expect(clear.contains { first.contains($0) }, "\(name): \(first)")
        }
        try target.start()
        #expect(try target.client.machineList().map(\.name) == ["keep-me"], "the database is untouched")
        #expect(try target.client.verify(own.secret).isValid)
    }
}
