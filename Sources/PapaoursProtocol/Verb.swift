/// Every request of protocol version 1.1, with the shape of its arguments.
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
    // Backup, export and import (papaours-protocol(7), beyond protocol.md's table).
    case backup = "BACKUP"
    case export = "EXPORT"
    case keyImport = "KEY IMPORT"
    case importBegin = "IMPORT BEGIN"
    case importMachine = "IMPORT MACHINE"
    case importKey = "IMPORT KEY"
    case importEvent = "IMPORT EVENT"
    case importCommit = "IMPORT COMMIT"
    case importAbort = "IMPORT ABORT"
    // Rights (protocol.md, "Rights: roles, groups, perimeters").
    case roleCreate = "ROLE CREATE"
    case roleList = "ROLE LIST"
    case roleShow = "ROLE SHOW"
    case roleEdit = "ROLE EDIT"
    case roleDelete = "ROLE DELETE"
    case groupCreate = "GROUP CREATE"
    case groupList = "GROUP LIST"
    case groupShow = "GROUP SHOW"
    case groupEdit = "GROUP EDIT"
    case groupDelete = "GROUP DELETE"
    case importRole = "IMPORT ROLE"
    case importGroup = "IMPORT GROUP"
    // Protocol 1.1: usage history, alerts, rotation (protocol.md).
    case usage = "USAGE"
    case alerts = "ALERTS"
    case keyRotate = "KEY ROTATE"
    // A key's usage history and the alerts in an import (papaours-protocol(7)).
    case importDay = "IMPORT DAY"
    case importAddress = "IMPORT IP"
    case importAlert = "IMPORT ALERT"

    /// Names of the positional arguments, all required, in order.
    public var arguments: [String] {
        switch self {
        case .hello, .ping, .quit, .machineList, .audit, .stats, .backup, .export,
             .importBegin, .importMachine, .importKey, .importEvent, .importCommit, .importAbort,
             .roleList, .groupList, .importRole, .importGroup, .importDay, .importAddress, .importAlert: []
        case .roleCreate, .roleShow, .roleEdit, .roleDelete, .groupCreate, .groupShow, .groupEdit, .groupDelete: ["name"]
        case .machineCreate: ["name"]
        case .machineShow, .machineEdit, .machineDelete, .keyCreate, .keyList: ["machine"]
        case .keyImport: ["machine", "secret"]
        case .keyShow, .keyEdit: ["key-id"]
        case .verify: ["secret"]
        case .usage, .keyRotate: ["key-id"]
        case .alerts: []
        }
    }

    /// Which positional argument is a secret (papaours-protocol(7), Lines and tokens).
    public var secretPosition: Int? { arguments.firstIndex(of: "secret") }

    /// Attributes the verb takes.
    public var attributes: Set<String> {
        switch self {
        case .machineCreate: ["description", "organization", "roles", "groups", "protected"]
        case .machineEdit: ["name", "description", "organization", "roles", "status", "groups", "protected"]
        case .roleCreate: ["description", "rights", "perimeter", "protected"]
        case .roleEdit: ["name", "description", "rights", "perimeter", "protected"]
        case .groupCreate: ["description", "roles", "perimeter", "protected"]
        case .groupEdit: ["name", "description", "roles", "perimeter", "protected"]
        case .importRole: ImportFields.role
        case .importGroup: ImportFields.group
        case .keyCreate, .keyImport: ["label", "expires"]
        case .importMachine: ImportFields.machine
        case .importKey: ImportFields.key
        case .importEvent: ImportFields.event
        case .importDay: ImportFields.day
        case .importAddress: ImportFields.address
        case .importAlert: ImportFields.alert
        case .keyEdit: ["label", "status"]
        case .verify: ["ip", "require"]
        case .audit: ["machine", "after", "before", "limit"]
        case .usage: ["days"]
        case .alerts: ["after", "limit"]
        case .keyRotate: ["grace", "label"]
        default: []
        }
    }

    /// Whether the verb takes `name=`: one of its attributes, or for an imported event the
    /// `old-<field>=` / `new-<field>=` pairs its `changed=` names.
    public func accepts(attribute name: String) -> Bool {
        attributes.contains(name) || (self == .importEvent && (name.hasPrefix("old-") || name.hasPrefix("new-")))
    }

    public var requiredAttributes: Set<String> {
        switch self {
        case .keyCreate, .keyImport: ["label"]
        case .importMachine: ["id", "name"]
        case .importKey: ["id", "machine", "label", "hash"]
        case .importEvent: ["seq", "time", "action"]
        case .importRole, .importGroup: ["name"]
        case .importDay: ["key", "date"]
        case .importAddress: ["key", "address", "first", "last"]
        case .importAlert: ["seq", "time", "kind"]
        default: []
        }
    }

    /// EDIT verbs need at least one attribute.
    public var needsAnAttribute: Bool { [.machineEdit, .keyEdit, .roleEdit, .groupEdit].contains(self) }

    /// Whether the verb changes the store (and so goes to the writer).
    public var isWrite: Bool {
        switch self {
        case .machineCreate, .machineEdit, .machineDelete, .keyCreate, .keyEdit, .keyImport, .importCommit,
             .roleCreate, .roleEdit, .roleDelete, .groupCreate, .groupEdit, .groupDelete: true
        case .keyRotate: true
        default: false
        }
    }

    /// First words that take a second word.
    static let groups: Set<String> = ["MACHINE", "KEY", "IMPORT", "ROLE", "GROUP"]
}

/// The attributes of exported records, as EXPORT sends them and IMPORT takes them back.
public enum ImportFields {
    public static let machine: Set<String> = ["id", "name", "description", "organization", "roles", "status", "created", "created-by", "updated", "keys",
                                              "groups", "protected", "rights"]
    public static let role: Set<String> = ["name", "description", "rights", "perimeter", "protected", "created", "created-by", "updated", "machines"]
    public static let group: Set<String> = ["name", "description", "roles", "perimeter", "protected", "created", "created-by", "updated", "machines"]
    public static let key: Set<String> = ["id", "machine", "label", "status", "created", "created-by", "updated", "expires", "last-used", "uses", "last-ip", "hash"]
    public static let event: Set<String> = ["seq", "time", "uid", "user", "action", "target", "machine", "details", "changed"]
    /// A key's day (`DAY`), one of its addresses (`IP`): USAGE's lines with `key=`.
    public static let day: Set<String> = ["key", "date", "ok", "denied"]
    public static let address: Set<String> = ["key", "address", "first", "last", "count"]
    /// An alert's figures after `details` (PapaoursStore's `AlertKind.factNames`).
    public static let alert: Set<String> = ["seq", "time", "kind", "key", "machine", "ip", "details",
                                            "reason", "count", "created", "others", "calls", "median", "uid"]
}
