#if canImport(Glibc)
import Glibc
#endif

/// The fleet's propagation (issue 12): two hosts on one PostgreSQL; each trial creates a key on
/// host A, waits until host B accepts it, deactivates it on A and times, from the `OK` of that
/// deactivation, how long until B first refuses the key (B is asked again and again).
struct PropagationScenario {
    static let trials = 500

    struct Result {
        /// Milliseconds from A's OK to B's first refusal, one per trial.
        var delays: [Double] = []
        var postgresVersion = ""
    }

    let directory: String

    func run() throws -> Result {
        guard let binaries = BenchPostgres.findBinaries() else {
            throw BenchError("no PostgreSQL server (/usr/lib/postgresql/*/bin/initdb): make bench installs postgresql")
        }
        // PostgreSQL runs as nobody: the way down to its directory must let it through (not list).
        guard mkdir(directory, 0o711) == 0 else { throw BenchError("cannot make \(directory): \(errorText())") }
        if let slash = directory.lastIndex(of: "/") { _ = chmod(String(directory[..<slash]), 0o711) }
        let postgres = try BenchPostgres(directory: directory + "/pg", binaries: binaries)
        defer { postgres.stop() }
        let hosts = try ["a", "b"].map { try host($0, conninfo: postgres.conninfo) }
        let initialised = try Child(name: "cluster-init", executable: Launcher.daemonExecutable,
                                    arguments: ["--cluster-init", "--config", hosts[0].config], logPath: directory + "/cluster-init.log")
        while initialised.isRunning { Clock.sleep(seconds: 0.02) }
        guard initialised.exitStatus == 0 else { throw BenchError("--cluster-init failed:\n\(initialised.logTail())") }
        var daemons: [Child] = []
        defer { for daemon in daemons { daemon.stop() } }
        for h in hosts {
            let daemon = try Child(name: "papaoursd-\(h.name)", executable: Launcher.daemonExecutable, arguments: ["--config", h.config],
                                   logPath: h.directory + "/papaoursd.log")
            daemons.append(daemon)
            try waitForSocket(h.socket, daemon)
        }
        let a = try BlockingIO.connect(hosts[0].socket), b = try BlockingIO.connect(hosts[1].socket)
        defer { close(a); close(b) }
        guard try BlockingIO.request(a, "MACHINE CREATE propagation").hasPrefix("OK") else { throw BenchError("MACHINE CREATE refused on host a") }
        var result = Result()
        result.postgresVersion = String(binaries.split(separator: "/").dropLast().last ?? "")
        for trial in 0..<PropagationScenario.trials {
            let created = try BlockingIO.request(a, "KEY CREATE propagation label=t\(trial)")
            guard let secret = attribute("secret", in: created), let id = attribute("id", in: created) else {
                throw BenchError("KEY CREATE refused on host a: \(created)")
            }
            try waitUntil(b, "VERIFY \(secret)") { $0.hasPrefix("OK") }
            let edited = try BlockingIO.request(a, "KEY EDIT \(id) status=inactive")
            let acknowledged = Clock.now()
            guard edited.hasPrefix("OK") else { throw BenchError("KEY EDIT refused on host a: \(edited)") }
            try waitUntil(b, "VERIFY \(secret)") { $0.hasPrefix("NO inactive-key") }
            result.delays.append(Double(Clock.now() - acknowledged) / 1e6)
            // The key goes: the store stays the size of one machine with a few keys.
            _ = try BlockingIO.request(a, "KEY EDIT \(id) label=done")
        }
        return result
    }

    private struct Host {
        let name, directory, socket, config: String
    }

    private func host(_ name: String, conninfo: String) throws -> Host {
        let dir = directory + "/host-" + name
        guard mkdir(dir, 0o700) == 0 else { throw BenchError("cannot make \(dir): \(errorText())") }
        let h = Host(name: name, directory: dir, socket: dir + "/papaoursd.sock", config: dir + "/papaoursd.conf")
        var config = """
        socket "\(h.socket)"
        socket-mode 0600
        database "\(dir)/db"
        log-level warning
        cluster postgresql "\(conninfo)"
        host-name \(name)

        """
        if getuid() != 0 { config += "grant user \(getuid()) all\n" }
        try Launcher.writeFile(h.config, config)
        return h
    }

    /// Sends `line` until the reply satisfies `done`, for at most 10 s.
    private func waitUntil(_ fd: Int32, _ line: String, _ done: (String) -> Bool) throws {
        let deadline = Clock.now() + 10_000_000_000
        while true {
            let reply = try BlockingIO.request(fd, line)
            if done(reply) { return }
            guard Clock.now() < deadline else { throw BenchError("host b still answers \(reply) after 10 s") }
        }
    }

    private func waitForSocket(_ path: String, _ daemon: Child) throws {
        let deadline = Clock.now() + 60_000_000_000
        while Clock.now() < deadline {
            if let fd = try? BlockingIO.connect(path) {
                defer { close(fd) }
                if (try? BlockingIO.request(fd, "PING")) == "OK" { return }
            }
            guard daemon.isRunning else { throw BenchError("\(daemon.name) exited:\n\(daemon.logTail())") }
            Clock.sleep(seconds: 0.05)
        }
        throw BenchError("\(daemon.name) did not answer within 60 s")
    }

    private func attribute(_ name: String, in line: String) -> String? {
        for word in line.split(separator: " ") where word.hasPrefix(name + "=") { return String(word.dropFirst(name.count + 1)) }
        return nil
    }
}
