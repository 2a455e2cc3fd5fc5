#if canImport(Glibc)
import Glibc
#endif

/// The checks of papaoursd.conf's fleet lines (protocol.md, "Many hosts: the fleet") that need
/// no PostgreSQL: the conninfo's form and the absence of a password, host names, durations.
public enum ClusterSettings {
    /// What is wrong with a libpq conninfo: nil when it is well formed and names no password.
    /// Both forms of libpq are read: `key=value` words (values bare or in single quotes, with
    /// backslash escapes) and `postgresql://user:password@host/db?key=value` URIs.
    public static func problem(conninfo: String) -> String? {
        if conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://") { return uriProblem(conninfo) }
        var keywords: [String] = []
        var chars = Array(conninfo.unicodeScalars)[...]
        func skipSpaces() { while let c = chars.first, c == " " || c == "\t" || c == "\n" || c == "\r" { chars.removeFirst() } }
        skipSpaces()
        if chars.isEmpty { return "the conninfo is empty: give at least dbname= (and host= for a socket directory)" }
        while !chars.isEmpty {
            var keyword = ""
            while let c = chars.first, c != "=", c != " ", c != "\t" { keyword.unicodeScalars.append(c); chars.removeFirst() }
            skipSpaces()
            guard chars.first == "=" else { return "the conninfo is not valid: \"\(keyword)\" is not followed by \"=\"" }
            chars.removeFirst()
            skipSpaces()
            if chars.first == "'" {
                chars.removeFirst()
                var closed = false
                while let c = chars.popFirst() {
                    if c == "\\" { guard chars.popFirst() != nil else { break }; continue }
                    if c == "'" { closed = true; break }
                }
                if !closed { return "the conninfo is not valid: the quoted value of \(keyword) is not closed" }
            } else {
                while let c = chars.first, c != " ", c != "\t", c != "\n", c != "\r" {
                    chars.removeFirst()
                    if c == "\\" { _ = chars.popFirst() }
                }
            }
            guard !keyword.isEmpty else { return "the conninfo is not valid: a value has no keyword before its \"=\"" }
            keywords.append(keyword)
            skipSpaces()
        }
        if keywords.contains("password") { return passwordRefusal }
        return nil
    }

    static let passwordRefusal = "the conninfo holds a password: put it in a passfile (~/.pgpass of the user papaoursd runs as, or passfile=) instead"

    private static func uriProblem(_ uri: String) -> String? {
        let rest = uri.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        // "postgresql:", "", then authority[/path][?query]
        guard rest.count == 3 else { return nil }
        let tail = rest[2]
        let authority = tail.prefix { $0 != "/" && $0 != "?" }
        if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") { return passwordRefusal }
        if let question = tail.firstIndex(of: "?") {
            for pair in tail[tail.index(after: question)...].split(separator: "&") where pair.split(separator: "=").first == "password" {
                return passwordRefusal
            }
        }
        return nil
    }

    /// A host name as EVENT and HELLO carry it (`host=<name>`): 1 to 64 ASCII letters, digits,
    /// dots, hyphens and underscores, so that it never needs quoting.
    public static func problem(hostName name: String) -> String? {
        let ok = name.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x2D || b == 0x5F
        }
        guard (1...64).contains(name.utf8.count), ok else {
            return "host-name must be 1 to 64 ASCII letters, digits, dots, hyphens and underscores, got \"\(name)\""
        }
        return nil
    }

    /// The system's host name (gethostname), cut at its first dot; "localhost" when it has none
    /// usable as a host-name.
    public static func systemHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let short = String(name.prefix { $0 != "." })
        return problem(hostName: short) == nil ? short : "localhost"
    }

    /// A duration: a whole number followed by ms, s, m, h or d (`500ms`, `1s`, `2m`); in milliseconds.
    public static func milliseconds(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9, let n = Int(digits) else { return nil }
        switch text.dropFirst(digits.count) {
        case "ms": return n
        case "s": return n * 1000
        case "m": return n * 60_000
        case "h": return n * 3_600_000
        case "d": return n * 86_400_000
        default: return nil
        }
    }

    /// `1500` as `1500ms`, `2000` as `2s`: the shortest exact form.
    public static func duration(_ ms: Int) -> String {
        if ms % 86_400_000 == 0 && ms > 0 { return "\(ms / 86_400_000)d" }
        if ms % 3_600_000 == 0 && ms > 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0 && ms > 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}
