#if canImport(Glibc)
import Glibc
#endif

/// papaours-bench's command line.
struct Options {
    enum Part: String, CaseIterable { case verify, create, rss, startup, gate, history, fleet }

    var keys = 10_000
    var seconds = 3.0
    var runs = 3
    var matrix: [Cell] = [Cell(clients: 1, depth: 1), Cell(clients: 8, depth: 1),
                          Cell(clients: 8, depth: 16), Cell(clients: 64, depth: 1)]
    var parts: Set<Part> = Set(Part.allCases)
    enum Load: String { case bulk, `protocol` }
    var load = Load.bulk
    var redis = true
    var markdown = false
    var temporaryParent = "/tmp"
    /// Internal: run as the floor server on this socket instead.
    var serveFloor: String?
    var threads = 0
    /// The history part's usage-flush-interval (papaoursd's default: 30).
    var flushInterval = 30

    /// One point of the matrix: C connections, D requests in flight on each.
    struct Cell: Hashable, CustomStringConvertible {
        let clients: Int
        let depth: Int
        var description: String { "\(clients)x\(depth)" }
    }

    static let usage = """
    usage: papaours-bench [--keys N] [--seconds T] [--runs R] [--matrix "1x1,8x1,8x16,64x1"]
                          [--only verify|create|rss|startup|gate|history|fleet[,...]] [--load bulk|protocol] [--no-redis]
                          [--markdown] [--tmpdir DIR] [--flush-interval S]

      --keys N       keys loaded into the database (default 10000)
      --seconds T    measured seconds per batch (default 3; a 0.25 s warm-up precedes each)
      --runs R       runs of the VERIFY matrix; medians are reported (default 3)
      --matrix LIST  CxD cells: C connections, D pipelined requests each (default 1x1,8x1,8x16,64x1)
      --only PART    verify, create, rss, startup or gate (the HTTP gate against VERIFY at 8x1, and
                     nginx with and without auth_request) or history (VERIFY at 8x16 with the usage
                     history recorded and not, and what a key-day costs) or fleet (two hosts on a private
                     PostgreSQL: a deactivation's delay from host a's OK to host b's first refusal);
                     several with commas (default all)
      --load HOW     bulk: keys written straight into the store before the daemon starts (default);
                     protocol: through the daemon's socket, as a provisioning script would (rate reported)
      --no-redis     leave redis-server out of the VERIFY comparison
      --markdown     print the result tables as Markdown (for BENCHMARKS.md)
      --tmpdir DIR   where the temporary database and sockets go (default /tmp)
      --flush-interval S  the history part's usage-flush-interval, 1 to 60 (default 30, as papaoursd)

    Starts papaoursd (next to this binary), redis-server (from PATH) and a trivial line
    server (the floor), loads the keys, and drives all three with the same load generator.
    """

    struct UsageError: Error { let message: String }

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var options = Options()
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            var name = argument
            var inline: String?
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                name = String(argument[..<eq])
                inline = String(argument[argument.index(after: eq)...])
            }
            func value() throws(UsageError) -> String {
                if let inline { return inline }
                guard let next = rest.popFirst() else { throw UsageError(message: "option \(name) needs a value") }
                return next
            }
            func integer(_ range: ClosedRange<Int>) throws(UsageError) -> Int {
                let text = try value()
                guard let n = Int(text), range.contains(n) else {
                    throw UsageError(message: "option \(name) needs an integer in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
                }
                return n
            }
            switch name {
            case "--keys": options.keys = try integer(100...50_000_000)
            case "--seconds":
                let text = try value()
                guard let t = Double(text), t > 0, t <= 3600 else { throw UsageError(message: "--seconds needs a positive number, got \"\(text)\"") }
                options.seconds = t
            case "--runs": options.runs = try integer(1...100)
            case "--matrix": options.matrix = try parseMatrix(try value())
            case "--only":
                var parts = Set<Part>()
                for word in try value().split(separator: ",") {
                    guard let part = Part(rawValue: String(word)) else {
                        throw UsageError(message: "--only takes verify, create, rss, startup, gate, history or fleet, got \"\(word)\"")
                    }
                    parts.insert(part)
                }
                if parts.isEmpty { throw UsageError(message: "--only needs a part") }
                options.parts = parts
            case "--load":
                let text = try value()
                guard let load = Load(rawValue: text) else { throw UsageError(message: "--load takes bulk or protocol, not \(text)") }
                options.load = load
            case "--no-redis": options.redis = false
            case "--markdown": options.markdown = true
            case "--tmpdir": options.temporaryParent = try value()
            case "--serve-floor": options.serveFloor = try value()
            case "--threads": options.threads = try integer(0...256)
            case "--flush-interval": options.flushInterval = try integer(1...60)
            case "--help", "-h":
                print(usage)
                exit(0)
            default:
                throw UsageError(message: argument.hasPrefix("-") ? "unknown option \(name)" : "unexpected argument \(argument)")
            }
        }
        return options
    }

    static func parseMatrix(_ text: String) throws(UsageError) -> [Cell] {
        var cells: [Cell] = []
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "x")
            guard parts.count == 2, let c = Int(parts[0]), let d = Int(parts[1]), (1...4096).contains(c), (1...4096).contains(d) else {
                throw UsageError(message: "--matrix wants items like 8x16 (connections x depth), got \"\(item)\"")
            }
            cells.append(Cell(clients: c, depth: d))
        }
        if cells.isEmpty { throw UsageError(message: "--matrix needs at least one cell") }
        return cells
    }
}
