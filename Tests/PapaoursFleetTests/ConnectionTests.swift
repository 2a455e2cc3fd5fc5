import Foundation
import PapaoursFleet
import PostgresHarness
import Testing

/// The libpq wrapper on a real PostgreSQL: parameters, results, errors, transactions, NOTIFY.
@Suite("PostgreSQL connection")
struct ConnectionTests {
    @Test("text and binary parameters and results")
    func values() throws {
        let db = try PGConnection(conninfo: PostgresCluster.get().createDatabase())
        let bytes: [UInt8] = [0, 1, 0x5C, 0x27, 0xFF, 0x0A]
        let text = try db.exec("SELECT $1::text, $2::bytea, $3::int8, $4::text IS NULL", [.text("é'\\\"x"), .bytes(bytes), .int64(-42), .null])
        #expect(text.text(0, 0) == "é'\\\"x")
        #expect(text.int64(0, 2) == -42)
        #expect(text.text(0, 3) == "t")
        let binary = try db.exec("SELECT $1::bytea, $2::int8, 7::int4, NULL::int8", [.bytes(bytes), .int64(Int64.min)], binary: true)
        #expect(binary.bytes(0, 0) == bytes)
        #expect(binary.int64(0, 1) == Int64.min)
        #expect(binary.int64(0, 2) == 7)
        #expect(binary.int64(0, 3) == nil && binary.isNull(0, 3))
    }

    @Test("COPY takes text with tabs, newlines and backslashes, bytes and NULLs as they are")
    func copy() throws {
        let db = try PGConnection(conninfo: PostgresCluster.get().createDatabase())
        try db.exec("CREATE TABLE t (a text, b bytea, c bigint)")
        let rows: [[PGValue]] = [[.text("a\tb\nc\\d\r"), .bytes([0, 9, 10, 92]), .int64(1)], [.null, .bytes([]), .null]]
        #expect(try db.copy(into: "t (a, b, c)", rows: rows) == 2)
        let back = try db.exec("SELECT a, b, c FROM t ORDER BY c NULLS LAST", [], binary: true)
        #expect(back.text(0, 0) == "a\tb\nc\\d\r" && back.bytes(0, 1) == [0, 9, 10, 92] && back.int64(0, 2) == 1)
        #expect(back.isNull(1, 0) && back.bytes(1, 1) == [] && back.isNull(1, 2))
    }

    @Test("a failed statement is a typed error with its SQLSTATE; the connection stays usable")
    func errors() throws {
        let db = try PGConnection(conninfo: PostgresCluster.get().createDatabase())
        do {
            try db.exec("CREATE SCHEMA s; CREATE SCHEMA s")
            Issue.record("a duplicate schema was accepted")
        } catch {
            #expect(error.sqlState == PGError.duplicateSchema)
            #expect(!error.connectionLost)
        }
        #expect(try db.exec("SELECT 1").text(0, 0) == "1")
        #expect(throws: PGError.self) { try PGConnection(conninfo: "host=/nonexistent dbname=x") }
        #expect(throws: PGError.self) { try PGConnection(conninfo: "host=/tmp dbname=x password=secret") }
        #expect(PGConnection.problem(conninfo: "postgresql://u:secret@localhost/db") != nil)
        #expect(PGConnection.problem(conninfo: "nonsense") != nil)
        #expect(PGConnection.problem(conninfo: "host=/run/postgresql dbname=papaours passfile=/etc/papaours/pgpass") == nil)
    }

    @Test("a transaction dropped or rolled back leaves nothing; one committed stays; REPEATABLE READ sees one snapshot")
    func transactions() throws {
        let conninfo = try PostgresCluster.get().createDatabase()
        let db = try PGConnection(conninfo: conninfo)
        try db.exec("CREATE TABLE t (n int)")
        do {
            let txn = try PGTransaction(on: db)
            try txn.exec("INSERT INTO t VALUES (1)")
        }
        let rolled = try PGTransaction(on: db)
        try rolled.exec("INSERT INTO t VALUES (2)")
        rolled.rollback()
        let kept = try PGTransaction(on: db)
        try kept.exec("INSERT INTO t VALUES (3)")
        try kept.commit()
        #expect(try db.exec("SELECT string_agg(n::text, ',') FROM t").text(0, 0) == "3")

        let failed = try PGTransaction(on: db)
        #expect(throws: PGError.self) { try failed.exec("INSERT INTO t VALUES ('x')") }
        do {
            try failed.commit()
            Issue.record("a transaction with a failed statement committed")
        } catch {
            #expect(error.message.contains("rolled back"))
        }

        let other = try PGConnection(conninfo: conninfo)
        let snapshot = try PGTransaction(on: db, .repeatableRead, readOnly: true)
        #expect(try snapshot.exec("SELECT count(*) FROM t").text(0, 0) == "1")
        try other.exec("INSERT INTO t VALUES (4)")
        #expect(try snapshot.exec("SELECT count(*) FROM t").text(0, 0) == "1")
        try snapshot.commit()
        #expect(try db.exec("SELECT count(*) FROM t").text(0, 0) == "2")
    }

    @Test("LISTEN: notifications arrive on the socket and are drained")
    func notifications() throws {
        let conninfo = try PostgresCluster.get().createDatabase()
        let listener = try PGConnection(conninfo: conninfo)
        try listener.listen(FleetSchema.channel)
        #expect(try listener.notifications().isEmpty)
        let writer = try PGConnection(conninfo: conninfo)
        try writer.exec("SELECT pg_notify($1, '41'), pg_notify($1, '42')", [.text(FleetSchema.channel)])
        var fds = [pollfd(fd: listener.socket, events: Int16(POLLIN), revents: 0)]
        #expect(poll(&fds, 1, 5000) == 1)
        var received: [PGConnection.Notification] = []
        let deadline = Date().addingTimeInterval(5)
        while received.count < 2 && Date() < deadline {
            received += try listener.notifications()
            if received.count < 2 { usleep(5000) }
        }
        #expect(received.map(\.payload) == ["41", "42"])
        #expect(received.allSatisfy { $0.channel == FleetSchema.channel })
    }
}
