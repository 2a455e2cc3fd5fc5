import PapaoursCore
import PapaoursProtocol

extension Verb {
    /// The permission a peer needs for this verb (protocol.md, Verbs); empty for none.
    var requiredPermission: Permissions {
        switch self {
        case .hello, .ping, .quit: []
        case .machineCreate, .machineEdit, .machineDelete, .keyCreate, .keyEdit: .machinesWrite
        case .roleCreate, .roleEdit, .roleDelete, .groupCreate, .groupEdit, .groupDelete: .machinesWrite
        case .machineList, .machineShow, .keyList, .keyShow, .stats, .roleList, .roleShow, .groupList, .groupShow: .machinesRead
        case .verify: .keysVerify
        case .audit: .auditRead
        case .backup, .export: [.machinesWrite, .auditRead]
        case .keyImport, .importBegin, .importMachine, .importKey, .importEvent, .importCommit, .importAbort,
             .importRole, .importGroup, .importDay, .importAddress, .importAlert: .machinesWrite
        case .keyRotate: .machinesWrite
        case .usage: .machinesRead
        case .alerts: .auditRead
        }
    }

    /// The audit action name of a write verb (`machine.create`…), for `denied` events.
    var actionName: String { rawValue.lowercased().split(separator: " ").joined(separator: ".") }
}

