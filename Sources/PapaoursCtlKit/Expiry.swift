import PapaoursCore

/// `--expires TIME`: an RFC 3339 time, a date (midnight UTC), or a duration from now.
enum Expiry {
    static func parse(_ text: String, now: Timestamp) -> Timestamp? {
        if let time = Timestamp(rfc3339: text) { return time }
        if text.utf8.count == 10, let day = Timestamp(rfc3339: text + "T00:00:00Z") { return day }
        guard let unit = text.last, let count = Int64(text.dropLast()), count > 0 else { return nil }
        let seconds: Int64
        switch unit {
        case "h": seconds = 3600
        case "d": seconds = 86400
        case "w": seconds = 7 * 86400
        default: return nil
        }
        let (span, overflow) = count.multipliedReportingOverflow(by: seconds)
        guard !overflow, span <= 1000 * 366 * 86400 else { return nil }
        return Timestamp(seconds: now.seconds + span)
    }
}
