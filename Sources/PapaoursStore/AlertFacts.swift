import PapaoursCore

/// One figure of an alert that its `details` tell in English (ALERT's attributes after
/// `details=`), so that a client can say it in its own language.
public struct AlertFact: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) { (self.name, self.value) = (name, value) }
}

extension AlertKind {
    /// The figures an alert of this kind carries, in their order (papaours-protocol(7), ALERTS):
    /// `revoked-use` the refusal's code and how many times; `new-ip` the key's creation and the
    /// other new addresses of the same count; `spike` the calls of the last hour and the hourly
    /// median; `failures` the refusals and, without an ip, the peer's uid.
    public var factNames: [String] {
        switch self {
        case .revokedUse: ["reason", "count"]
        case .newIP: ["created", "others"]
        case .spike: ["calls", "median"]
        case .failures: ["count", "uid"]
        }
    }

    /// Every figure name of every kind.
    public static var factNames: Set<String> { Set(allCases.flatMap(\.factNames)) }
}
