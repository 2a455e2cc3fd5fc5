import PapaoursCore

/// The fields of a new machine, as received (validated by the store).
public struct MachineDraft: Sendable {
    public var name: String
    public var description: String
    public var organization: String
    /// Comma-separated role names.
    public var roles: String
    /// Comma-separated group names.
    public var groups: String
    public var protected: String

    public init(name: String, description: String = "", organization: String = "", roles: String = "",
                groups: String = "", protected: String = "no") {
        self.name = name
        self.description = description
        self.organization = organization
        self.roles = roles
        self.groups = groups
        self.protected = protected
    }
}

/// The fields an edit changes; nil leaves a field as it is.
public struct MachineChanges: Sendable {
    public var name: String?
    public var description: String?
    public var organization: String?
    public var roles: String?
    public var status: String?
    public var groups: String?
    public var protected: String?

    public init(name: String? = nil, description: String? = nil, organization: String? = nil,
                roles: String? = nil, status: String? = nil, groups: String? = nil, protected: String? = nil) {
        self.name = name
        self.description = description
        self.organization = organization
        self.roles = roles
        self.status = status
        self.groups = groups
        self.protected = protected
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

/// What a write changed, for the audit journal: in words (`details`) and as data (`changes`).
struct ChangeLog {
    private(set) var parts: [String] = []
    private(set) var changes: [FieldChange] = []

    /// Values are cut to this many characters in the journal, so that an event (escaped twice on
    /// its way out) stays well within one protocol line and can be exported and imported again.
    static let maxValueLength = 100

    /// `"text"` with quote, backslash and control characters escaped as the token rules say,
    /// scalar by scalar (a combining mark after a quote must not hide it); a long value is cut
    /// and ends with `…`.
    static func quoted(_ text: String) -> String { "\"" + escaped(cut(text)) + "\"" }

    static func cut(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > maxValueLength else { return text }
        var out = String.UnicodeScalarView(scalars.prefix(maxValueLength - 1))
        out.append("…")
        return String(out)
    }

    private static func escaped(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: "\\\"".unicodeScalars)
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// A field given a value by a create (old value empty).
    mutating func set(_ field: String, _ value: String) {
        parts.append("\(field) \(ChangeLog.quoted(value))")
        changes.append(FieldChange(field: field, old: "", new: ChangeLog.cut(value)))
    }

    /// A field whose value a delete took away (new value empty).
    mutating func removed(_ field: String, _ value: String) {
        parts.append("\(field) \(ChangeLog.quoted(value))")
        changes.append(FieldChange(field: field, old: ChangeLog.cut(value), new: ""))
    }

    mutating func change(_ field: String, from old: String, to new: String) {
        guard old != new else { return }
        parts.append("\(field) \(ChangeLog.quoted(old)) -> \(ChangeLog.quoted(new))")
        changes.append(FieldChange(field: field, old: ChangeLog.cut(old), new: ChangeLog.cut(new)))
    }

    mutating func note(_ text: String) { parts.append(text) }

    var text: String { parts.isEmpty ? "no change" : parts.joined(separator: "; ") }

    /// The words a log of only set, changed or removed fields has: the journal stores the
    /// changes alone when their words are the event's details.
    static func words(for changes: [FieldChange], action: AuditAction) -> String {
        var log = ChangeLog()
        for change in changes {
            switch action {
            case .machineCreate, .keyCreate, .roleCreate, .groupCreate: log.set(change.field, change.new)
            case .machineDelete, .roleDelete, .groupDelete: log.removed(change.field, change.old)
            default: log.change(change.field, from: change.old, to: change.new)
            }
        }
        return log.text
    }
}
