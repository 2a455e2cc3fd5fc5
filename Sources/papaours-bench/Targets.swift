import CPapaoursSystem
#if canImport(Glibc)
import Glibc
#endif

/// The three servers the same load generator drives, each a separate process.
enum TargetKind: String, CaseIterable {
    case papaoursd, redis, floor
    /// papaoursd asked `VERIFY <secret> require=bench:read`: the cost of checking rights.
    case require = "papaoursd require="
}

/// Where the bench keeps its files and how it starts its servers.
struct Launcher {
    let directory: String
    let databasePath: String
    let daemonSocket: String
    let redisSocket: String
    let floorSocket: String
    let notify: NotifySocket
    let configPath: String
    /// What papaoursd.conf holds at first (HistoryScenario appends to it).
    let configText: String

    init(directory: String) throws {
        self.directory = directory
        databasePath = directory + "/db"
        daemonSocket = directory + "/papaoursd.sock"
        redisSocket = directory + "/redis.sock"
        floorSocket = directory + "/floor.sock"
        configPath = directory + "/papaoursd.conf"
        notify = try NotifySocket(path: directory + "/notify.sock")
        var config = """
        # Written by papaours-bench.
        socket "\(daemonSocket)"
        socket-mode 0600
        http-socket "\(directory)/http.sock"
        database "\(databasePath)"
        log-level warning

        """
        if getuid() != 0 { config += "grant user \(getuid()) all\n" }
        configText = config
        try Launcher.writeFile(configPath, config)
    }

    static func writeFile(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BenchError("cannot write \(path): \(errorText())") }
        defer { close(fd) }
        try BlockingIO.writeAll(fd, Array(text.utf8))
    }

    /// The directory this executable is in: papaoursd is built next to it.
    static var ownDirectory: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return "." }
        let path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    static var ownExecutable: String { ownDirectory + "/papaours-bench" }
    static var daemonExecutable: String { ownDirectory + "/papaoursd" }

    /// The event loops papaoursd runs by default: one per CPU.
    static var cpuCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Starts papaoursd and returns once READY=1 arrived, with the seconds that took.
    func startDaemon() throws -> (Child, Double) {
        guard access(Launcher.daemonExecutable, X_OK) == 0 else {
            throw BenchError("\(Launcher.daemonExecutable) not found: build it with `swift build -c release --product papaoursd`")
        }
        notify.drain()
        let started = Clock.now()
        let child = try Child(name: "papaoursd", executable: Launcher.daemonExecutable,
                              arguments: ["--config", configPath],
                              environment: ["NOTIFY_SOCKET=\(notify.path)"],
                              logPath: directory + "/papaoursd.log")
        do {
            try notify.waitForReady(child, timeout: 120)
        } catch {
            child.stop()
            throw error
        }
        return (child, Double(Clock.now() - started) / 1e9)
    }

    static var redisAvailable: Bool { findInPath("redis-server") != nil }

    static func findInPath(_ name: String) -> String? {
        guard let path = getenv("PATH").map({ String(cString: $0) }) else { return nil }
        for dir in path.split(separator: ":") where access("\(dir)/\(name)", X_OK) == 0 { return "\(dir)/\(name)" }
        return nil
    }

    func startRedis() throws -> Child {
        let child = try Child(name: "redis-server", executable: "redis-server",
                              arguments: ["--port", "0", "--unixsocket", redisSocket, "--unixsocketperm", "700",
                                          "--save", "", "--appendonly", "no", "--daemonize", "no"],
                              logPath: directory + "/redis.log", searchPath: true)
        try waitForSocket(redisSocket, child: child, probe: "PING\r\n", expect: "+PONG")
        return child
    }

    func startFloor() throws -> Child {
        let child = try Child(name: "floor", executable: Launcher.ownExecutable,
                              arguments: ["--serve-floor", floorSocket, "--threads", String(Launcher.cpuCount)],
                              logPath: directory + "/floor.log")
        try waitForSocket(floorSocket, child: child, probe: "PING\n", expect: "OK")
        return child
    }

    /// Polls until the server answers `probe` with a reply starting with `expect`.
    func waitForSocket(_ path: String, child: Child, probe: String, expect: String) throws {
        let deadline = Clock.now() + 20_000_000_000
        while true {
            let fd = papa_unix_connect(path)
            if fd >= 0 {
                defer { close(fd) }
                try BlockingIO.writeAll(fd, Array(probe.utf8))
                var buffer: [UInt8] = []
                try BlockingIO.readUntil(fd, &buffer) { $0.contains(10) }
                guard buffer.starts(with: Array(expect.utf8)) else {
                    throw BenchError("\(child.name) answered \(String(decoding: buffer, as: UTF8.self)) to \(probe)")
                }
                return
            }
            if !child.isRunning { throw BenchError("\(child.name) exited at start:\n\(child.logTail())") }
            if Clock.now() > deadline { throw BenchError("\(child.name) does not answer on \(path):\n\(child.logTail())") }
            Clock.sleep(seconds: 0.01)
        }
    }
}
