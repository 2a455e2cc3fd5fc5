/// What a writer's grants allow beyond the permission of the verb (protocol.md, "Scoped
/// grants"): whether it holds `rights.admin`, and the organisations it may act in.
public struct Authority: Sendable, Equatable {
    public var rightsAdmin: Bool
    /// Canonical organisation names (Perimeter.canonical); nil: every organisation.
    public var scope: Set<String>?

    public init(rightsAdmin: Bool, scope: Set<String>?) {
        self.rightsAdmin = rightsAdmin
        self.scope = scope
    }

    /// Root, and the daemon's own writes.
    public static let full = Authority(rightsAdmin: true, scope: nil)

    /// Whether a machine of `organization` is the writer's to see and change. A machine with
    /// no organisation is outside every scope.
    public func covers(_ organization: String) -> Bool {
        guard let scope else { return true }
        return !organization.isEmpty && scope.contains(Perimeter.canonical(organization))
    }

    public var isScoped: Bool { scope != nil }
}
