import PapaoursCore
#if canImport(Glibc)
import Glibc
#endif

/// papaoursd.conf(5): one `directive value…` a line, `#` comments, double quotes for spaces.
public enum ConfigurationFile {
    public struct Parsed: Sendable {
        public var configuration: Configuration
        /// Not fatal: grants naming users or groups that do not exist (yet).
        public var warnings: [ConfigurationError]

        public init(configuration: Configuration, warnings: [ConfigurationError]) {
            self.configuration = configuration
            self.warnings = warnings
        }
    }

    /// Every wrong line of a file, not just the first.
    public struct Errors: Error, Sendable, CustomStringConvertible {
        public let errors: [ConfigurationError]
        public init(errors: [ConfigurationError]) { self.errors = errors }
        public var description: String { errors.map(\.description).joined(separator: "\n") }
    }

    struct SplitError: Error { let message: String }

    /// Reads and parses `path`.
    public static func load(_ path: String, base: Configuration = Configuration()) throws(Errors) -> Parsed {
        guard let text = readFile(path) else {
            throw Errors(errors: [ConfigurationError(file: path, line: 0, message: "cannot read: \(String(cString: strerror(errno)))")])
        }
        return try parse(text, file: path, base: base)
    }

    public static func parse(_ text: String, file: String, base: Configuration = Configuration()) throws(Errors) -> Parsed {
        var config = base
        var errors: [ConfigurationError] = []
        var warnings: [ConfigurationError] = []
        var lineNumber = 0
        var httpSocketLine = 0
        var maxStaleLine = 0
        var clusterOnlyLines: [(Int, String)] = []
        // Lines are cut on LF bytes: as Characters, CR LF would be one and a Windows file one line.
        for rawLine in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            func fail(_ message: String) { errors.append(ConfigurationError(file: file, line: lineNumber, message: message)) }
            let words: [String]
            switch split(line(rawLine)) {
            case .success(let w): words = w
            case .failure(let error): fail(error.message); continue
            }
            guard let directive = words.first else { continue }
            let args = Array(words.dropFirst())
            func one() -> String? {
                guard args.count == 1 else { fail("\(directive) takes exactly one value, got \(args.count)"); return nil }
                return args[0]
            }
            func integer(_ range: ClosedRange<Int>) -> Int? {
                guard let text = one() else { return nil }
                guard let n = Int(text), range.contains(n) else {
                    fail("\(directive) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
                    return nil
                }
                return n
            }
            switch directive {
            case "socket":
                if let v = one() {
                    if v.isEmpty || v.utf8.count >= 108 { fail("socket path must be 1 to 107 bytes") } else { config.socketPath = v }
                }
            case "socket-mode":
                if let v = one() {
                    if let mode = UInt32(v, radix: 8), mode <= 0o777 { config.socketMode = mode } else { fail("socket-mode must be an octal mode such as 0660, got \"\(v)\"") }
                }
            case "socket-group":
                // An error, not a warning: the daemon could not start with it.
                if let v = one() {
                    if Accounts.gid(named: v) == nil { fail("socket-group \(v) does not exist") } else { config.socketGroup = v }
                }
            case "http-socket":
                if let v = one() {
                    if v.isEmpty || v.utf8.count >= 108 { fail("http-socket path must be 1 to 107 bytes") } else {
                        config.httpSocketPath = v
                        httpSocketLine = lineNumber
                    }
                }
            case "http-listen":
                if let v = one() {
                    switch LoopbackAddress.parse(v) {
                    case .success(let address):
                        if config.httpListen.count >= GateListener.maxTCP { fail("at most \(GateListener.maxTCP) http-listen lines") }
                        else if config.httpListen.contains(address) { fail("http-listen \(address) is given twice") }
                        else { config.httpListen.append(address) }
                    case .failure(let error): fail("http-listen: \(error.message)")
                    }
                }
            case "database":
                if let v = one() { if v.isEmpty { fail("database needs a directory") } else { config.databasePath = v } }
            case "grant":
                guard args.count >= 3, args[0] == "user" || args[0] == "group" else {
                    fail("grant takes: grant user|group NAME PERMISSION[,PERMISSION…] [organization=ORG[,ORG…]]")
                    continue
                }
                var permissionWords = Array(args.dropFirst(2))
                var scope: Set<String>?
                if let last = permissionWords.last, last.hasPrefix("organization=") {
                    permissionWords.removeLast()
                    let names = last.dropFirst("organization=".count).split(separator: ",", omittingEmptySubsequences: false)
                    guard !names.isEmpty, !names.contains(where: \.isEmpty), !permissionWords.isEmpty else {
                        fail("grant \(args[0]) \(args[1]): organization= needs one or more organisation names, comma-separated, after the permissions")
                        continue
                    }
                    scope = Set(names.map { Perimeter.canonical(String($0)) })
                }
                if let stray = permissionWords.first(where: { $0.contains("=") }) {
                    fail("grant \(args[0]) \(args[1]): unknown attribute \(stray); the only one is organization=ORG[,ORG…], last")
                    continue
                }
                var permissions: Permissions = []
                var bad: [String] = []
                for word in permissionWords {
                    for name in word.split(separator: ",", omittingEmptySubsequences: false) {
                        if let p = Permissions(name: String(name)) { permissions.formUnion(p) } else { bad.append(String(name)) }
                    }
                }
                if bad.contains("") {
                    fail("grant \(args[0]) \(args[1]): an empty permission name (a stray comma); write PERMISSION[,PERMISSION…]")
                    continue
                }
                if !bad.isEmpty {
                    fail("unknown permission \(bad.joined(separator: ", ")); known: machines.read, machines.write, keys.verify, audit.read, rights.admin, all")
                    continue
                }
                if args[0] == "user" {
                    if let uid = Accounts.uid(named: args[1]) { config.grants.grant(user: uid, permissions, organizations: scope) }
                    else { warnings.append(ConfigurationError(file: file, line: lineNumber, message: "user \(args[1]) does not exist; grant ignored")) }
                } else {
                    if let gid = Accounts.gid(named: args[1]) { config.grants.grant(group: gid, permissions, organizations: scope) }
                    else { warnings.append(ConfigurationError(file: file, line: lineNumber, message: "group \(args[1]) does not exist; grant ignored")) }
                }
            case "max-connections": if let n = integer(1...1_000_000) { config.maxConnections = n }
            case "max-connections-per-user": if let n = integer(1...1_000_000) { config.maxConnectionsPerUser = n }
            case "reserved-connections": if let n = integer(0...1_000_000) { config.reservedConnections = n }
            case "line-timeout": if let n = integer(1...3600) { config.lineTimeout = n }
            case "idle-timeout": if let n = integer(0...86400 * 7) { config.idleTimeout = n }
            case "output-limit": if let n = integer(65536...(1 << 30)) { config.outputLimit = n }
            case "import-staging-limit": if let n = integer((1 << 20)...(1 << 40)) { config.importStagingLimit = n }
            case "usage-flush-interval": if let n = integer(1...60) { config.usageFlushInterval = n }
            case "backup-stall-timeout": if let n = integer(1...3600) { config.backupStallTimeout = n }
            case "page-walk-at-open-limit": if let n = integer(0...(1 << 40)) { config.pageWalkAtOpenLimit = n }
            case "usage-history":
                if let v = one() {
                    if v == "on" || v == "off" { config.usageHistory = v == "on" } else { fail("usage-history must be on or off, got \"\(v)\"") }
                }
            case "threads": if let n = integer(0...256) { config.threads = n }
            case "cluster":
                guard args.count == 2, args[0] == "postgresql" else {
                    fail("cluster takes: cluster postgresql \"<libpq conninfo>\" (the only store of record is PostgreSQL)")
                    continue
                }
                if let problem = ClusterSettings.problem(conninfo: args[1]) { fail("cluster: \(problem)") } else { config.cluster = args[1] }
            case "host-name":
                if let v = one() {
                    if let problem = ClusterSettings.problem(hostName: v) { fail(problem) } else { config.hostName = v }
                    clusterOnlyLines.append((lineNumber, directive))
                }
            case "cluster-poll":
                if let v = one() {
                    if let ms = ClusterSettings.milliseconds(v), (50...60_000).contains(ms) { config.clusterPoll = ms }
                    else { fail("cluster-poll must be a duration from 50ms to 60s such as 500ms or 1s, got \"\(v)\"") }
                    clusterOnlyLines.append((lineNumber, directive))
                }
            case "cluster-max-stale":
                if let v = one() {
                    if v == "off" { config.clusterMaxStale = nil }
                    else if let ms = ClusterSettings.milliseconds(v), (1000...7 * 86_400_000).contains(ms) {
                        config.clusterMaxStale = ms
                        maxStaleLine = lineNumber
                    }
                    else { fail("cluster-max-stale must be off or a duration from 1s to 7d such as 30s, 5m or 2h, got \"\(v)\"") }
                    clusterOnlyLines.append((lineNumber, directive))
                }
            case "log-level":
                if let v = one() {
                    if let level = LogLevel(name: v) { config.logLevel = level } else { fail("log-level must be error, warning, info or debug, got \"\(v)\"") }
                }
            default:
                fail("unknown directive \"\(directive)\"")
            }
        }
        if let path = config.httpSocketPath, path == config.socketPath {
            errors.append(ConfigurationError(file: file, line: httpSocketLine, message: "http-socket \(path) is the main socket's path: give the HTTP gate a socket of its own"))
        }
        if let stale = config.clusterMaxStale, stale <= config.clusterPoll {
            errors.append(ConfigurationError(file: file, line: maxStaleLine, message: "cluster-max-stale (\(ClusterSettings.duration(stale))) must be longer than cluster-poll (\(ClusterSettings.duration(config.clusterPoll))), or VERIFY would fail closed between two polls"))
        }
        if config.cluster == nil {
            for (line, directive) in clusterOnlyLines {
                warnings.append(ConfigurationError(file: file, line: line, message: "\(directive) has no effect without a cluster line"))
            }
        }
        if let reserved = config.reservedConnections, reserved >= config.maxConnections {
            errors.append(ConfigurationError(file: file, line: 0, message: "reserved-connections (\(reserved)) must be less than max-connections (\(config.maxConnections)), or no one but root and administrators could connect"))
        }
        guard errors.isEmpty else { throw Errors(errors: errors) }
        return Parsed(configuration: config, warnings: warnings)
    }

    /// A line's text without the CR that ends it in a file written on Windows.
    static func line(_ bytes: Substring.UTF8View) -> Substring {
        let body = bytes.last == 0x0D ? bytes.dropLast() : bytes[...]
        return Substring(decoding: body, as: UTF8.self)
    }

    /// Words of a line: spaces and tabs separate, `"…"` groups (with \" and \\), `#` starts a comment.
    static func split(_ line: Substring) -> Result<[String], SplitError> {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quoted = false
        var iterator = line.makeIterator()
        while let c = iterator.next() {
            if let code = c.unicodeScalars.first(where: { $0.properties.generalCategory == .control && $0 != "\t" })?.value {
                return .failure(SplitError(message: "control character U+\(hex4(code)) in the line; only spaces and tabs separate words"))
            }
            if quoted {
                if c == "\"" { quoted = false; continue }
                if c == "\\" {
                    guard let next = iterator.next() else { return .failure(SplitError(message: "backslash at end of line")) }
                    current.append(next)
                    continue
                }
                current.append(c)
                continue
            }
            switch c {
            case " ", "\t":
                if inWord { words.append(current); current = ""; inWord = false }
            case "#" where !inWord:
                if inWord { words.append(current) }
                return .success(words)
            case "\"":
                quoted = true
                inWord = true
            default:
                current.append(c)
                inWord = true
            }
        }
        if quoted { return .failure(SplitError(message: "quote not closed")) }
        if inWord { words.append(current) }
        return .success(words)
    }

    static func hex4(_ code: UInt32) -> String {
        let digits = String(code, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
