/// The bounds of roles, groups and the rights fields of machines.
extension Validation {
    public static let maxRights = 256
    public static let maxPerimeter = 256
    public static let maxGroups = 64

    /// A role's name: one of today's role names ([A-Za-z0-9._:-], 1 to 64).
    public static func roleName(_ value: String) throws(ValidationError) -> String {
        try single(roles(value), field: "role name", of: value)
    }

    /// A group's name: the same form as a role's.
    public static func groupName(_ value: String) throws(ValidationError) -> String {
        try single(groups(value), field: "group name", of: value)
    }

    /// A comma-separated group list: the form of a role list.
    public static func groups(_ list: String) throws(ValidationError) -> [String] {
        try names(list, field: "groups", noun: "group", most: maxGroups)
    }

    /// A comma-separated list of rights, possibly empty; sorted, each once.
    public static func rights(_ list: String) throws(ValidationError) -> [Right] {
        if list.isEmpty { return [] }
        var rights = Set<Right>()
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
            guard let right = Right(part) else {
                throw ValidationError(field: "rights", problem: "has \"\(part)\", not a right: <permission>:<operation>, permission [a-z][a-z0-9._-]{0,63}, operation read, write, delete or archive")
            }
            rights.insert(right)
        }
        guard rights.count <= maxRights else { throw ValidationError(field: "rights", problem: "must list at most \(maxRights) rights") }
        return rights.sorted()
    }

    /// `yes` or `no`.
    public static func protected(_ value: String) throws(ValidationError) -> Bool {
        switch value {
        case "yes": return true
        case "no": return false
        default: throw ValidationError(field: "protected", problem: "must be yes or no")
        }
    }

    private static func single(_ names: [String], field: String, of value: String) throws(ValidationError) -> String {
        guard names.count == 1, names[0] == value else {
            throw ValidationError(field: field, problem: "must be 1 to \(roleLength.upperBound) characters of [A-Za-z0-9._:-]")
        }
        return value
    }
}
