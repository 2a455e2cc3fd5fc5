import PapaoursCore
@testable import PapaoursServer
import Testing

/// papaoursd.conf's fleet lines (protocol.md, "Many hosts: the fleet").
@Suite struct ClusterConfigurationTests {
    func parse(_ text: String) throws(ConfigurationFile.Errors) -> ConfigurationFile.Parsed {
        try ConfigurationFile.parse(text, file: "test.conf")
    }

    /// The errors of `text`, as `line: message`.
    func errors(_ text: String) -> [String] {
        do {
            _ = try parse(text)
            return []
        } catch {
            return error.errors.map { "\($0.line): \($0.message)" }
        }
    }

    @Test func defaults() {
        let c = Configuration()
        #expect(c.cluster == nil && c.hostName == nil && c.clusterPoll == 1000 && c.clusterMaxStale == nil)
        #expect(c.effectiveHostName == ClusterSettings.systemHostName())
        #expect(ClusterSettings.problem(hostName: c.effectiveHostName) == nil)
    }

    @Test func everyLine() throws {
        let parsed = try parse("""
        cluster postgresql "host=/run/postgresql dbname=papaours user=papaours passfile='/etc/papaours/pg pass'"
        host-name web-1.eu-west
        cluster-poll 250ms
        cluster-max-stale 2m
        """)
        let c = parsed.configuration
        #expect(c.cluster == "host=/run/postgresql dbname=papaours user=papaours passfile='/etc/papaours/pg pass'")
        #expect(c.hostName == "web-1.eu-west" && c.effectiveHostName == "web-1.eu-west")
        #expect(c.clusterPoll == 250 && c.clusterMaxStale == 120_000)
        #expect(parsed.warnings.isEmpty)
        #expect(try parse("cluster postgresql postgresql://papaours@db.internal/papaours\ncluster-max-stale off").configuration.clusterMaxStale == nil)
        #expect(try parse("cluster-poll 1s").configuration.clusterPoll == 1000)
        #expect(try parse("cluster-poll 60s\ncluster-max-stale 7d").configuration.clusterMaxStale == 7 * 86_400_000)
    }

    @Test func passwordsAreRefused() {
        for conninfo in ["host=/tmp password=hunter2", "host=/tmp password = 'hunter 2'", "password=x",
                         "postgresql://papaours:hunter2@db/papaours", "postgres://db/papaours?sslmode=require&password=hunter2"] {
            let found = errors("cluster postgresql \"\(conninfo)\"")
            #expect(found.count == 1 && found[0].hasPrefix("1: cluster: the conninfo holds a password"), "\(conninfo): \(found)")
            #expect(!found.joined().contains("hunter"))
        }
        #expect(errors("cluster postgresql \"host=/tmp passfile=/etc/pgpass\"").isEmpty)
        #expect(errors("cluster postgresql \"postgresql://papaours@db/papaours?passfile=/etc/pgpass\"").isEmpty)
    }

    @Test func badLinesWithTheirNumbers() {
        let found = errors("""
        # the fleet
        cluster mysql "host=x"
        cluster postgresql
        cluster postgresql ""
        cluster postgresql "host='unclosed"
        cluster postgresql "host /tmp"
        host-name "web 1"
        host-name ""
        host-name a b
        cluster-poll 1
        cluster-poll 10ms
        cluster-poll 2h
        cluster-poll -1s
        cluster-max-stale 500ms
        cluster-max-stale never
        cluster-max-stale 8d
        """)
        let lines = found.map { $0.prefix { $0 != ":" } }
        #expect(lines == ["2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16"], "\(found)")
        #expect(found[0].contains("cluster takes: cluster postgresql"))
        #expect(found[2].contains("the conninfo is empty"))
        #expect(found[3].contains("not closed"))
        #expect(found[4].contains("not followed by"))
        #expect(found[5].contains("host-name must be"))
        #expect(found[7].contains("takes exactly one value"))
        #expect(found[8].contains("cluster-poll must be a duration from 50ms to 60s"))
        #expect(found[12].contains("cluster-max-stale must be off or a duration"))
    }

    @Test func maxStaleMustExceedThePoll() {
        let found = errors("cluster postgresql \"dbname=x\"\ncluster-poll 5s\ncluster-max-stale 5s")
        #expect(found == ["3: cluster-max-stale (5s) must be longer than cluster-poll (5s), or VERIFY would fail closed between two polls"])
        #expect(errors("cluster postgresql \"dbname=x\"\ncluster-poll 5s\ncluster-max-stale 6s").isEmpty)
    }

    @Test func withoutAClusterLineTheyWarn() throws {
        let parsed = try parse("host-name a\ncluster-poll 2s")
        #expect(parsed.warnings.map(\.line) == [1, 2])
        #expect(parsed.warnings.allSatisfy { $0.message.contains("has no effect without a cluster line") })
    }

    @Test func durations() {
        #expect(ClusterSettings.milliseconds("750ms") == 750)
        #expect(ClusterSettings.milliseconds("3m") == 180_000)
        #expect(ClusterSettings.milliseconds("1h") == 3_600_000 && ClusterSettings.milliseconds("2d") == 172_800_000)
        for bad in ["", "s", "1", "1.5s", "1 s", "-1s", "1S", "9999999999s"] { #expect(ClusterSettings.milliseconds(bad) == nil, "\(bad)") }
        #expect(ClusterSettings.duration(1500) == "1500ms" && ClusterSettings.duration(2000) == "2s" && ClusterSettings.duration(120_000) == "2m")
    }

    @Test func theyNeedARestart() throws {
        let before = Configuration()
        var after = before
        after.cluster = "dbname=x"
        after.clusterPoll = 2000
        let pending = before.restartOnlyChanges(to: after)
        #expect(pending.contains("cluster off → postgresql") && pending.contains("cluster-poll 1s → 2s"))
        #expect(before.reloaded(from: after).cluster == nil)
    }
}
