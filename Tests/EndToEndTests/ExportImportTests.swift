import Foundation
import PapaoursClient
import PapaoursCore
import PapaoursProtocol
import Testing

/// Every event of the journal, oldest first.
func wholeAudit(_ client: PapaoursClient) throws -> [AuditEntry] {
    var events: [AuditEntry] = []
    while true {
        let page = try client.audit(after: events.last?.seq ?? 0, limit: 1000)
        if page.isEmpty { return events }
        events += page
    }
}

/// How many connections the daemon has logged (it logs each at debug level).
func loggedConnections(_ daemon: Daemon) -> Int {
    daemon.log.split(separator: "\n").filter { $0.contains("connection ") && $0.contains(" from ") }.count
}

@Suite(.serialized)
struct ExportImportTests {
    /// A strong key issued elsewhere: 28 distinct characters of four classes, about 162 bits.
    static let foreign = "Tq7-Vx2_Lm9.Pz4~Rw8!Hk3@Nd6]"

    /// A store with a bit of everything: descriptions with line breaks and quotes, roles, an
    /// inactive machine, inactive, expiring, used and imported keys, a deleted machine, a denied write.
    /// Machines, keys and events, less the `store.export` events that each EXPORT journals.
    static func contents(_ client: PapaoursClient) throws -> [[ReplyLine]] {
        let export = try client.export()
        return [export.machines, export.keys, export.events.filter { $0["action"] != "store.export" }]
    }

    static func richStore(_ daemon: Daemon) throws -> [String] {
        let client = daemon.client
        var secrets = try populate(daemon, machines: 4, keysEach: 3, prefix: "svc").map(\.secret)
        _ = try client.machineEdit("svc-0", description: "Line one\nline \"two\"\ttab \\ end", organization: "Équipe ☕")
        _ = try client.machineEdit("svc-3", status: .inactive)
        let gone = try makeMachineWithKey(on: daemon, name: "gone")
        secrets.append(gone.secret)
        try client.machineDelete("gone")
        let expiring = try client.keyCreate("svc-1", label: "expiring", expires: Timestamp(seconds: Timestamp.now().seconds + 86400))
        secrets.append(expiring.secret.revealed)
        _ = try client.keyImport(machine: "svc-2", secret: foreign, label: "from the vault")
        secrets.append(foreign)
        for secret in secrets.prefix(4) { _ = try client.verify(secret, ip: "192.0.2.7") }
        if getuid() == 0 { _ = try Ctl(daemon, uid: 65534)("machine", "create", "evil") }
        usleep(1_500_000)  // usage-flush-interval 1: the uses are in the store
        return secrets
    }

    @Test func exportThenImportIntoAFreshDaemonGivesTheSameAnswers() throws {
        let source = try Daemon(config: ["usage-flush-interval 1"])
        let secrets = try Self.richStore(source)
        let file = source.directory + "/papaours.jsonl"
        let exported = try Ctl(source)("export", "--output", file)
        #expect(exported.status == 0, "\(exported)")
        #expect(fileMode(file) == 0o600)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        // Standard output gets the same lines, and the journal one more: the first export's `store.export`.
        let second = try Ctl(source)("export").stdout
        let exportEvent = try #require(try wholeAudit(source.client).last)
        #expect(exportEvent.action == "store.export" && exportEvent.user == "root")
        #expect(second.split(separator: "\n").filter { !$0.contains("\"type\":\"event\"") && !$0.contains("\"type\":\"end\"") }
                == text.split(separator: "\n").filter { !$0.contains("\"type\":\"event\"") && !$0.contains("\"type\":\"end\"") })

        // JSON Lines: one object per line, the protocol's names, the end line last.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "" && text.hasSuffix("}\n"))
        let objects = try lines.dropLast().map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let types = objects.map { $0["type"] as? String ?? "?" }
        let machines = types.filter { $0 == "machine" }.count, keys = types.filter { $0 == "key" }.count
        let events = types.filter { $0 == "event" }.count
        let days = types.filter { $0 == "day" }.count, addresses = types.filter { $0 == "address" }.count
        let alerts = types.filter { $0 == "alert" }.count
        #expect(types == ["role"] + Array(repeating: "machine", count: machines) + Array(repeating: "key", count: keys)
            + Array(repeating: "event", count: events) + Array(repeating: "day", count: days)
            + Array(repeating: "address", count: addresses) + Array(repeating: "alert", count: alerts) + ["end"])
        #expect(days > 0 && addresses > 0, "the keys' usage came along")
        let journal = try wholeAudit(source.client).count
        #expect(machines == 4 && keys == 14 && events == journal - 2, "all but the two exports' own events")
        let end = try #require(objects.last)
        #expect(end["machines"] as? Int == machines && end["keys"] as? Int == keys && end["events"] as? Int == events)
        #expect(end["roles"] as? Int == 1 && end["groups"] as? Int == 0)
        #expect(end["days"] as? Int == days && end["addresses"] as? Int == addresses && end["alerts"] as? Int == alerts)
        #expect(exported.stdout == "Exported \(machines) machine(s), \(keys) API key(s), \(events) audit event(s), \(days) day(s) and \(addresses) address(es) of key usage and \(alerts) alert(s) to \(file).\n")
        for object in objects where object["type"] as? String == "machine" {
            #expect(Set(object.keys) == CtlJSONTests.machineNames.union(["type"]) && object["roles"] is [String])
        }
        for object in objects where object["type"] as? String == "key" {
            #expect(Set(object.keys) == CtlJSONTests.keyNames.union(["type", "last-ip", "hash"]) && object["uses"] is Int)
            #expect((object["hash"] as? String)?.count == 64)
        }
        for secret in secrets { #expect(!text.contains(secret), "an export holds hashes, never a secret") }

        let destination = try Daemon()
        let imported = try Ctl(destination)("import", file)
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout.hasPrefix("Imported from \(file):\n"))
        #expect(imported.row("Machines") == ["Machines", "\(machines)", "0"] && imported.row("API keys") == ["API keys", "\(keys)", "0"])
        #expect(imported.row("Audit events") == ["Audit events", "\(events)", "0"])

        let (a, b) = (source.client, destination.client)
        #expect(try a.machineList().map(\.raw) == b.machineList().map(\.raw))
        for machine in try a.machineList() {
            #expect(try a.keyList(machine.id.value).map(\.raw) == b.keyList(machine.id.value).map(\.raw), "\(machine.name)")
        }
        #expect(try wholeAudit(a).prefix(events).map(\.raw) == wholeAudit(b).prefix(events).map(\.raw))
        #expect(try wholeAudit(b).last?.action == "store.import", "the import itself is journaled")
        #expect(try a.keyList("svc-0").contains { $0.uses == 1 && $0.lastUsed != nil }, "usage came along")
        for secret in secrets { #expect(try a.verify(secret) == b.verify(secret)) }
        #expect(try b.verify(Self.foreign).isValid)

        // Again: everything is already there.
        let again = try Ctl(destination)("--json", "import", file).object()
        #expect(again["machines-added"] as? Int == 0 && again["keys-added"] as? Int == 0 && again["events-added"] as? Int == 0)
        #expect(again["machines-skipped"] as? Int == machines && again["keys-skipped"] as? Int == keys
            && again["events-skipped"] as? Int == events)
        #expect(try wholeAudit(b).count == events + 2, "the events, then each import's own store.import")
        let fr = try Ctl(destination, .fr)("import", file)
        #expect(fr.status == 0 && fr.stdout.hasPrefix("Importé depuis \(file) :\n") && fr.row("Machines") == ["Machines", "0", "\(machines)"])

        // The library does the same: EXPORT grouped, IMPORT in one transaction.
        let third = try Daemon()
        let store = try a.export()
        #expect(store.machines.count == machines && store.keys.count == keys && store.events.count == events + 2,
                "the two exports before this one are journaled")
        let report = try third.client.importRecords(store)
        #expect(report.machinesAdded == machines && report.keysAdded == keys && report.eventsAdded == events + 2 && report.skipped == 0)
        let copy = try third.client.export()
        #expect(copy.machines == store.machines && copy.keys == store.keys)
        #expect(Array(copy.events.prefix(store.events.count)) == store.events)
        #expect(copy.events.dropFirst(store.events.count).map { $0["action"] } == ["store.import"])
    }

    @Test(arguments: Lang.allCases) func aTruncatedOrCorruptedFileIsRefusedWholeWithItsLineNumber(_ lang: Lang) throws {
        let source = try Daemon()
        _ = try populate(source, machines: 3, keysEach: 2, prefix: "src")
        let file = source.directory + "/export.jsonl"
        #expect(try Ctl(source)("export", "--output", file).status == 0)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let events = 1 + 3 + 6 + 2  // the role api made by the first machine, creates, then two keys made inactive
        #expect(lines.count == 1 + 3 + 6 + events + 1, "a role line, the machines, the keys, the events, the end")
        let endLine = lines.count

        let destination = try Daemon()
        let own = try makeMachineWithKey(on: destination, name: "own")
        let before = try Self.contents(destination.client)
        let connections = loggedConnections(destination)
        let ctl = Ctl(destination, lang)

        func refused(_ name: String, _ contents: String, problems: Int, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
            let path = source.directory + "/" + name
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
            let run = try ctl("import", path)
            #expect(run.status == 1 && run.stdout.isEmpty, "\(run)", sourceLocation: sourceLocation)
            let errors = run.stderr.split(separator: "\n").map(String.init)
            for line in expected {
                #expect(errors.contains { $0.hasPrefix(path + ":" + line) }, "\(line) in \(run)", sourceLocation: sourceLocation)
            }
            #expect(errors.last == "papaoursctl: " + lang.pick("nothing imported: \(problems) problem(s) in \(path)",
                                                               "rien n'a été importé : \(problems) problème(s) dans \(path)"),
                    "\(run)", sourceLocation: sourceLocation)
        }
        let noEnd = lang.pick("the end line is missing: the file is cut short", "la ligne de fin manque : le fichier est tronqué")
        let notJSON = lang.pick("not valid JSON (column ", "JSON invalide (colonne ")

        // Cut in the middle of line 5, then exactly after line 7: the end line is missing.
        let cut = lines.prefix(4).joined(separator: "\n") + "\n" + lines[4].prefix(lines[4].count / 2)
        try refused("cut-mid-line.jsonl", cut, problems: 2, ["5: " + notJSON, "6: " + noEnd])
        try refused("cut-at-line.jsonl", lines.prefix(7).joined(separator: "\n") + "\n", problems: 1, ["8: " + noEnd])
        // A line taken out: the end line's counts catch it.
        var removed = lines
        removed.remove(at: 4)
        try refused("line-removed.jsonl", removed.joined(separator: "\n") + "\n", problems: 1, [
            "\(endLine - 1): " + lang.pick("the end line counts machines=3 keys=6 events=\(events) roles=1 groups=0 days=0 addresses=0 alerts=0 but the file holds machines=3 keys=5 events=\(events) roles=1 groups=0 days=0 addresses=0 alerts=0",
                                           "la ligne de fin compte machines=3 keys=6 events=\(events) roles=1 groups=0 days=0 addresses=0 alerts=0 mais le fichier contient machines=3 keys=5 events=\(events) roles=1 groups=0 days=0 addresses=0 alerts=0")])
        // A corrupted line: broken JSON, a value the daemon would refuse, an unknown type.
        var broken = lines
        broken[1] = broken[1].replacingOccurrences(of: "\"name\":\"", with: "\"name\":")
        try refused("broken-json.jsonl", broken.joined(separator: "\n") + "\n", problems: 2, ["2: " + notJSON, "\(endLine): "])
        var badHash = lines
        badHash[5] = badHash[5].replacingOccurrences(of: "\"hash\":\"", with: "\"hash\":\"zz")
        try refused("bad-hash.jsonl", badHash.joined(separator: "\n") + "\n", problems: 1, [
            "6: " + lang.pick("in a key line, hash must be 64 hexadecimal digits (a SHA-256)",
                              "dans une ligne key, hash doit faire 64 chiffres hexadécimaux (un SHA-256)")])
        var badType = lines
        badType[2] = badType[2].replacingOccurrences(of: "\"type\":\"machine\"", with: "\"type\":\"machin\"")
        try refused("bad-type.jsonl", badType.joined(separator: "\n") + "\n", problems: 2, [
            "3: " + lang.pick("unknown type 'machin'", "type « machin » inconnu"), "\(endLine): "])
        var afterEnd = lines
        afterEnd.append(lines[0])
        try refused("after-end.jsonl", afterEnd.joined(separator: "\n") + "\n", problems: 1, [
            "\(endLine + 1): " + lang.pick("a line after the end line", "une ligne après la ligne de fin")])
        try refused("empty.jsonl", "", problems: 1, ["1: " + noEnd])

        #expect(loggedConnections(destination) == connections, "nothing was sent")
        #expect(try Self.contents(destination.client) == before, "the store is unchanged")
        #expect(try destination.client.verify(own.secret).isValid)
        let unreadable = try ctl("import", source.directory + "/none.jsonl")
        #expect(unreadable.status == 1 && unreadable.stderr.hasPrefix(lang.pick("papaoursctl: cannot read ", "papaoursctl: impossible de lire ")))
        // The whole file, untouched, goes in.
        #expect(try ctl("import", file).status == 0)
        #expect(try destination.client.machineList().count == 4)
    }

    @Test(arguments: Lang.allCases) func aNameOwnedByAnotherMachineIsRefusedWholeByTheDaemon(_ lang: Lang) throws {
        let source = try Daemon()
        let web = try makeMachineWithKey(on: source, name: "web")
        let db = try makeMachineWithKey(on: source, name: "db")
        let file = source.directory + "/export.jsonl"
        #expect(try Ctl(source)("export", "--output", file).status == 0)

        let destination = try Daemon()
        let other = try makeMachineWithKey(on: destination, name: "web")
        let before = try Self.contents(destination.client)
        let run = try Ctl(destination, lang)("import", file)
        #expect(run.status == 1 && run.stdout.isEmpty, "\(run)")
        // The line of the machine whose name is taken, then why nothing was imported.
        let line = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
            .firstIndex { $0.contains(#""name":"web""#) }.map { $0 + 1 } ?? 0
        #expect(run.stderr == "\(file):\(line): " + lang.pick(
            "machine \(web.machine.id.value) is named 'web', a name that machine \(other.machine.id.value) already bears here\n",
            "la machine \(web.machine.id.value) s'appelle « web », un nom que porte déjà ici la machine \(other.machine.id.value)\n")
            + "papaoursctl: " + lang.pick(
            "records of this file conflict with those here (a name or a key already taken); nothing was imported (--verbose shows papaoursd's reason)\n",
            "des enregistrements de ce fichier entrent en conflit avec ceux d'ici (un nom ou une clé déjà pris) ; rien n'a été importé (--verbose montre la raison donnée par papaoursd)\n"), "\(run)")
        let verbose = try Ctl(destination, lang)("import", "--verbose", file)
        #expect(verbose.stderr.contains("the name \"web\" belongs to \(other.machine.id.value)"), "\(verbose)")
        #expect(try Self.contents(destination.client) == before, "nothing imported, not even db")
        #expect(try !destination.client.verify(db.secret).isValid)
        #expect(try !destination.client.verify(web.secret).isValid)

        let library = #expect(throws: ClientError.self) { try destination.client.importRecords(source.client.export()) }
        #expect(library?.code == .refused && library?.replyCode == "exists")
        #expect(try Self.contents(destination.client) == before)
    }

    @Test func aRecordTheDaemonRefusesAbortsTheImportAndNamesIt() throws {
        let source = try Daemon()
        _ = try populate(source, machines: 2, keysEach: 2)
        var records = try source.client.export().records
        let index = records.firstIndex { $0.kind == .key }!
        let original = records[index]
        records[index] = ImportRecord(kind: .key, attributes: records[index].attributes.map { $0.0 == "status" ? ($0.0, "bogus") : $0 })
        let destination = try Daemon()
        let client = destination.client
        let refused = #expect(throws: ClientError.self) { try client.importRecords(records) }
        #expect(refused?.code == .refused && refused?.replyCode == "invalid")
        #expect(refused?.detail.hasPrefix("record \(index + 1): status ") == true, "\(String(describing: refused))")
        #expect(try client.machineList().isEmpty, "aborted: nothing imported")
        try client.ping()
        // An attribute the daemon does not take is refused before anything is sent.
        records[index] = ImportRecord(kind: .key, attributes: records[index].attributes + [("secret", "x")])
        let local = #expect(throws: ClientError.self) { try client.importRecords(records) }
        #expect(local?.detail == "record \(index + 1) (KEY): unknown attribute secret=")
        #expect(try client.machineList().isEmpty)
        // A record too long for a request line: the records before it were staged, then aborted.
        records[index] = original
        let long = ImportRecord(kind: .event, attributes: [("seq", "999"), ("time", "2026-01-01T00:00:00Z"), ("action", "machine.create"),
                                                           ("details", String(repeating: "x", count: 9000))])
        let tooLong = #expect(throws: ClientError.self) { try client.importRecords(records + [long]) }
        #expect(tooLong?.code == .bad && tooLong?.replyCode == "too-long")
        #expect(tooLong?.detail.hasPrefix("record \(records.count + 1) (EVENT): the request line is ") == true)
        #expect(try client.machineList().isEmpty)
        #expect(try client.importRecords(records).added == records.count, "the connection and the daemon are fine")
        // The import verbs are refused outside BEGIN … COMMIT.
        let raw = try destination.connect()
        #expect(raw.call("IMPORT MACHINE id=m_aaaaaaaaaaaaaaaa name=x").code == "invalid")
        #expect(raw.call("IMPORT COMMIT").code == "invalid")
        #expect(raw.call("IMPORT BEGIN").isOK && raw.call("IMPORT BEGIN").code == "invalid")
        #expect(raw.call("IMPORT MACHINE id=m_aaaaaaaaaaaaaaaa name=x").isOK)
        #expect(raw.call("IMPORT ABORT")["dropped"] == "1")
        #expect(try client.machineList().count == 2)
    }

    @Test(arguments: Lang.allCases) func keyImportTakesAStrongForeignSecretFromStdinAndRefusesAWeakOne(_ lang: Lang) throws {
        let daemon = try Daemon()
        let ctl = Ctl(daemon, lang)
        let web = try daemon.client.machineCreate("web")
        let imported = try ctl("key", "import", "web", "--label", "from vault", stdin: Self.foreign + "\n")
        #expect(imported.status == 0, "\(imported)")
        let key = try #require(try daemon.client.keyList("web").first)
        #expect(imported.stdout.hasPrefix(lang.pick("Key \(key.id.value) (from vault) imported; only its hash is kept.\n",
                                                    "Clé \(key.id.value) (from vault) importée ; seule son empreinte est conservée.\n")))
        guard case .valid(let valid) = try daemon.client.verify(Self.foreign) else { Issue.record("not valid"); return }
        #expect(valid.machine == web.id && valid.key == key.id && valid.label == "from vault")
        #expect(try ctl("verify", stdin: Self.foreign + "\n").status == 0)

        // A papaours key made by another daemon keeps working here; from --key-file, with --json.
        let elsewhere = try Daemon()
        let issued = try makeMachineWithKey(on: elsewhere, name: "elsewhere").secret
        let keyFile = daemon.directory + "/issued.key"
        try (issued + "\n").write(toFile: keyFile, atomically: true, encoding: .utf8)
        let json = try ctl("--json", "key", "import", "web", "--label", "moved", "--expires", "30d", "--key-file", keyFile).object()
        #expect(json["label"] as? String == "moved" && json["machine"] as? String == web.id.value && json["expires"] is String)
        #expect(try daemon.client.verify(issued).isValid)

        let weak = ["aaaaaaaaaaaaaaaaaaaaaaaa", "correcthorsebatterystaple"]
        for secret in weak {
            let run = try ctl("key", "import", "web", "--label", "weak", stdin: secret + "\n")
            #expect(run.status == 1 && run.stdout.isEmpty, "\(run)")
            #expect(run.stderr == "papaoursctl: " + lang.pick("papaoursd refused the key to import: it is too easy to guess; import only keys drawn at random\n",
                                                              "papaoursd a refusé la clé à importer : elle est trop facile à deviner ; n'importez que des clés tirées au hasard\n"), "\(run)")
            #expect(try daemon.client.verify(secret) == .refused(VerifyRefusal(reason: .unknownKey, text: "no such key")))
        }
        let badChecksum = String(issued.dropLast()) + (issued.hasSuffix("A") ? "B" : "A")
        let checksum = try ctl("key", "import", "web", "--label", "typo", stdin: badChecksum + "\n")
        #expect(checksum.status == 2 && checksum.stderr.hasPrefix("papaoursctl: " + lang.pick("the key to import is not well-formed: its check digits do not match",
                                                                                              "la clé à importer est mal formée : ses caractères de contrôle ne correspondent pas")),
                "checked before it is sent: \(checksum)")
        let twice = try ctl("key", "import", "web", "--label", "again", stdin: Self.foreign + "\n")
        #expect(twice.status == 1 && twice.stderr == "papaoursctl: " + lang.pick("this key is already registered: a key with the same value exists\n",
                                                                                 "cette clé est déjà enregistrée : une clé de même valeur existe\n"), "\(twice)")
        #expect(try ctl("key", "import", "web", "--label", "argv", Self.foreign).status == 2, "never from the command line")
        #expect(try ctl("key", "import", "web", "--label", "none", stdin: "").status == 2)
        #expect(try ctl("key", "import", "nowhere", "--label", "x", stdin: Self.foreign + "x\n").status == 1)

        let audit = try ctl("--json", "audit")
        let creates = try audit.array().filter { $0["action"] as? String == "key.create" }
        #expect(creates.count == 2 && creates.allSatisfy { ($0["details"] as? String)?.contains("imported") == true })
        for secret in [Self.foreign, issued, badChecksum] + weak {
            #expect(!audit.stdout.contains(secret) && !daemon.log.contains(secret), "the secret is in neither the audit nor the log")
            #expect(try !ctl("export").stdout.contains(secret))
        }
    }
}
