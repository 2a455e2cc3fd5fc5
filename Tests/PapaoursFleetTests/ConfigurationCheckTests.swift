import PostgresHarness
import Foundation
import Testing

/// `papaoursd --check-config` on the fleet's lines: each error with its line number.
@Suite("fleet configuration check")
struct ConfigurationCheckTests {
    func check(_ lines: [String]) throws -> Run {
        let dir = TemporaryDirectory()
        let path = dir.path + "/papaoursd.conf"
        try ((["socket \(dir.path)/s.sock", "database \(dir.database)"] + lines).joined(separator: "\n") + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return try papaoursd(["--check-config", "--config", path])
    }

    @Test("good lines pass")
    func good() throws {
        let run = try check(["cluster postgresql \"host=/run/postgresql dbname=papaours user=papaours\"", "host-name web-1.eu",
                             "cluster-poll 500ms", "cluster-max-stale 5m"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("configuration OK"))
    }

    @Test("bad lines fail with their line numbers")
    func bad() throws {
        let run = try check(["cluster postgresql \"host=/tmp dbname=x password=hunter2\"", "host-name \"a b\"",
                             "cluster-poll 5", "cluster-max-stale forever"])
        #expect(run.status == 1)
        #expect(run.output.contains("papaoursd.conf:3: cluster: the conninfo holds a password"), "\(run.output)")
        #expect(run.output.contains("papaoursd.conf:4: host-name must be"), "\(run.output)")
        #expect(run.output.contains("papaoursd.conf:5: cluster-poll must be"), "\(run.output)")
        #expect(run.output.contains("papaoursd.conf:6: cluster-max-stale must be"), "\(run.output)")
        #expect(!run.output.contains("hunter2"))
    }

    @Test("a conninfo libpq cannot read is refused")
    func unknownKeyword() throws {
        let run = try check(["cluster postgresql \"host=/tmp colour=blue\""])
        #expect(run.status == 1)
        #expect(run.output.contains("cluster: the conninfo is not valid"), "\(run.output)")
    }
}
