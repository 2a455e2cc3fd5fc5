/// A right: a permission with an operation, `contrats:read` (protocol.md, "Rights").
public struct Right: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Operation: String, Sendable, CaseIterable {
        case read, write, delete, archive
    }

    public let permission: String
    public let operation: Operation

    /// `<permission>:<operation>`, permission `[a-z][a-z0-9._-]{0,63}`; nil otherwise.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes(Right.isWellFormed), let colon = text.firstIndex(of: ":"),
              let operation = Operation(rawValue: String(text[text.index(after: colon)...])) else { return nil }
        permission = String(text[..<colon])
        self.operation = operation
    }

    /// A comma-separated list of rights, in order; nil when one of them is malformed.
    public static func list(_ text: String) -> [Right]? {
        var rights: [Right] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let right = Right(part) else { return nil }
            rights.append(right)
        }
        return rights.isEmpty ? nil : rights
    }

    public var description: String { "\(permission):\(operation.rawValue)" }

    /// The inverse of `list`: rights comma-separated, as records and replies carry them.
    public static func listText(_ rights: [Right]) -> String { rights.map(\.description).joined(separator: ",") }

    /// By their text, as lists show them.
    public static func < (a: Right, b: Right) -> Bool { a.description < b.description }
}
