import Foundation
import PapaoursClient
import PapaoursProtocol
import Testing

/// EXPORT and IMPORT carry the usage history (DAY, IP) and the alerts (ALERT).
@Suite(.serialized)
struct ExportUsageTests {
    /// A key used from three addresses over three days, the third address raising new-ip.
    static func usedKey(_ d: ClockedDaemon) throws -> (id: String, secret: String) {
        let c = try d.connect()
        let key = try d.makeKey(c)
        _ = c.call("VERIFY \(key.secret) ip=10.0.0.1")
        _ = c.call("VERIFY \(key.secret) ip=10.0.0.1")
        #expect(eventually { c.listing("USAGE \(key.id) days=1").items.contains { $0["address"] == "10.0.0.1" } })
        try d.move(by: 86_400)
        _ = c.call("VERIFY \(key.secret) ip=10.0.0.2")
        #expect(eventually { c.listing("USAGE \(key.id) days=1").items.contains { $0["address"] == "10.0.0.2" } })
        try d.move(by: 86_400)
        _ = c.call("VERIFY \(key.secret) ip=10.0.0.3")
        _ = c.call("VERIFY papa_notakey")
        #expect(eventually { c.alerts(kind: "new-ip").count == 2 })
        return key
    }

    static func usageAndAlerts(_ d: ClockedDaemon, _ key: String) throws -> [String] {
        let c = try d.connect()
        return c.request("USAGE \(key) days=5") + c.request("ALERTS")
    }

    @Test func anExportCarriesTheHistoryAndAnImportAddsIt() throws {
        let source = try ClockedDaemon()
        let key = try Self.usedKey(source)
        let store = try source.daemon.client.export()
        #expect(store.days.count == 3 && store.addresses.count == 3 && store.alerts.count == 2, "\(store.final)")
        #expect(store.days.allSatisfy { $0["key"] == key.id } && store.addresses.allSatisfy { $0["key"] == key.id })
        #expect(store.days.map { $0["date"]! } == store.days.map { $0["date"]! }.sorted(), "oldest first")
        #expect(store.days.map { $0["ok"] } == ["2", "1", "1"])
        #expect(store.final["days"] == "3" && store.final["addresses"] == "3" && store.final["alerts"] == "2")
        #expect(!store.records.contains { $0.attributes.contains { $0.1.contains(key.secret) } }, "never a secret")

        // Into an empty daemon at the same time: the same USAGE and ALERTS.
        let copy = try ClockedDaemon()
        try copy.move(by: source.offset)
        let report = try copy.daemon.client.importRecords(store)
        #expect(report.daysAdded == 3 && report.addressesAdded == 3 && report.alertsAdded == 2 && report.alertsSkipped == 0)
        let before = try Self.usageAndAlerts(source, key.id)
        #expect(try Self.usageAndAlerts(copy, key.id) == before)

        // Twice: the counts are added, the alerts already there skipped.
        let again = try copy.daemon.client.importRecords(store)
        #expect(again.keysSkipped == 1 && again.daysAdded == 3 && again.alertsAdded == 0 && again.alertsSkipped == 2)
        let c = try copy.connect()
        let doubled = c.listing("USAGE \(key.id) days=5").items
        #expect(doubled.filter { $0.type == "DAY" }.map { $0["ok"] } == ["2", "2", "4", "0", "0"])
        #expect(doubled.filter { $0.type == "IP" }.map { $0["count"] } == ["2", "2", "4"])
        func seen(_ lines: [ReplyLine]) -> Set<[String]> { Set(lines.map { [$0["address"]!, $0["first"]!, $0["last"]!] }) }
        #expect(seen(doubled.filter { $0.type == "IP" }) == seen(store.addresses), "first and last seen as they were")
        #expect(c.alerts().count == 2)
    }

    @Test(arguments: Lang.allCases) func aBadDayLineIsRefusedWithItsLineNumberAndNothingIsImported(_ lang: Lang) throws {
        let source = try ClockedDaemon()
        _ = try Self.usedKey(source)
        let file = source.daemon.directory + "/export.jsonl"
        let exported = try Ctl(source.daemon, lang)("export", "--output", file)
        #expect(exported.status == 0, "\(exported)")
        #expect(exported.stdout.contains(lang == .fr ? "3 jour(s) et 3 adresse(s) d'usage des clés et 2 alerte(s)"
                                                     : "3 day(s) and 3 address(es) of key usage and 2 alert(s)"), "\(exported.stdout)")
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        let dayLine = try #require(lines.firstIndex { $0.contains("\"type\":\"day\"") })
        let copy = try ClockedDaemon()

        // A date that is no day: refused by papaoursctl with its line, nothing sent.
        var bad = lines
        bad[dayLine] = bad[dayLine].replacingOccurrences(of: #""date":"[0-9-]+""#, with: #""date":"2026-13-45""#, options: .regularExpression)
        let badFile = source.daemon.directory + "/bad.jsonl"
        try (bad.joined(separator: "\n") + "\n").write(toFile: badFile, atomically: true, encoding: .utf8)
        let refused = try Ctl(copy.daemon, lang)("import", badFile)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("\(badFile):\(dayLine + 1): ")
                && refused.stderr.contains(lang == .fr ? "date doit être un jour comme 2026-12-01" : "date must be a day such as 2026-12-01"),
                "\(refused.stderr)")

        // A day of a key neither in the file nor in the store: refused by the daemon, named by its line.
        var stray = lines
        stray[dayLine] = stray[dayLine].replacingOccurrences(of: #""key":"k_[a-z0-9]+""#, with: #""key":"k_0000000000000000""#,
                                                             options: .regularExpression)
        try (stray.joined(separator: "\n") + "\n").write(toFile: badFile, atomically: true, encoding: .utf8)
        let unknown = try Ctl(copy.daemon, lang)("--verbose", "import", badFile)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("\(badFile):\(dayLine + 1): ") && unknown.stderr.contains("k_0000000000000000"), "\(unknown.stderr)")
        #expect(try copy.daemon.client.machineList().isEmpty && copy.connect().alerts().isEmpty, "nothing imported")

        // On the wire: the record's number and what is wrong.
        let c = try copy.connect()
        #expect(c.call("IMPORT BEGIN").isOK)
        let line = c.request("IMPORT DAY key=k_0000000000000000 date=2026-12-01 ok=1 denied=0").last ?? ""
        #expect(line.hasPrefix("NO invalid record 1: ") && line.contains("k_0000000000000000"), "\(line)")
        #expect(c.request("IMPORT DAY key=k_0000000000000000 date=2026-02-30").last?.hasPrefix("NO invalid record 1: date ") == true)
        #expect(c.request("IMPORT IP key=k_0000000000000000 address=10.0.0.1 first=2026-12-02T00:00:00Z last=2026-12-01T00:00:00Z")
                .last?.hasPrefix("NO invalid record 1: last ") == true)
        #expect(c.request("IMPORT ALERT seq=1 time=2026-12-01T00:00:00Z kind=boom").last?.hasPrefix("NO invalid record 1: kind ") == true)
        #expect(c.call("IMPORT ABORT").isOK)
    }

    @Test func aScopedExporterSeesOnlyItsOrganisationsUsage() throws {
        let d = try ClockedDaemon(config: ["grant user nobody all organization=Mine"])
        let c = try d.connect()
        var keys: [String: (id: String, secret: String)] = [:]
        for org in ["Mine", "Theirs"] {
            let m = try #require(c.call("MACHINE CREATE \(org.lowercased()) organization=\(org)")["id"])
            let k = c.call("KEY CREATE \(m) label=prod")
            keys[org] = (try #require(k["id"]), try #require(k["secret"]))
            _ = c.call("VERIFY \(k["secret"]!) ip=10.9.9.9")
        }
        try d.move(by: 25 * 3600)
        for org in ["Mine", "Theirs"] { _ = c.call("VERIFY \(keys[org]!.secret) ip=10.8.8.8") }
        #expect(eventually { c.alerts(kind: "new-ip").count == 2 })
        let lines = try runAsUser(uid: 65534, gid: 65534, socket: d.daemon.socketPath, lines: ["EXPORT"])
        let history = lines.filter { $0.hasPrefix("DAY ") || $0.hasPrefix("IP ") || $0.hasPrefix("ALERT ") }
        #expect(history.count == 5, "two days, two addresses, one alert: \(history)")
        #expect(history.allSatisfy { $0.contains(keys["Mine"]!.id) && !$0.contains(keys["Theirs"]!.id) })
        #expect(lines.last?.contains("days=2 addresses=2 alerts=1") == true, "\(lines.last ?? "")")
    }
}
