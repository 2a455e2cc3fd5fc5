/// A value out of its bounds: the field, and what is wrong with it, in words.
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(field) \(problem)" }
}

/// The bounds of every user-supplied field (protocol.md, Records).
public enum Validation {
    public static let nameLength = 1...128
    public static let descriptionLength = 0...1000
    public static let organizationLength = 0...128
    public static let labelLength = 1...100
    public static let roleLength = 1...64
    public static let maxRoles = 64

    /// Text of `length` characters (Unicode scalars) with no control character;
    /// `allowingLineBreaks` lets a description hold LF and TAB.
    public static func text(_ value: String, field: String, length: ClosedRange<Int>,
                            allowingLineBreaks: Bool = false) throws(ValidationError) -> String {
        // Printable ASCII (VERIFY's ip=, most names): no control character, one scalar a byte,
        // and no Unicode property lookup.
        let utf8 = value.utf8
        if length.contains(utf8.count), utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return value }
        var count = 0
        for scalar in value.unicodeScalars {
            count += 1
            if scalar.properties.generalCategory == .control {
                if allowingLineBreaks && (scalar == "\n" || scalar == "\t") { continue }
                throw ValidationError(field: field, problem: "must not contain control characters")
            }
        }
        guard length.contains(count) else {
            if length.lowerBound == 0 {
                throw ValidationError(field: field, problem: "must be at most \(length.upperBound) characters (got \(count))")
            }
            throw ValidationError(field: field, problem: "must be \(length.lowerBound) to \(length.upperBound) characters (got \(count))")
        }
        return value
    }

    /// The most bytes a store key may have (LMDB's limit): a name's fold key is one.
    public static let maxStoredKeyBytes = 511

    /// A machine reference is tried as an id first, so a name of the id form could never be reached.
    public static func machineName(_ value: String) throws(ValidationError) -> String {
        let name = try text(value, field: "name", length: nameLength)
        guard MachineID(name) == nil else {
            throw ValidationError(field: "name", problem: "must not have the form of a machine id (m_ and 16 of [a-z0-9]): a reference of that form is read as an id")
        }
        guard isStorableKey(name) else {
            throw ValidationError(field: "name", problem: "must be at most \(maxStoredKeyBytes) bytes in UTF-8 once folded for case (got \(nameFoldKey(name).utf8.count))")
        }
        return name
    }

    /// Whether a text can be looked up as a name: non-empty and its fold key within the store's key size.
    public static func isStorableKey(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= maxStoredKeyBytes && nameFoldKey(name).utf8.count <= maxStoredKeyBytes
    }

    public static func description(_ value: String) throws(ValidationError) -> String {
        try text(value, field: "description", length: descriptionLength, allowingLineBreaks: true)
    }

    public static func organization(_ value: String) throws(ValidationError) -> String {
        try text(value, field: "organization", length: organizationLength)
    }

    public static func label(_ value: String) throws(ValidationError) -> String {
        try text(value, field: "label", length: labelLength)
    }

    /// A comma-separated role list; empty means no role. Duplicates are kept once, in order.
    public static func roles(_ list: String) throws(ValidationError) -> [String] {
        try names(list, field: "roles", noun: "role", most: maxRoles)
    }

    /// A list of names of the role form ([A-Za-z0-9._:-], 1 to 64 each), each kept once, in order.
    static func names(_ list: String, field: String, noun: String, most: Int) throws(ValidationError) -> [String] {
        if list.isEmpty { return [] }
        var names: [String] = []
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
            guard roleLength.contains(part.utf8.count) else {
                throw ValidationError(field: field, problem: "has a \(noun) of \(part.utf8.count) characters; each must be 1 to \(roleLength.upperBound)")
            }
            for byte in part.utf8 where !isRoleByte(byte) {
                throw ValidationError(field: field, problem: "has \(noun) \"\(part)\" with a character outside [A-Za-z0-9._:-]")
            }
            let name = String(part)
            if !names.contains(name) { names.append(name) }
        }
        guard names.count <= most else {
            throw ValidationError(field: field, problem: "must list at most \(most) \(noun)s")
        }
        return names
    }

    public static func status(_ value: String) throws(ValidationError) -> Status {
        guard let status = Status(wire: value) else {
            throw ValidationError(field: "status", problem: "must be active or inactive")
        }
        return status
    }

    /// An expiry: empty for none, else an RFC 3339 time after `now`.
    public static func expiry(_ value: String, now: Timestamp) throws(ValidationError) -> Timestamp? {
        if value.isEmpty { return nil }
        guard let time = Timestamp(rfc3339: value) else {
            throw outOfBounds(value, field: "expires")
                ?? ValidationError(field: "expires", problem: "must be an RFC 3339 time such as 2027-01-31T00:00:00Z")
        }
        guard time > now else {
            throw ValidationError(field: "expires", problem: "must be in the future")
        }
        return time
    }

    /// The error for a well-formed time past what a record can carry, or nil.
    public static func outOfBounds(_ value: String, field: String) -> ValidationError? {
        guard Timestamp.isOutOfBounds(rfc3339: value) else { return nil }
        return ValidationError(field: field, problem: "must be from \(Timestamp.earliest) to \(Timestamp.latest)")
    }

    /// The form under which machine names are compared: without regard to case (ß and SS,
    /// σ and ς alike) and with canonically equivalent spellings (é and e + U+0301) made one.
    public static func nameFoldKey(_ name: String) -> String {
        // _nfcCodeUnits: the stdlib's NFC, so that Foundation stays out of the daemon.
        String(decoding: name.uppercased().lowercased()._nfcCodeUnits, as: UTF8.self)
    }

    private static func isRoleByte(_ b: UInt8) -> Bool {
        Base62.isDigit(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || b == UInt8(ascii: "-")
    }
}
