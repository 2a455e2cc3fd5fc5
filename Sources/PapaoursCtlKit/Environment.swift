#if canImport(Glibc)
import Glibc
#endif

/// The process environment, or a fixed one in tests.
public struct Environment: Sendable {
    private let lookup: @Sendable (String) -> String?

    public init(_ values: [String: String]) {
        lookup = { values[$0] }
    }

    /// The real environment, read with getenv(3) when asked.
    public static let process = Environment(lookup: { name in getenv(name).map { String(cString: $0) } })

    private init(lookup: @escaping @Sendable (String) -> String?) { self.lookup = lookup }

    public subscript(name: String) -> String? { lookup(name) }

    /// The value when it is set and not empty.
    public func nonEmpty(_ name: String) -> String? {
        guard let value = lookup(name), !value.isEmpty else { return nil }
        return value
    }
}
