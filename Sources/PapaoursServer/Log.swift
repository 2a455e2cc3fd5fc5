import PapaoursProtocol
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

    /// A name, label or path as the log carries it: a protocol token (papaours-protocol(7)),
    /// quoted when it must be, so that `a\nb` is written `"a\nb"` and never breaks the line.
    public static func token(_ text: String) -> String {
        var encoder = LineEncoder(capacity: text.utf8.count + 2)
        encoder.argument(text)
        return String(decoding: encoder.bytes, as: UTF8.self)
    }

    static func write(_ at: LogLevel, _ message: () -> String) {
        guard at <= level else { return }
        let prefix = journal ? "<\(at.rawValue)>" : "papaoursd: \(at.name): "
        var line = Array(prefix.utf8)
        line.append(contentsOf: oneLine(message()))
        line.append(0x0A)
        line.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    /// The message with every control character escaped: one event is one line, whatever text it carries.
    static func oneLine(_ message: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.utf8.count)
        for byte in message.utf8 {
            switch byte {
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case let b where b < 0x20 || b == 0x7F:
                let digits = Array("0123456789ABCDEF".utf8)
                out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), digits[Int(b >> 4)], digits[Int(b & 0xF)]]
            default: out.append(byte)
            }
        }
        return out
    }
}
