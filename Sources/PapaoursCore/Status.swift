/// Whether a machine or a key may be used.
public enum Status: String, Sendable, Hashable {
    case active
    case inactive

    public init?(wire: String) { self.init(rawValue: wire) }
}
