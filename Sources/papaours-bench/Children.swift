import CPapaoursSystem
import PapaoursCore
#if canImport(Glibc)
import Glibc
#endif

/// Child processes and temporary directories, so that every exit path (the end, an error,
/// Ctrl-C) kills the children and removes the directories.
enum Cleanup {
    private static let state = Locked<(children: [pid_t], directories: [String])>(([], []))

    static func register(child pid: pid_t) { state.withLock { $0.children.append(pid) } }
    static func forget(child pid: pid_t) { state.withLock { $0.children.removeAll { $0 == pid } } }
    static func register(directory: String) { state.withLock { $0.directories.append(directory) } }

    /// Kills what is still running, removes the directories.
    static func run() {
        let (children, directories) = state.withLock { s in
            defer { s = ([], []) }
            return (s.children, s.directories)
        }
        for pid in children { kill(pid, SIGKILL) }
        for pid in children { var status: Int32 = 0; _ = waitpid(pid, &status, 0) }
        for directory in directories { removeTree(directory) }
    }

    /// SIGINT, SIGTERM and SIGHUP are blocked in every thread and taken by this one.
    static func installSignalThread() {
        _ = papa_block_signals()
        papa_ignore_sigpipe()
        _ = BenchThread(name: "bench-signals") {
            let signal = papa_wait_signal()
            progress("stopping on signal \(signal): killing the servers, removing temporary files")
            run()
            _exit(128 + signal)
        }
    }

    static func exit(_ status: Int32) -> Never {
        run()
        Glibc.exit(status)
    }

    static func removeTree(_ path: String) {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let child = path + "/" + name
                var info = stat()
                if lstat(child, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
                    removeTree(child)
                } else {
                    unlink(child)
                }
            }
            closedir(dir)
        }
        rmdir(path)
    }

    /// A fresh private directory under `parent`, removed at exit.
    static func makeTemporaryDirectory(in parent: String) throws -> String {
        var template = Array((parent + "/papaours-bench.XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw BenchError("cannot create a temporary directory in \(parent): \(errorText())")
        }
        let path = String(cString: made)
        register(directory: path)
        return path
    }
}

/// One spawned server: its pid and the file its output goes to.
final class Child: @unchecked Sendable {
    let name: String
    let pid: pid_t
    let logPath: String
    private var exited = false

    /// CPU seconds the process has used, user and system (/proc/PID/stat, fields 14 and 15):
    /// what a request costs, whatever else shares the CPUs.
    func cpuSeconds() -> Double? {
        guard let fd = Optional(open("/proc/\(pid)/stat", O_RDONLY)), fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0, let end = buffer[0..<n].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        // After the command's closing parenthesis: state is field 3, utime 14, stime 15.
        let fields = buffer[(end + 2)..<n].split(separator: UInt8(ascii: " "))
        guard fields.count > 12, let user = Double(String(decoding: fields[11], as: UTF8.self)),
              let system = Double(String(decoding: fields[12], as: UTF8.self)) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// posix_spawn with a clean signal mask and default SIGPIPE (the bench blocks and ignores them).
    init(name: String, executable: String, arguments: [String], environment extra: [String] = [],
         logPath: String, searchPath: Bool = false) throws {
        self.name = name
        self.logPath = logPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let names = Set(extra.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        var environment = extra
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let name = text.split(separator: "=", maxSplits: 1).first, !names.contains(String(name)) {
                environment.append(text)
            }
            cursor += 1
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = searchPath
            ? posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
            : posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw BenchError("cannot start \(executable): \(errorText(rc))") }
        self.pid = pid
        Cleanup.register(child: pid)
    }

    /// The exit status once it exited (128 + the signal when one ended it).
    private(set) var exitStatus: Int32?

    /// True while the process has not exited (reaps it when it has).
    var isRunning: Bool {
        if exited { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            exited = true
            exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            Cleanup.forget(child: pid)
        }
        return !exited
    }

    /// SIGTERM, then SIGKILL after `grace` seconds.
    func stop(grace: Double = 5) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Clock.now() + UInt64(grace * 1e9)
        while isRunning {
            if Clock.now() > deadline {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                _ = waitpid(pid, &status, 0)
                exited = true
                Cleanup.forget(child: pid)
                return
            }
            Clock.sleep(seconds: 0.005)
        }
    }

    /// The end of its output, for error messages.
    func logTail(bytes: Int = 2000) -> String {
        let fd = open(logPath, O_RDONLY)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return "" }
        return String(decoding: buffer[max(0, n - bytes)..<n], as: UTF8.self)
    }

    /// VmRSS and its parts from /proc/PID/status, in KiB.
    func memory() -> (rss: Int, anonymous: Int, file: Int)? {
        let fd = open("/proc/\(pid)/status", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        var values: [String: Int] = [:]
        for line in String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.count >= 2, parts[0].hasSuffix(":"), let kib = Int(parts[1]) {
                values[String(parts[0].dropLast())] = kib
            }
        }
        guard let rss = values["VmRSS"] else { return nil }
        return (rss, values["RssAnon"] ?? 0, values["RssFile"] ?? 0)
    }
}
