import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case error = 3, warning = 4, info = 6, debug = 7

    public init?(name: String) {
        switch name {
        case "error": self = .error
        case "warning": self = .warning
        case "info": self = .info
        case "debug": self = .debug
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .error: "error"
        case .warning: "warning"
        case .info: "info"
        case .debug: "debug"
        }
    }

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// One line per event on standard error; under journald (JOURNAL_STREAM set) each line
/// starts with its `<N>` syslog priority so the journal keeps the level.
/// Never given a secret: callers log ids, names and codes only.
public enum Log {
    /// Changed by SIGHUP while the loops log: an atomic, not a plain variable.
    private static let currentLevel = Atomic<Int>(LogLevel.info.rawValue)
    static let journal = getenv("JOURNAL_STREAM") != nil

    public static var level: LogLevel {
        get { LogLevel(rawValue: currentLevel.load(ordering: .relaxed)) ?? .info }
        set { currentLevel.store(newValue.rawValue, ordering: .relaxed) }
    }

    public static func error(_ message: @autoclosure () -> String) { write(.error, message) }
    public static func warning(_ message: @autoclosure () -> String) { write(.warning, message) }
    public static func info(_ message: @autoclosure () -> String) { write(.info, message) }
    public static func debug(_ message: @autoclosure () -> String) { write(.debug, message) }

    static func write(_ at: LogLevel, _ message: () -> String) {
        guard at <= level else { return }
        let prefix = journal ? "<\(at.rawValue)>" : "papaoursd: \(at.name): "
        var line = Array((prefix + message()).utf8)
        line.append(0x0A)
        line.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
