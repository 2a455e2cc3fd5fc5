#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL for the fleet's part: initdb and pg_ctl from /usr/lib/postgresql/*/bin,
/// run as nobody when the bench runs as root (initdb refuses root), listening on a Unix socket
/// in its own directory only, with durable commits (fsync on: the numbers are a real fleet's).
struct BenchPostgres {
    let directory: String
    let binaries: String
    static let user = "papaours"

    /// The newest installed server's binaries, nil when there is none.
    static func findBinaries() -> String? {
        let root = "/usr/lib/postgresql"
        guard let dir = opendir(root) else { return nil }
        defer { closedir(dir) }
        var versions: [Int] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let v = Int(name), access("\(root)/\(name)/bin/initdb", X_OK) == 0 { versions.append(v) }
        }
        return versions.max().map { "\(root)/\($0)/bin" }
    }

    init(directory: String, binaries: String) throws {
        self.directory = directory
        self.binaries = binaries
        guard mkdir(directory, 0o700) == 0 else { throw BenchError("cannot make \(directory): \(errorText())") }
        if geteuid() == 0 { _ = chown(directory, 65534, 65534) }
        try run("initdb", ["-D", directory + "/data", "-A", "trust", "-U", BenchPostgres.user, "-E", "UTF8", "--no-locale"])
        try run("pg_ctl", ["-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60",
                           "-o", "-c listen_addresses='' -k \(directory) -c max_connections=50", "start"])
        try run("createdb", ["-h", directory, "-U", BenchPostgres.user, "papaours"])
    }

    var conninfo: String { "host=\(directory) dbname=papaours user=\(BenchPostgres.user)" }

    func stop() { _ = try? run("pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"]) }

    /// Runs one of the server's programs to its end, as nobody when we are root.
    private func run(_ program: String, _ arguments: [String]) throws {
        let path = binaries + "/" + program
        let (executable, argv) = geteuid() == 0
            ? ("/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", path] + arguments)
            : (path, arguments)
        let child = try Child(name: program, executable: executable, arguments: argv, logPath: directory + "/\(program).log")
        while child.isRunning { Clock.sleep(seconds: 0.02) }
        guard child.exitStatus == 0 else { throw BenchError("\(program) failed:\n\(child.logTail())") }
    }
}
