/// A right: a permission with an operation, `contrats:read` (protocol.md, "Rights").
public struct Right: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Operation: String, Sendable, CaseIterable {
        case read, write, delete, archive
    }

    public let permission: String
    public let operation: Operation

    /// `<permission>:<operation>`, permission `[a-z][a-z0-9._-]{0,63}`; nil otherwise.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let operation = Operation(rawValue: String(parts[1])) else { return nil }
        let name = Array(parts[0].utf8)
        guard (1...64).contains(name.count), (0x61...0x7A).contains(name[0]),
              name.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D })
        else { return nil }
        permission = String(parts[0])
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

    /// By their text, as lists show them.
    public static func < (a: Right, b: Right) -> Bool { a.description < b.description }
}
