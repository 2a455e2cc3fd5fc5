import Foundation
import PapaoursCore
import PapaoursFleet
import PostgresHarness
import PapaoursStore
import Testing

/// `papaoursd --cluster-init` against a real PostgreSQL.
@Suite("cluster-init", .serialized)
struct ClusterInitTests {
    /// A host: its local store and a papaoursd.conf with a cluster line for `conninfo`.
    final class Host {
        let directory = TemporaryDirectory()
        let config: String

        init(conninfo: String, name: String = "host-a") throws {
            config = directory.path + "/papaoursd.conf"
            let lines = ["socket \(directory.path)/papaoursd.sock", "database \(directory.database)",
                         "cluster postgresql \"\(conninfo)\"", "host-name \(name)"]
            try (lines.joined(separator: "\n") + "\n").write(toFile: config, atomically: true, encoding: .utf8)
        }

        func populate(machines: Int, keysEach: Int) throws {
            let store = try Store(directory: directory.database)
            defer { store.close() }
            try store.populate(machines: machines, keysEach: keysEach)
        }

        func clusterInit() throws -> Run { try papaoursd(["--cluster-init", "--config", config]) }
    }

    @Test("the schema is made at its version and every record, event and the change sequence are copied")
    func copiesEverything() throws {
        let pg = try PostgresCluster.get()
        let conninfo = try pg.createDatabase()
        let host = try Host(conninfo: conninfo)
        try host.populate(machines: 24, keysEach: 3)
        let run = try host.clusterInit()
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("24 machine(s), 72 key(s), 2 role(s), 1 group(s)"), "\(run.output)")

        let db = try PGConnection(conninfo: conninfo)
        let schema = try FleetSchema()
        guard case .fleet(let id, let version) = try schema.state(on: db) else {
            Issue.record("no fleet after cluster-init")
            return
        }
        #expect(version == FleetSchema.version)
        #expect(run.output.contains(id))
        let tables = try db.exec("SELECT table_name FROM information_schema.tables WHERE table_schema = 'papaours' ORDER BY 1")
        #expect((0..<tables.rows).map { tables.text($0, 0) } == FleetSchema.tables.sorted())

        let store = try Store(directory: host.directory.database)
        defer { store.close() }
        try store.read { snapshot in
            // The change sequence: the fleet starts where the host is.
            let counter = try db.exec("SELECT seq FROM papaours.counter")
            #expect(counter.int64(0, 0) == Int64(try snapshot.changeSequence()))
            #expect(try snapshot.changeSequence() > 0)
            let meta = try db.exec("SELECT kept_after, created_by FROM papaours.meta")
            #expect(meta.int64(0, 0) == Int64(try snapshot.changeSequence()))
            #expect(meta.text(0, 1) == "host-a")

            let machines = try db.exec("SELECT id, name_key, active, record FROM papaours.machines ORDER BY id", [], binary: true)
            let copied = try (0..<machines.rows).map { try StoredRecord.machine(machines.bytes($0, 3)) }
            let local = try snapshot.allMachines()
            #expect(copied == local)
            #expect(local.count == 24)
            #expect((0..<machines.rows).map { machines.text($0, 1) } == local.map { Validation.nameFoldKey($0.name) })
            #expect(local.contains { $0.status == .inactive } && local.contains { !$0.rights.isEmpty })

            let keys = try db.exec("""
                SELECT k.id, k.hash, k.record, coalesce(u.uses, 0), extract(epoch FROM u.last_used)::bigint, coalesce(u.last_ip, '')
                FROM papaours.keys k LEFT JOIN papaours.usage u ON u.key = k.id ORDER BY k.id
                """, [], binary: true)
            let copiedKeys = try (0..<keys.rows).map { row in
                let usage = KeyUsage(uses: UInt64(keys.int64(row, 3) ?? 0), lastUsed: keys.int64(row, 4).map(Timestamp.init(seconds:)),
                                     lastIP: keys.text(row, 5))
                return try StoredRecord.key(keys.bytes(row, 2), hash: SecretHash(stored: keys.bytes(row, 1))!, usage: usage)
            }
            let localKeys = try local.flatMap { try snapshot.keys(machine: $0.id) }.sorted { $0.id < $1.id }
            #expect(copiedKeys == localKeys)
            #expect(localKeys.count == 72 && localKeys.contains { $0.uses > 0 } && localKeys.contains { $0.expires != nil })

            let roles = try db.exec("SELECT record FROM papaours.roles ORDER BY name", [], binary: true)
            #expect(try (0..<roles.rows).map { try StoredRecord.role(roles.bytes($0, 0)) } == snapshot.allRoles().sorted { $0.name < $1.name })
            let groups = try db.exec("SELECT record FROM papaours.groups ORDER BY name", [], binary: true)
            #expect(try (0..<groups.rows).map { try StoredRecord.group(groups.bytes($0, 0)) } == snapshot.allGroups())

            let audit = try db.exec("SELECT seq, event, host FROM papaours.audit ORDER BY seq", [], binary: true)
            let events = try (0..<audit.rows).map { try StoredRecord.event(audit.bytes($0, 1), seq: UInt64(audit.int64($0, 0)!)) }
            let journal = try snapshot.auditEvents(.after(0), machine: nil, limit: 1_000_000)
            #expect(events == journal)
            #expect(journal.count == 3 + 24 + 72 + 1 + 1)
            #expect((0..<audit.rows).allSatisfy { audit.text($0, 2) == "host-a" })
            let changes = try db.exec("SELECT count(*) FROM papaours.changes")
            #expect(changes.int64(0, 0) == 0)
        }
    }

    /// Every object of the schema and a digest of every table's rows.
    static func fingerprint(_ db: PGConnection) throws -> [String] {
        let objects = try db.exec("""
            SELECT c.relname::text || ':' || c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'papaours' ORDER BY 1
            """)
        var print = (0..<objects.rows).map { objects.text($0, 0) }
        print.append("namespaces:" + (try db.exec("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'papaours%'")).text(0, 0))
        for table in FleetSchema.tables {
            let rows = try db.exec("SELECT count(*) || ' ' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM papaours.\(table) t")
            print.append(table + ":" + rows.text(0, 0))
        }
        return print
    }

    @Test("a second --cluster-init on the same database exits 1, says why and changes nothing")
    func refusesAnExistingFleet() throws {
        let pg = try PostgresCluster.get()
        let conninfo = try pg.createDatabase()
        let first = try Host(conninfo: conninfo)
        try first.populate(machines: 3, keysEach: 1)
        #expect(try first.clusterInit().status == 0)
        let db = try PGConnection(conninfo: conninfo)
        let before = try Self.fingerprint(db)
        #expect(before.count > FleetSchema.tables.count + 1)

        // The same host again, with more in its store, and another host.
        do {
            let store = try Store(directory: first.directory.database)
            defer { store.close() }
            try store.write { try Decisions.createMachine(MachineDraft(name: "later"), by: tester, at: .now(), reading: $0) }
        }
        let again = try first.clusterInit()
        #expect(again.status == 1)
        #expect(again.output.contains("already holds a fleet") && again.output.contains("nothing changed"), "\(again.output)")
        let second = try Host(conninfo: conninfo, name: "host-b")
        try second.populate(machines: 1, keysEach: 1)
        let other = try second.clusterInit()
        #expect(other.status == 1, "\(other.output)")
        #expect(try Self.fingerprint(db) == before)
    }

    @Test("a schema named papaours that holds no fleet is refused and left alone")
    func refusesAForeignSchema() throws {
        let pg = try PostgresCluster.get()
        let conninfo = try pg.createDatabase()
        let db = try PGConnection(conninfo: conninfo)
        try db.exec("CREATE SCHEMA papaours; CREATE TABLE papaours.mine (x int); INSERT INTO papaours.mine VALUES (1)")
        let host = try Host(conninfo: conninfo)
        try host.populate(machines: 1, keysEach: 1)
        let run = try host.clusterInit()
        #expect(run.status == 1)
        #expect(run.output.contains("holds no fleet"), "\(run.output)")
        let objects = try db.exec("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'papaours'")
        #expect(objects.text(0, 0) == "1")
    }

    @Test("an unreachable PostgreSQL, a store in use, no cluster line: exit 1, nothing created")
    func refusals() throws {
        let pg = try PostgresCluster.get()
        let nowhere = try Host(conninfo: "host=/nonexistent dbname=x")
        try nowhere.populate(machines: 1, keysEach: 0)
        let run = try nowhere.clusterInit()
        #expect(run.status == 1 && run.output.contains("cannot connect to PostgreSQL"), "\(run.output)")

        let conninfo = try pg.createDatabase()
        let host = try Host(conninfo: conninfo)
        try host.populate(machines: 1, keysEach: 0)
        let held = try Store(directory: host.directory.database)
        let busy = try host.clusterInit()
        held.close()
        #expect(busy.status == 1 && busy.output.contains("in use by another papaoursd"), "\(busy.output)")
        let db = try PGConnection(conninfo: conninfo)
        #expect(try FleetSchema().state(on: db) == .absent)

        let bare = TemporaryDirectory()
        try "database \(bare.database)\n".write(toFile: bare.path + "/c.conf", atomically: true, encoding: .utf8)
        let noCluster = try papaoursd(["--cluster-init", "--config", bare.path + "/c.conf"])
        #expect(noCluster.status == 1 && noCluster.output.contains("needs a cluster line"), "\(noCluster.output)")
    }

    @Test("timing: PostgreSQL's start, and --cluster-init of 10,000 keys")
    func timing() throws {
        let pg = try PostgresCluster.get()
        let conninfo = try pg.createDatabase()
        let host = try Host(conninfo: conninfo)
        try host.populate(machines: 5000, keysEach: 2)
        let started = Date()
        let run = try host.clusterInit()
        let seconds = Date().timeIntervalSince(started)
        #expect(run.status == 0, "\(run.output)")
        print("fleet timing: PostgreSQL initdb + start \(String(format: "%.2f", pg.startSeconds)) s; "
              + "--cluster-init of 5000 machines, 10000 keys, 10005 events \(String(format: "%.2f", seconds)) s")
        let db = try PGConnection(conninfo: conninfo)
        #expect(try db.exec("SELECT count(*) FROM papaours.keys").text(0, 0) == "10000")
    }
}
