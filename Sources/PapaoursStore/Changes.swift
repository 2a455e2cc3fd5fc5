import PapaoursCore

/// The fields of a new machine, as received (validated by the store).
public struct MachineDraft: Sendable {
    public var name: String
    public var description: String
    public var organization: String
    /// Comma-separated role names.
    public var roles: String

    public init(name: String, description: String = "", organization: String = "", roles: String = "") {
        self.name = name
        self.description = description
        self.organization = organization
        self.roles = roles
    }
}

/// The fields an edit changes; nil leaves a field as it is.
public struct MachineChanges: Sendable {
    public var name: String?
    public var description: String?
    public var organization: String?
    public var roles: String?
    public var status: String?

    public init(name: String? = nil, description: String? = nil, organization: String? = nil,
                roles: String? = nil, status: String? = nil) {
        self.name = name
        self.description = description
        self.organization = organization
        self.roles = roles
        self.status = status
    }
}

public struct KeyChanges: Sendable {
    public var label: String?
    public var status: String?

    public init(label: String? = nil, status: String? = nil) {
        self.label = label
        self.status = status
    }
}

/// "what changed, old and new, in words" for the audit journal.
struct ChangeLog {
    private(set) var parts: [String] = []

    /// Values are cut to this many characters in the journal, so that an event (escaped twice on
    /// its way out) stays well within one protocol line and can be exported and imported again.
    static let maxValueLength = 100

    /// `"text"` with quote, backslash, LF and TAB escaped, scalar by scalar (a combining
    /// mark after a quote must not hide it); a long value is cut and ends with `…`.
    static func quoted(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        out.append("\"")
        let scalars = text.unicodeScalars
        let cut = scalars.count > maxValueLength
        for scalar in cut ? Array(scalars.prefix(maxValueLength - 1)) + ["…"] : Array(scalars) {
            switch scalar {
            case "\"": out.append(contentsOf: "\\\"".unicodeScalars)
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            default: out.append(scalar)
            }
        }
        out.append("\"")
        return String(out)
    }

    mutating func set(_ field: String, _ value: String) { parts.append("\(field) \(ChangeLog.quoted(value))") }

    mutating func change(_ field: String, from old: String, to new: String) {
        if old != new { parts.append("\(field) \(ChangeLog.quoted(old)) -> \(ChangeLog.quoted(new))") }
    }

    mutating func note(_ text: String) { parts.append(text) }

    var text: String { parts.isEmpty ? "no change" : parts.joined(separator: "; ") }
}

