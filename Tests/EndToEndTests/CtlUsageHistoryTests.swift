import Foundation
import PapaoursClient
import PapaoursCore
import Testing

/// `key usage`, `key rotate` and `alerts`, in both languages, against a daemon whose clock moves.
@Suite(.serialized)
struct CtlUsageHistoryTests {
    @Test(arguments: Lang.allCases) func keyUsageShowsDaysAChartAndAddresses(_ lang: Lang) throws {
        let d = try ClockedDaemon()
        let ctl = Ctl(d.daemon, lang)
        let made = try makeMachineWithKey(on: d.daemon, name: "web")
        let client = d.daemon.client
        for ip in ["10.0.0.1", "10.0.0.2"] { _ = try client.verify(made.secret, ip: ip) }
        try d.move(by: 86_400)
        for _ in 0..<4 { _ = try client.verify(made.secret, ip: "10.0.0.2") }
        #expect(eventually { (try? client.usage(made.key.id.value, days: 2))?.days.first?.ok == 4 })
        let run = try ctl("key", "usage", "web", "production", "--days", "3")
        #expect(run.status == 0, "\(run)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix(lang.pick("Date        Accepted  Refused", "Date        Acceptés  Refusés")), "\(run)")
        // Not a terminal: plain ASCII, the busiest day the widest bar.
        #expect(lines[1].hasSuffix("#") && !run.stdout.contains("█"))
        let today = lines[1].filter { $0 == "#" }.count, yesterday = lines[2].filter { $0 == "#" }.count
        #expect(today > yesterday && yesterday > 0 && lines[3].filter({ $0 == "#" }).isEmpty)
        #expect(lines.allSatisfy { $0.count <= 80 }, "fitted to 80 columns")
        #expect(run.stdout.contains(lang.pick("Addresses, most recent first:", "Adresses IP, la plus récente en premier :")))
        let ips = lines.filter { $0.hasPrefix("10.0.0.") }.map { String($0.prefix(8)) }
        #expect(ips == ["10.0.0.2", "10.0.0.1"])
        // COLUMNS narrows the chart.
        let narrow = try ctl.run(["key", "usage", made.key.id.value, "--days", "2"], environment: ["COLUMNS": "40"])
        #expect(narrow.stdout.split(separator: "\n").filter { $0.hasPrefix("20") }.allSatisfy { $0.count <= 40 }, "\(narrow)")
        // On a terminal: Unicode blocks, unless --ascii.
        let shown = try ctl.onTerminal(["key", "usage", made.key.id.value, "--days", "2"])
        #expect(shown.stdout.contains("█"), "\(shown)")
        let plain = try ctl.onTerminal(["key", "usage", made.key.id.value, "--days", "2", "--ascii"])
        #expect(!plain.stdout.contains("█") && plain.stdout.contains("#"))
        // --json: the days and the addresses as records.
        let json = try ctl("--json", "key", "usage", made.key.id.value, "--days", "2").object()
        let days = try #require(json["days"] as? [[String: Any]])
        #expect(days.count == 2 && days[0]["ok"] as? Int == 4 && days[1]["ok"] as? Int == 2)
        #expect((json["addresses"] as? [[String: Any]])?.first?["address"] as? String == "10.0.0.2")
        // Out of bounds: a usage error before anything is sent.
        for days in ["0", "401"] {
            let bad = try ctl("key", "usage", made.key.id.value, "--days", days)
            #expect(bad.status == 2, "\(bad)")
            #expect(bad.stderr.contains(lang.pick("from 1 to 400", "de 1 à 400")), "\(bad)")
        }
    }

    @Test(arguments: Lang.allCases) func keyRotatePrintsTheNewSecretOnceAsKeyCreateDoes(_ lang: Lang) throws {
        let d = try ClockedDaemon()
        let ctl = Ctl(d.daemon, lang)
        let made = try makeMachineWithKey(on: d.daemon, name: "web")
        let run = try ctl("key", "rotate", made.key.id.value, "--grace", "1h", "--label", "prod 2027")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.count == 44 && run.stdout.hasPrefix("papa_"), "\(run)")
        let secret = String(run.stdout.dropLast())
        #expect(run.stderr.hasPrefix(lang.pick("This secret will never be shown again", "Ce secret ne sera plus jamais affiché")))
        #expect(run.stderr.contains(lang.pick("renewed as", "renouvelée par")), "\(run)")
        let client = d.daemon.client
        guard case .valid(let verified) = try client.verify(secret) else { Issue.record("the new key is refused"); return }
        #expect(verified.label == "prod 2027")
        guard case .valid = try client.verify(made.secret) else { Issue.record("the old key is refused during its grace"); return }
        try d.move(by: 3601)
        guard case .refused(let refusal) = try client.verify(made.secret) else { Issue.record("the old key still works"); return }
        #expect(refusal.reason == .expiredKey)
        // The journal says it in the user's language.
        let audit = try ctl("audit")
        #expect(audit.stdout.contains(lang.pick("key renewed", "clé renouvelée")), "\(audit)")
        #expect(!audit.stdout.contains(secret) && !d.daemon.log.contains(secret))
        // --json, and --output into a new private file.
        let json = try ctl("--json", "key", "rotate", verified.key.value, "--grace", "0s").object()
        #expect(json["rotated"] as? String == verified.key.value)
        #expect((json["secret"] as? String)?.hasPrefix("papa_") == true)
        let path = d.daemon.directory + "/rotated.key"
        let written = try ctl("key", "rotate", try #require(json["id"] as? String), "--output", path)
        #expect(written.status == 0 && !written.stdout.contains("papa_"), "\(written)")
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("papa_"))
        let bad = try ctl("key", "rotate", made.key.id.value, "--grace", "1w")
        #expect(bad.status == 2 && bad.stderr.contains("90s"), "\(bad)")
    }

    @Test(arguments: Lang.allCases) func alertsAnswerIsAnyoneStillTryingTheKeyIRevoked(_ lang: Lang) throws {
        let d = try ClockedDaemon()
        let ctl = Ctl(d.daemon, lang)
        let made = try makeMachineWithKey(on: d.daemon, name: "web")
        #expect(try ctl("alerts").stdout == lang.pick("No alert\n", "Aucune alerte\n"))
        #expect(try ctl("key", "disable", made.key.id.value).status == 0)
        _ = try d.daemon.client.verify(made.secret, ip: "198.51.100.7")
        #expect(eventually { ((try? d.daemon.client.alerts()) ?? []).count == 1 })
        let run = try ctl("alerts")
        #expect(run.status == 0)
        #expect(run.stdout.contains(lang.pick("deactivated key still used", "clé désactivée encore utilisée")), "\(run)")
        #expect(run.stdout.contains("198.51.100.7") && run.stdout.contains(made.key.id.value))
        #expect(run.stdout.contains(lang.pick("the key was presented and refused as inactive-key (1 time(s) since the last count)",
                                              "la clé a été présentée et refusée (inactive-key) 1 fois depuis le dernier décompte")),
                "the details in the user's language, from the alert's figures: \(run)")
        let json = try ctl("--json", "alerts").array()
        #expect(json.first?["kind"] as? String == "revoked-use")
        #expect(json.first?["seq"] as? Int == 1)
        #expect(json.first?["reason"] as? String == "inactive-key" && json.first?["count"] as? Int == 1, "the figures, as data")
        // --follow polls after= and shows the alerts as they come.
        let follow = Process()
        follow.executableURL = URL(fileURLWithPath: productsDirectory() + "/papaoursctl")
        follow.arguments = ["--json", "alerts", "--follow", "--after", "1"]
        follow.environment = lang.environment.merging(["PAPAOURS_SOCKET": d.daemon.socketPath]) { $1 }
        let pipe = Pipe()
        follow.standardOutput = pipe
        try follow.run()
        try d.move(by: 3601)
        _ = try d.daemon.client.verify(made.secret, ip: "198.51.100.8")
        #expect(eventually(15) { ((try? d.daemon.client.alerts()) ?? []).count == 2 })
        usleep(2_500_000)
        kill(follow.processIdentifier, SIGKILL)  // the test runner's threads may block SIGTERM for its children
        follow.waitUntilExit()
        let followed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(followed.contains("198.51.100.8") && !followed.contains("198.51.100.7"), "\(followed)")
        #expect(followed.split(separator: "\n").count == 1, "one JSON object a line")
    }
}
