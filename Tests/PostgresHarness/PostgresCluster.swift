import Foundation
import PapaoursFleet

/// A throwaway PostgreSQL for the tests: `initdb` and `pg_ctl` from /usr/lib/postgresql/*/bin,
/// run as nobody when the tests run as root (initdb refuses root), in a fresh directory of its
/// own, listening on a Unix socket in that directory only (no TCP). One cluster serves the
/// whole test process (`shared`), each test taking a database of its own; it is stopped and
/// its directory removed when the process exits.
public final class PostgresCluster: @unchecked Sendable {
    public let directory: String
    public let binaries: String
    public let user = "papaours"
    /// Seconds initdb and the start took.
    public let startSeconds: Double
    private let counter = NSLock()
    private var databases = 0

    nonisolated(unsafe) private static var running: PostgresCluster?

    static let shared: Result<PostgresCluster, any Error> = {
        Result {
            let cluster = try PostgresCluster()
            running = cluster
            atexit { PostgresCluster.running?.stop() }
            return cluster
        }
    }()

    /// The shared cluster, or the reason it could not start (recorded as the test's failure).
    public static func get() throws -> PostgresCluster { try shared.get() }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A cluster of its own, for a test that stops and starts it (`stop`, `pause`, `resume`).
    public init() throws {
        let started = Date()
        guard let bin = PostgresCluster.findBinaries() else {
            throw Failure(description: "no PostgreSQL server: /usr/lib/postgresql/*/bin/initdb is missing (make test installs postgresql)")
        }
        binaries = bin
        var template = Array("/tmp/papaours-pg-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Failure(description: "mkdtemp failed")
        }
        let directory = String(cString: made)
        self.directory = directory
        if geteuid() == 0 {
            guard chown(directory, PostgresCluster.nobody.uid, PostgresCluster.nobody.gid) == 0 else {
                throw Failure(description: "cannot give \(directory) to nobody")
            }
        }
        chmod(directory, 0o700)
        try PostgresCluster.run(bin + "/initdb", in: directory, ["-D", directory + "/data", "-A", "trust", "-U", user, "-E", "UTF8", "--no-locale", "--no-sync"])
        try PostgresCluster.run(bin + "/pg_ctl", in: directory, ["-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "30", "-o",
                                       PostgresCluster.serverOptions(directory), "start"])
        startSeconds = Date().timeIntervalSince(started)
        // Should this process be killed before its atexit runs, a watcher stops the server and
        // removes its directory within a second or so, rather than leave them behind.
        let asNobody = geteuid() == 0 ? "/usr/bin/setpriv --reuid=nobody --regid=nogroup --clear-groups " : ""
        spawnDetached(["/usr/bin/setsid", "/bin/sh", "-c", "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; "
                       + "\(asNobody)\(bin)/pg_ctl -D \(directory)/data -m immediate -w stop; rm -rf \(directory)"])
    }

    /// A new, empty database; its conninfo.
    public func createDatabase() throws -> String {
        counter.lock()
        databases += 1
        let name = "test_\(databases)"
        counter.unlock()
        let admin = try PGConnection(conninfo: conninfo(database: "postgres"))
        try admin.exec("CREATE DATABASE \(name)")
        return conninfo(database: name)
    }

    public func conninfo(database: String) -> String { "host=\(directory) dbname=\(database) user=\(user)" }

    /// Stops the server (a fast shutdown), keeping its data for `resume`.
    public func pause() throws {
        try PostgresCluster.run(binaries + "/pg_ctl", in: directory, ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
    }

    /// Kills the server at once (SIGKILL of the postmaster), as a crash would.
    public func kill() throws {
        let pid = (try String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8)).split(separator: "\n").first.flatMap { Int32($0) }
        guard let pid else { throw Failure(description: "no postmaster.pid") }
        Glibc.kill(pid, SIGKILL)
        // The children notice their postmaster gone and exit; wait for the socket to go quiet.
        for _ in 0..<100 where Glibc.kill(pid, 0) == 0 { usleep(20_000) }
    }

    /// Starts the server again on the same data and socket.
    public func resume() throws {
        try PostgresCluster.run(binaries + "/pg_ctl", in: directory, ["-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "30", "-o",
                                       PostgresCluster.serverOptions(directory), "start"])
    }

    public func stop() {
        _ = try? PostgresCluster.run(binaries + "/pg_ctl", in: directory, ["-D", directory + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Unix socket in the cluster's directory only. No fsync (the machine does not crash under
    /// the tests), but each COMMIT's WAL is written before it returns: a SIGKILL of the server
    /// (`kill`) must not lose a commit papaoursd acknowledged.
    private static func serverOptions(_ directory: String) -> String {
        "-c listen_addresses='' -k \(directory) -c fsync=off -c full_page_writes=off -c max_connections=100"
    }

    public var serverLog: String { (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? "" }

    private static var nobody: (uid: uid_t, gid: gid_t) {
        (getpwnam("nobody")?.pointee.pw_uid ?? 65534, getgrnam("nogroup")?.pointee.gr_gid ?? 65534)
    }

    /// Runs a PostgreSQL program, as nobody when we are root.
    private static func run(_ program: String, in directory: String, _ arguments: [String]) throws {
        let argv = geteuid() == 0 ? ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", program] + arguments
                                  : [program] + arguments
        let run = try spawn(argv, in: directory)
        guard run.status == 0 else {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            throw Failure(description: "\((program as NSString).lastPathComponent) failed (\(run.status)):\n\(run.output)\n\(log)")
        }
    }

    private static func findBinaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        return versions.reversed().map { "\(root)/\($0)/bin" }.first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
    }
}
