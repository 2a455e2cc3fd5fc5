/// papaoursd's command line.
struct Options {
    enum Mode { case serve, checkConfig, restore, clusterInit, version, help }

    var mode = Mode.serve
    var configPath = "/etc/papaours/papaoursd.conf"
    var configGiven = false
    var socketPath: String?
    var databasePath: String?
    var logLevel: String?
    var restoreFile: String?
    var force = false
    /// For tests only: the clock follows the offset this file holds (PapaoursCore's Clock).
    var testClockFile: String?

    static let usage = """
    usage: papaoursd [--config FILE] [--socket PATH] [--database DIR] [--log-level LEVEL]
           papaoursd --check-config [--config FILE]
           papaoursd --restore FILE [--database DIR] [--force]
           papaoursd --cluster-init [--config FILE] [--database DIR]
           papaoursd --version | --help

      --config FILE      configuration file (default /etc/papaours/papaoursd.conf)
      --socket PATH      Unix socket to listen on (default /run/papaours/papaoursd.sock)
      --database DIR     database directory (default /var/lib/papaours)
      --log-level LEVEL  error, warning, info or debug (default info)
      --check-config     check the configuration file, print what is wrong, and exit
      --restore FILE     put the backup FILE (from papaoursctl backup) in place of the
                         database, papaoursd stopped; --force replaces a non-empty one
      --test-clock-file PATH
                         for tests only: move the daemon's clock by the number of
                         seconds PATH holds (read again whenever it changes)
      --cluster-init     create the fleet's schema in the empty PostgreSQL database of
                         the configuration's cluster line, copy the local store into
                         it, and exit (see FLEET in papaoursd(8))
      --version          print the version and exit
      --help             print this help and exit

    See papaoursd(8) and papaoursd.conf(5).
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
            func flag() throws(UsageError) {
                if inline != nil { throw UsageError(message: "option \(name) takes no value") }
            }
            switch name {
            case "--config":
                options.configPath = try value()
                options.configGiven = true
            case "--socket": options.socketPath = try value()
            case "--database": options.databasePath = try value()
            case "--log-level": options.logLevel = try value()
            case "--check-config": try flag(); options.mode = .checkConfig
            case "--restore":
                options.restoreFile = try value()
                options.mode = .restore
            case "--force": try flag(); options.force = true
            case "--test-clock-file": options.testClockFile = try value()
            case "--cluster-init": try flag(); options.mode = .clusterInit
            case "--version": try flag(); options.mode = .version
            case "--help", "-h": try flag(); options.mode = .help
            default:
                throw UsageError(message: argument.hasPrefix("-") ? "unknown option \(name)" : "unexpected argument \(argument)")
            }
        }
        return options
    }
}
