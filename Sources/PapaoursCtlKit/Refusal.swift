import PapaoursClient
import PapaoursCore

/// A `NO` said in the user's language from its code and from what the client knows: the
/// command typed, its arguments and the permission it needs. The daemon's English text is
/// never part of it (`--verbose` shows it on a line of its own).
enum Refusal {
    /// The sentence for NO `code` answered to `command` (nil: a request sent outside a command).
    /// `granted`: what the peer holds (HELLO), when known: a `forbidden` despite the command's
    /// permission is about what it touches (protected, or outside a scoped grant).
    static func sentence(_ code: String, command: ParsedCommand?, granted: Permissions? = nil, text: Localizer) -> String {
        let path = command?.spec.path ?? []
        let name = command?.spec.name ?? ""
        let rightsRecord = ["role", "group"].contains(path.first ?? "") ? path.first : nil
        switch code {
        case "forbidden":
            guard let command else { return text(.noForbidden) }
            if let granted, granted.isSuperset(of: needed(by: command)) {
                return text(.forbiddenReach, name, text(.permissionQuoted, text(.permRightsAdmin), "rights.admin"))
            }
            return text(.forbiddenCommand, name, permissions(needed(by: command), text), currentUser())
        case "not-found" where rightsRecord != nil:
            return text(rightsRecord == "role" ? .roleNotFound : .groupNotFound, command?.positionals.first ?? "")
        case "not-found" where path == ["machine", "create"] || (path == ["machine", "edit"] && command?.values("role").isEmpty == false):
            // A group or a role named by the command does not exist (the machine of an edit, if it is not that).
            return text(.noNotFound) + text(.verboseHint)
        case "exists" where rightsRecord != nil:
            let taken = path.last == "edit" ? command?.value("name") ?? "" : command?.positionals.first ?? ""
            return text(rightsRecord == "role" ? .roleExists : .groupExists, taken)
        case "invalid" where rightsRecord != nil && path.last == "delete":
            return text(rightsRecord == "role" ? .roleHeld : .groupHeld, command?.positionals.first ?? "")
        case "not-found":
            if let machine = machineArgument(of: command) { return text(.machineNotFound, machine) }
            if let command, command.spec.positionals.first?.name == Catalog.key.name {
                return text(.keyNotFound, command.positionals[0], name)
            }
            return text(.noNotFound)
        case "exists":
            switch path {
            case ["machine", "create"]: return text(.machineExists, command?.positionals.first ?? "")
            case ["machine", "edit"]: return text(.machineExists, command?.value("name") ?? "")
            case ["key", "import"]: return text(.keyExists)
            case ["import"]: return text(.importConflict) + text(.verboseHint)
            default: return text(.noExists)
            }
        case "invalid":
            if path == ["key", "import"] { return text(.importKeyRefused) }
            return command.map { text(.invalidValue, $0.spec.name) + text(.verboseHint) } ?? text(.noInvalid)
        case "busy": return text(.noBusy)
        case "unavailable": return text(.noUnavailable)
        default:
            if let reason = VerifyRefusal.Reason(rawValue: code) { return verifySentence(reason, secret: nil, text: text) }
            return text(.noOther, code)
        }
    }

    /// Why VERIFY refused a key; for `malformed-key`, what is wrong with `secret`, checked here.
    static func verifySentence(_ reason: VerifyRefusal.Reason, secret: String?, text: Localizer) -> String {
        switch reason {
        case .malformedKey:
            guard let secret, let problem = malformation(of: secret) else { return text(.noMalformedKey) }
            return text(.withDetail, text(.noMalformedKey), text(problem))
        case .unknownKey: return text(.noUnknownKey)
        case .inactiveKey: return text(.noInactiveKey)
        case .expiredKey: return text(.noExpiredKey)
        case .inactiveMachine: return text(.noInactiveMachine)
        case .missingRight: return text(.missingRight)
        }
    }

    /// The wrong part of a key that papaoursd would call malformed, by the rules of protocol.md.
    static func malformation(of secret: String) -> Message? {
        let bytes = Array(secret.utf8)
        if bytes.count > VerifyRefusal.maxKeyLength { return .malformedLength }
        switch Secret.classify(bytes) {
        case .success: return nil
        case .failure(.wrongLength): return .malformedLength
        case .failure(.wrongAlphabet): return .malformedAlphabet
        case .failure(.wrongChecksum): return .malformedChecksum
        }
    }

    /// The command's permission, and machines.read too when a key is looked up by its label.
    static func needed(by command: ParsedCommand) -> Permissions {
        var needed = command.spec.permission
        if KeyReference.byLabel(command) { needed.insert(.machinesRead) }
        return needed
    }

    /// « Gestion des droits / Machines / Écriture » (machines.write), as the user guide names them.
    static func permissions(_ permissions: Permissions, _ text: Localizer) -> String {
        let named: [(Permissions, Message)] = [(.machinesRead, .permMachinesRead), (.machinesWrite, .permMachinesWrite),
                                               (.keysVerify, .permKeysVerify), (.auditRead, .permAuditRead),
                                               (.rightsAdmin, .permRightsAdmin)]
        return named.filter { permissions.contains($0.0) }.map { permission, words in
            let wire = Permissions.names.first { $0.1 == permission }?.0 ?? ""
            return text(.permissionQuoted, text(words), wire)
        }.joined(separator: text(.and))
    }

    /// The machine a command names, when a not-found can only be about it.
    private static func machineArgument(of command: ParsedCommand?) -> String? {
        guard let command else { return nil }
        if command.spec.path == ["audit"] { return command.value("machine") }
        if command.spec.positionals.first?.name == Catalog.machine.name || KeyReference.byLabel(command) {
            return command.positionals[0]
        }
        return nil
    }

    /// `alice (uid 1000)`: who papaoursd sees, from this process's credentials.
    static func currentUser() -> String {
        let uid = SystemUser.uid
        return "\(SystemUser.name(of: uid) ?? String(uid)) (uid \(uid))"
    }
}
