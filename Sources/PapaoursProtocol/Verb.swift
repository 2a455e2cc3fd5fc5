/// Every request of protocol version 1, with the shape of its arguments.
public enum Verb: String, Sendable, CaseIterable {
    case hello = "HELLO"
    case ping = "PING"
    case quit = "QUIT"
    case machineCreate = "MACHINE CREATE"
    case machineList = "MACHINE LIST"
    case machineShow = "MACHINE SHOW"
    case machineEdit = "MACHINE EDIT"
    case machineDelete = "MACHINE DELETE"
    case keyCreate = "KEY CREATE"
    case keyList = "KEY LIST"
    case keyShow = "KEY SHOW"
    case keyEdit = "KEY EDIT"
    case verify = "VERIFY"
    case audit = "AUDIT"
    case stats = "STATS"

    /// Names of the positional arguments, all required, in order.
    public var arguments: [String] {
        switch self {
        case .hello, .ping, .quit, .machineList, .audit, .stats: []
        case .machineCreate: ["name"]
        case .machineShow, .machineEdit, .machineDelete, .keyCreate, .keyList: ["machine"]
        case .keyShow, .keyEdit: ["key-id"]
        case .verify: ["secret"]
        }
    }

    /// Attributes the verb takes.
    public var attributes: Set<String> {
        switch self {
        case .machineCreate: ["description", "organization", "roles"]
        case .machineEdit: ["name", "description", "organization", "roles", "status"]
        case .keyCreate: ["label", "expires"]
        case .keyEdit: ["label", "status"]
        case .verify: ["ip"]
        case .audit: ["machine", "after", "limit"]
        default: []
        }
    }

    public var requiredAttributes: Set<String> { self == .keyCreate ? ["label"] : [] }

    /// EDIT verbs need at least one attribute.
    public var needsAnAttribute: Bool { self == .machineEdit || self == .keyEdit }

    /// Whether the verb changes the store (and so goes to the writer).
    public var isWrite: Bool {
        switch self {
        case .machineCreate, .machineEdit, .machineDelete, .keyCreate, .keyEdit: true
        default: false
        }
    }

    /// First words that take a second word.
    static let groups: Set<String> = ["MACHINE", "KEY"]
}
