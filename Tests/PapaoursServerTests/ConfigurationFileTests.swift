import PapaoursCore
@testable import PapaoursServer
import Testing

@Suite struct ConfigurationFileTests {
    func parse(_ text: String) throws(ConfigurationFile.Errors) -> ConfigurationFile.Parsed {
        try ConfigurationFile.parse(text, file: "test.conf")
    }

    @Test func everyDirective() throws {
        let parsed = try parse("""
        # comment
        socket "/run/my dir/p.sock"   # trailing comment
        socket-mode 0600
        database /srv/papaours
        grant user root machines.read,audit.read
        grant group root keys.verify
        grant user 4242 all
        max-connections 10
        line-timeout 3
        idle-timeout 60
        output-limit 70000
        usage-flush-interval 2
        backup-stall-timeout 5
        page-walk-at-open-limit 0
        threads 3
        log-level debug
        """)
        let c = parsed.configuration
        #expect(c.socketPath == "/run/my dir/p.sock")
        #expect(c.socketMode == 0o600)
        #expect(c.databasePath == "/srv/papaours")
        #expect(c.grants.users[0]?.map(\.permissions) == [[.machinesRead, .auditRead]])
        #expect(c.grants.groups[0]?.map(\.permissions) == [.keysVerify])
        #expect(c.grants.users[4242]?.map(\.permissions) == [.all])
        #expect(c.maxConnections == 10 && c.lineTimeout == 3 && c.idleTimeout == 60)
        #expect(c.outputLimit == 70000 && c.usageFlushInterval == 2 && c.threads == 3 && c.logLevel == .debug)
        #expect(c.backupStallTimeout == 5 && Configuration().backupStallTimeout == 30)
        #expect(c.pageWalkAtOpenLimit == 0 && Configuration().pageWalkAtOpenLimit == 64 << 20)
        #expect(parsed.warnings.isEmpty)
    }

    @Test func everyErrorIsReportedWithItsLine() {
        let text = "socket\nfrobnicate 1\nmax-connections lots\ngrant user root fly\nsocket-mode 999\nsocket \"open\n"
        do {
            _ = try parse(text)
            Issue.record("errors expected")
        } catch {
            #expect(error.errors.map(\.line) == [1, 2, 3, 4, 5, 6])
            #expect(error.errors[1].description == "test.conf:2: unknown directive \"frobnicate\"")
            #expect(error.errors[2].message.contains("whole number"))
            #expect(error.errors[3].message.contains("unknown permission fly"))
        }
    }

    /// Issue 17, item 7: the stall deadline is bounded, so that no backup waits forever or is cut at once.
    @Test func backupStallTimeoutIsBounded() {
        let cases = [
            ("0", "must be a whole number from 1 to 3600, got \"0\""),
            ("3601", "must be a whole number from 1 to 3600, got \"3601\""),
            ("soon", "must be a whole number from 1 to 3600, got \"soon\""),
            ("2 3", "takes exactly one value, got 2"),
            ("", "takes exactly one value, got 0"),
        ]
        for (value, message) in cases {
            do {
                _ = try parse("# a backup into a pipe nobody reads\nbackup-stall-timeout \(value)\n")
                Issue.record("\(value) accepted")
            } catch {
                #expect(error.errors.map(\.description) == ["test.conf:2: backup-stall-timeout \(message)"])
            }
        }
    }

    @Test func unknownNamesAreWarningsNotErrors() throws {
        let parsed = try parse("grant group no-such-group-here machines.read\n")
        #expect(parsed.warnings.count == 1)
        #expect(parsed.warnings[0].line == 1)
        #expect(parsed.configuration.grants.groups.isEmpty)
    }

    /// Issue 17, item 11: as Characters, CR LF is one, so a Windows file was a single line.
    @Test func aWindowsFileIsReadLineByLine() throws {
        let parsed = try parse("socket /run/x/p.sock\r\ndatabase /srv/db\r\nmax-connections 7\r\n")
        #expect(parsed.configuration.socketPath == "/run/x/p.sock")
        #expect(parsed.configuration.databasePath == "/srv/db")
        #expect(parsed.configuration.maxConnections == 7)
    }

    @Test func aControlCharacterInALineIsAnError() {
        for text in ["database /srv/d\rb\n", "database \"/srv/d\rb\"\n", "socket /run/a\u{1B}b\n"] {
            #expect(throws: ConfigurationFile.Errors.self, "\(text.debugDescription)") { try parse(text) }
        }
        #expect((try? parse("database\t/srv/db\n"))?.configuration.databasePath == "/srv/db", "a tab separates")
    }

    /// Issue 17, item 12: what --check-config accepts, the start accepts, and it means something.
    @Test func whatWouldFailTheStartOrGrantNothingIsAnError() {
        for text in ["socket-group no-such-group-here\n", "grant user root ,,,\n", "grant user root machines.read,\n",
                     "grant user root ,machines.read\n", "grant user root machines.read,,audit.read\n"] {
            #expect(throws: ConfigurationFile.Errors.self, "\(text.debugDescription)") { try parse(text) }
        }
        #expect((try? parse("grant user root machines.read audit.read\n")) != nil)
    }

    @Test func aReloadSaysWhichSettingsNeedARestart() throws {
        let running = try parse("socket /run/a.sock\nthreads 2\nmax-connections 5\n").configuration
        let next = try parse("socket /run/b.sock\nthreads 4\nmax-connections 9\nsocket-mode 0600\n").configuration
        #expect(running.restartOnlyChanges(to: next) == ["socket /run/a.sock → /run/b.sock", "socket-mode 0660 → 0600", "threads 2 → 4"])
        let applied = running.reloaded(from: next)
        #expect(applied.socketPath == "/run/a.sock" && applied.threads == 2 && applied.socketMode == 0o660)
        #expect(applied.maxConnections == 9, "the others apply at once")
        #expect(running.restartOnlyChanges(to: running.reloaded(from: next)).isEmpty)
    }

    /// Issue 17, item 4: idle connections do not hold their slot forever, and limits fit together.
    @Test func connectionLimits() throws {
        #expect(Configuration().idleTimeout == 300)
        #expect(Configuration().maxConnectionsPerUser == 128 && Configuration().reserve == 16)
        let small = try parse("max-connections 2\n").configuration
        #expect(small.reserve == 0, "an eighth of a small limit")
        let set = try parse("max-connections 10\nmax-connections-per-user 3\nreserved-connections 4\n").configuration
        #expect(set.maxConnectionsPerUser == 3 && set.reserve == 4)
        #expect(throws: ConfigurationFile.Errors.self) { try parse("max-connections 10\nreserved-connections 10\n") }
        let (fitted, why) = DescriptorBudget.fit(set, limit: 70, loops: 1)
        #expect(fitted.maxConnections == 4 && fitted.reserve == 3 && why?.contains("RLIMIT_NOFILE") == true)
        #expect(DescriptorBudget.fit(set, limit: 4096, loops: 8).1 == nil)
    }

    @Test func grantsAddUpAndRootHoldsAll() {
        var grants = Grants()
        grants.grant(user: 1000, .machinesRead)
        grants.grant(group: 50, .keysVerify)
        let peer = PeerCredentials(uid: 1000, gid: 100, pid: 1, groups: [50], user: "alice")
        #expect(grants.permissions(for: peer) == [.machinesRead, .keysVerify])
        #expect(grants.permissions(for: PeerCredentials(uid: 0, gid: 0, pid: 1, groups: [], user: "root")) == .all)
        #expect(grants.permissions(for: PeerCredentials(uid: 7, gid: 7, pid: 1, groups: [], user: "x")).isEmpty)
    }
}
