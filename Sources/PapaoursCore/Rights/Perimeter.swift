/// Where a role or a group applies: every organisation (`*`), or the organisations listed
/// (protocol.md, "Rights"). Names match exactly, case-sensitive, after NFC.
public enum Perimeter: Sendable, Equatable, CustomStringConvertible {
    case everywhere
    /// NFC forms, sorted, each once.
    case organizations([String])

    /// `*`, or a comma-separated list of organisation names; nil when a name is out of bounds.
    public init(parsing text: String) throws(ValidationError) {
        if text == "*" || text.isEmpty { self = .everywhere; return }
        var names: [String] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = try Validation.text(String(part), field: "perimeter", length: 1...Validation.organizationLength.upperBound)
            guard name != "*" else { throw ValidationError(field: "perimeter", problem: "is * alone or a list of organisations, not both") }
            names.append(Perimeter.canonical(name))
        }
        guard names.count <= Validation.maxPerimeter else {
            throw ValidationError(field: "perimeter", problem: "must list at most \(Validation.maxPerimeter) organisations")
        }
        self = .organizations(Array(Set(names)).sorted())
    }

    /// Whether a machine of `organization` is inside. `*` holds every machine, one with no
    /// organisation included; a list holds only the organisations it names.
    public func contains(_ organization: String) -> Bool {
        switch self {
        case .everywhere: true
        case .organizations(let names): !organization.isEmpty && names.contains(Perimeter.canonical(organization))
        }
    }

    public var description: String {
        switch self {
        case .everywhere: "*"
        case .organizations(let names): names.joined(separator: ",")
        }
    }

    /// The form organisation names are compared in: NFC, case kept.
    public static func canonical(_ organization: String) -> String {
        String(decoding: organization._nfcCodeUnits, as: UTF8.self)
    }
}
