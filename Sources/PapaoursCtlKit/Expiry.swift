import PapaoursCore

/// `--expires TIME`: an RFC 3339 time, a date (midnight UTC), or a duration from now in
/// either language (`90d`/`90j`, `12h`, `4w`/`4sem`). What is wrong comes back as a message.
enum Expiry {
    static let units: [(String, Int64)] = [("sem", 7 * 86400), ("h", 3600), ("d", 86400), ("j", 86400), ("w", 7 * 86400)]
    static let maxSpan: Int64 = 1000 * 366 * 86400

    enum Parsed: Equatable {
        case time(Timestamp)
        /// What is wrong with it, a usage error's message taking the text as {0}.
        case wrong(Message)
    }

    static func parse(_ text: String, now: Timestamp) -> Parsed {
        if let time = Timestamp(rfc3339: text) ?? (text.utf8.count == 10 ? Timestamp(rfc3339: text + "T00:00:00Z") : nil) {
            return time > now ? .time(time) : .wrong(.expiresInPast)
        }
        guard let (unit, seconds) = units.first(where: { text.hasSuffix($0.0) }),
              case let digits = text.dropLast(unit.count), !digits.isEmpty, digits.allSatisfy(\.isASCII),
              digits.allSatisfy(\.isNumber) else { return .wrong(.notATime) }
        guard let count = Int64(digits) else { return .wrong(.durationTooLong) }
        if count == 0 { return .wrong(.durationZero) }
        let (span, overflow) = count.multipliedReportingOverflow(by: seconds)
        guard !overflow, span <= maxSpan else { return .wrong(.durationTooLong) }
        return .time(Timestamp(seconds: now.seconds + span))
    }
}
