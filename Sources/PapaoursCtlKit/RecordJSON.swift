import PapaoursClient
import PapaoursProtocol

/// Records as JSON objects with the protocol's attribute names, in the
/// server's order: lists as arrays, counts as numbers, an absent time
/// (`expires=` empty, `last-used=never`) as null; anything else as a string.
extension JSON {
    static let listAttributes: Set<String> = ["roles", "permissions", "groups", "rights"]
    static let countAttributes: Set<String> = ["keys", "uses", "seq", "uid", "count", "machines", "ok", "denied", "calls", "others"]
    static let optionalTimes: [String: String] = ["expires": "", "last-used": "never"]

    /// `numbers`: every all-digit value is a number (STATS, whose counters are open-ended).
    static func record(_ line: ReplyLine, numbers: Bool = false, skipping skipped: Set<String> = []) -> JSON {
        .object(line.attributes.filter { !skipped.contains($0.0) }.map { name, value in
            (name, attribute(name, value, numbers: numbers))
        })
    }

    static func attribute(_ name: String, _ value: String, numbers: Bool = false) -> JSON {
        if listAttributes.contains(name) {
            return .strings(value.isEmpty ? [] : value.split(separator: ",").map(String.init))
        }
        if let absent = optionalTimes[name], value == absent { return .null }
        let digits = !value.isEmpty && value.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        if digits && (numbers || countAttributes.contains(name)) { return .number(value) }
        return .string(value)
    }

    /// An object with `extra` members added at the end.
    func adding(_ extra: [(String, JSON)]) -> JSON {
        guard case .members(let members) = self else { return self }
        return .members(members + extra.map { Member($0.0, $0.1) })
    }
}
