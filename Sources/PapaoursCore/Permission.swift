/// What a peer may do, granted by the configuration from its kernel credentials.
public struct Permissions: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let machinesRead = Permissions(rawValue: 1 << 0)
    public static let machinesWrite = Permissions(rawValue: 1 << 1)
    public static let keysVerify = Permissions(rawValue: 1 << 2)
    public static let auditRead = Permissions(rawValue: 1 << 3)
    /// Administers protected machines, roles and groups; `all` in a scoped grant leaves it out.
    public static let rightsAdmin = Permissions(rawValue: 1 << 4)
    public static let all: Permissions = [.machinesRead, .machinesWrite, .keysVerify, .auditRead, .rightsAdmin]

    /// Wire names in the order HELLO lists them.
    public static let names: [(String, Permissions)] = [
        ("machines.read", .machinesRead),
        ("machines.write", .machinesWrite),
        ("keys.verify", .keysVerify),
        ("audit.read", .auditRead),
        ("rights.admin", .rightsAdmin),
    ]

    /// A permission by its wire name, or `all`.
    public init?(name: String) {
        if name == "all" { self = .all; return }
        guard let match = Self.names.first(where: { $0.0 == name }) else { return nil }
        self = match.1
    }

    public var names: [String] { Self.names.filter { contains($0.1) }.map(\.0) }
    public var description: String { names.joined(separator: ",") }
}
