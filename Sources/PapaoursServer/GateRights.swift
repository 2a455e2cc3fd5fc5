import PapaoursCore

/// A right a gate request may require: `<permission>:<operation>` (protocol.md, "Rights").
struct RequiredRight: Hashable, CustomStringConvertible {
    static let operations = ["read", "write", "delete", "archive"]

    let permission: String
    let operation: String

    /// nil unless `text` is `[a-z][a-z0-9._-]{0,63}` `:` one of the operations.
    init?(_ text: Substring) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, RequiredRight.operations.contains(String(parts[1])) else { return nil }
        let name = parts[0].utf8
        guard let first = name.first, (0x61...0x7A).contains(first), name.count <= 64,
              name.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D })
        else { return nil }
        permission = String(parts[0])
        operation = String(parts[1])
    }

    var description: String { "\(permission):\(operation)" }

    /// A comma-separated list; an empty text requires nothing. Throws the first item that is not a right.
    static func list(_ text: String) throws(GateRightsError) -> [RequiredRight] {
        guard !text.isEmpty else { return [] }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { (item) throws(GateRightsError) -> RequiredRight in
            guard let right = RequiredRight(item) else { throw GateRightsError(item: String(item)) }
            return right
        }
    }
}

struct GateRightsError: Error {
    let item: String
    var message: String {
        "require: \"\(item)\" is not a right (PERMISSION:OPERATION, the operation one of \(RequiredRight.operations.joined(separator: ", ")))"
    }
}

enum EffectiveRights {
    /// The machine's effective rights. The rights model (roles → rights, perimeters) has not
    /// landed yet: until it does every machine holds none, so any `require` fails closed (403).
    /// The rights work replaces this one function.
    static func of(_ machine: MachineRecord) -> Set<RequiredRight> { [] }

    /// The machine's groups, likewise empty until groups exist.
    static func groups(of machine: MachineRecord) -> [String] { [] }
}
