import PapaoursCore
import PapaoursStore

/// The answer VERIFY gives, by its code: STATS and /metrics count them, the gate maps them to HTTP.
enum VerifyResult: String, CaseIterable, Sendable {
    case ok
    case malformedKey = "malformed-key"
    case unknownKey = "unknown-key"
    case inactiveKey = "inactive-key"
    case expiredKey = "expired-key"
    case inactiveMachine = "inactive-machine"
    case missingRight = "missing-right"

    /// Its place in allCases, without building the array (VERIFY's hot path counts by it).
    var index: Int {
        switch self {
        case .ok: 0
        case .malformedKey: 1
        case .unknownKey: 2
        case .inactiveKey: 3
        case .expiredKey: 4
        case .inactiveMachine: 5
        case .missingRight: 6
        }
    }

    init(_ outcome: VerifyOutcome) {
        switch outcome {
        case .valid: self = .ok
        case .unknownKey: self = .unknownKey
        case .inactiveKey: self = .inactiveKey
        case .expiredKey: self = .expiredKey
        case .inactiveMachine: self = .inactiveMachine
        }
    }
}

/// Who a valid key is, for the HTTP gate's headers (the line reply has it encoded already).
/// Made for every VERIFY that reads the store: the key's id is kept in two words and spelled
/// out only when a gate response asks for it.
struct VerifyIdentity {
    let machine: MachineRecord
    let key: StoredID
    let label: String

    init(machine: MachineRecord, key: KeyView) {
        self.machine = machine
        self.key = StoredID(key.id)!
        label = String(decoding: key.label, as: UTF8.self)
    }

    var keyID: String { key.id(as: KeyID.self).value }
}

/// What VERIFY's checks decided about a presented secret (Dispatcher.verdict), before any
/// reply is written: the line protocol sends `reply`, the HTTP gate builds its response.
enum VerifyVerdict {
    /// The store's outcome, with its line reply, read at `at`.
    case decided(VerifyCache.Entry, at: Timestamp)
    /// The secret's form is wrong (no store access).
    case malformed(Secret.Malformation)
    /// The `ip=` given is not acceptable text.
    case invalidIP(String)
    /// The store could not answer.
    case storeFailure(StoreError)

    /// The answer's code, for a verdict that counts as a VERIFY.
    var result: VerifyResult? {
        switch self {
        case .decided(let entry, _): VerifyResult(entry.outcome)
        case .malformed: .malformedKey
        case .invalidIP, .storeFailure: nil
        }
    }

    static func malformedMessage(_ why: Secret.Malformation) -> String { "the key is malformed: \(why)" }

    /// The first right of the well-formed `required` list that a valid key's machine lacks (nil
    /// for any other answer, and when nothing is required).
    func missingRight(of required: UnsafeRawBufferPointer) -> String? {
        guard !required.isEmpty, case .decided(let entry, _) = self, entry.key != nil else { return nil }
        return RequiredRights.firstMissing(required, held: entry.held)
    }

    static func missingRightMessage(_ missing: String) -> String { "the machine of this key lacks the right \(missing)" }

    /// The reply line of the line protocol.
    var reply: [UInt8] {
        switch self {
        case .decided(let entry, _): entry.reply
        case .malformed(let why): ReplyFormat.no(VerifyResult.malformedKey.rawValue, VerifyVerdict.malformedMessage(why))
        case .invalidIP(let message): ReplyFormat.no("invalid", message)
        case .storeFailure(let error): ReplyFormat.no(error)
        }
    }
}

extension VerifyOutcome {
    /// The sentence that goes with a refusal, on a NO line and in the gate's JSON body alike.
    var refusalMessage: String {
        switch self {
        case .valid: "the key is valid"
        case .unknownKey: "no such key"
        case .inactiveKey: "this key is inactive"
        case .expiredKey(let expires): "this key expired at \(expires)"
        case .inactiveMachine: "the machine of this key is inactive"
        }
    }

    /// The NO line of a refusal.
    var refusalReply: [UInt8] { ReplyFormat.no(VerifyResult(self).rawValue, refusalMessage) }
}
