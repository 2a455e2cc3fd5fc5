#if canImport(Glibc)
import Glibc
#endif

/// A moment in whole seconds since the Unix epoch, written as RFC 3339 in UTC (`…Z`).
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    /// The times a record may carry: those RFC 3339 writes with a four-digit year from the
    /// epoch on, so that every time exported can be imported again.
    public static let earliest = Timestamp(seconds: 0)
    /// 9999-12-31T23:59:59Z.
    public static let latest = Timestamp(seconds: 253_402_300_799)
    public static var bounds: ClosedRange<Timestamp> { earliest...latest }

    /// Now, by the one clock (Clock: the real one unless a test moved it).
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(seconds: Int64(spec.tv_sec) + Clock.offset())
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }

    /// `2026-11-28T22:46:38Z`
    public var description: String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ n: Int32, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }

    /// Parses RFC 3339 (`2026-11-28T22:46:38Z`, `…T23:46:38+01:00`, fractions dropped); nil
    /// otherwise, and for a time outside `bounds` (9999-12-31T23:59:59-23:59 is in year 10000).
    public init?(rfc3339 text: String) {
        guard let seconds = Timestamp.seconds(rfc3339: text), Timestamp.bounds.contains(Timestamp(seconds: seconds)) else { return nil }
        self.seconds = seconds
    }

    /// Whether `text` is well-formed RFC 3339 but outside `bounds`: to say so, not just "malformed".
    public static func isOutOfBounds(rfc3339 text: String) -> Bool {
        guard let seconds = seconds(rfc3339: text) else { return false }
        return !bounds.contains(Timestamp(seconds: seconds))
    }

    private static func seconds(rfc3339 text: String) -> Int64? {
        let b = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= b.count else { return nil }
            var n = 0
            for i in range {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        guard b.count >= 20,
              let year = number(0..<4), b[4] == UInt8(ascii: "-"),
              let month = number(5..<7), b[7] == UInt8(ascii: "-"),
              let day = number(8..<10), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              let hour = number(11..<13), b[13] == UInt8(ascii: ":"),
              let minute = number(14..<16), b[16] == UInt8(ascii: ":"),
              let second = number(17..<19)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = number((i + 1)..<(i + 3)), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"),
                  let om = number((i + 4)..<(i + 6)), oh < 24, om < 60 else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(min(second, 59))
        let utc = timegm(&parts)
        // timegm normalises 31 February into March: refuse dates that do not exist.
        var check = utc
        var back = tm()
        gmtime_r(&check, &back)
        guard back.tm_mday == Int32(day), back.tm_mon == Int32(month - 1) else { return nil }
        return Int64(utc) - Int64(offset)
    }
}
