import PapaoursClient
import PapaoursProtocol

/// An alert's details in the user's language, said from its figures (ALERT's `reason=`,
/// `count=`, `created=`, `others=`, `calls=`, `median=`, `uid=`); the daemon's English
/// `details` for a kind this tool does not know, or an alert without the figures it needs.
enum AlertDetails {
    static func said(_ a: AlertEntry, _ text: Localizer) -> String {
        func fact(_ name: String) -> String? { a.raw[name].flatMap { $0.isEmpty ? nil : $0 } }
        switch a.kind {
        case "revoked-use":
            guard let reason = fact("reason"), let count = fact("count") else { break }
            return text(.alertSaysRevokedUse, reason, count)
        case "new-ip":
            guard let created = fact("created"), let ip = a.ip else { break }
            let others = fact("others").flatMap { UInt64($0) } ?? 0
            return text(.alertSaysNewIP, created, ip) + (others > 0 ? text(.alertSaysOthers, String(others)) : "")
        case "spike":
            guard let calls = fact("calls"), let median = fact("median") else { break }
            return text(.alertSaysSpike, calls, decimal(median, text.language))
        case "failures":
            guard let count = fact("count") else { break }
            if let ip = a.ip { return text(.alertSaysFailures, count, text(.alertFromAddress, ip)) }
            guard let uid = fact("uid") else { break }
            return text(.alertSaysFailures, count, text(.alertFromPeer, uid))
        default:
            break
        }
        return a.details
    }

    /// `4.5` as the language writes it (`4,5` in French); a whole median without its `.0`.
    static func decimal(_ value: String, _ language: Language) -> String {
        let plain = value.hasSuffix(".0") ? String(value.dropLast(2)) : value
        return language == .fr ? plain.replacingOccurrences(".", ",") : plain
    }
}

private extension String {
    func replacingOccurrences(_ target: Character, _ replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
