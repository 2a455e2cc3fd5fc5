import PapaoursCore

/// Every command papaoursctl knows, with its arguments and options.
public enum Catalog {
    static let helpPath = ["help"]

    // Options shared by several commands, defined once.
    static let description = OptionSpec("description", value: "TEXT", help: .optDescription)
    static let organization = OptionSpec("organization", value: "ORG", help: .optOrganization)
    static let role = OptionSpec("role", value: "ROLE", repeatable: true, help: .optRole)
    static let active = OptionSpec("active", help: .optActive)
    static let inactive = OptionSpec("inactive", help: .optInactive)
    static let machine = PositionalSpec("MACHINE", help: .argMachine)
    static let key = PositionalSpec("KEY", help: .argKey)
    /// `key disable web "Clé production"`: a key by its machine and label.
    static let keyLabel = PositionalSpec("LABEL", help: .argKeyLabel, optional: true)
    static let read = Permissions.machinesRead, write = Permissions.machinesWrite
    static let group = OptionSpec("group", value: "GROUP", repeatable: true, help: .optGroup)
    static let noGroups = OptionSpec("no-groups", help: .optNoGroups)
    static let protected = OptionSpec("protected", help: .optProtected)
    static let unprotected = OptionSpec("unprotected", help: .optUnprotected)
    static let perimeter = OptionSpec("perimeter", value: "ORG", repeatable: true, help: .optPerimeter)
    static let roleName = PositionalSpec("ROLE", help: .argRoleRef)
    static let groupName = PositionalSpec("GROUP", help: .argGroupRef)

    public static let machineGroup = CommandGroup(name: "machine", summary: .sumMachine, commands: [
        CommandSpec(["machine", "create"], summary: .sumMachineCreate,
                    positionals: [PositionalSpec("NAME", help: .argName)],
                    options: [description, organization, role, group,
                              OptionSpec("protected", help: .optMachineProtected)], permission: write, run: MachineCommands.create),
        CommandSpec(["machine", "list"], summary: .sumMachineList, permission: read, run: MachineCommands.list),
        CommandSpec(["machine", "show"], summary: .sumMachineShow, positionals: [machine], permission: read, run: MachineCommands.show),
        CommandSpec(["machine", "edit"], summary: .sumMachineEdit, positionals: [machine],
                    options: [OptionSpec("name", value: "NAME", help: .optName), description, organization, role,
                              OptionSpec("no-roles", help: .optNoRoles), group, noGroups,
                              OptionSpec("protected", help: .optMachineProtected), unprotected, active, inactive],
                    permission: write, run: MachineCommands.edit),
        CommandSpec(["machine", "delete"], summary: .sumMachineDelete, positionals: [machine],
                    options: [OptionSpec("yes", help: .optYes)], permission: write, run: MachineCommands.delete),
    ])

    public static let keyGroup = CommandGroup(name: "key", summary: .sumKey, commands: [
        CommandSpec(["key", "create"], summary: .sumKeyCreate, positionals: [machine],
                    options: [OptionSpec("label", value: "LABEL", required: true, help: .optLabel),
                              OptionSpec("expires", value: "TIME", help: .optExpires),
                              OptionSpec("output", value: "FILE", help: .optOutput)],
                    permission: write, run: KeyCommands.create),
        CommandSpec(["key", "import"], summary: .sumKeyImport, positionals: [machine],
                    options: [OptionSpec("label", value: "LABEL", required: true, help: .optLabel),
                              OptionSpec("expires", value: "TIME", help: .optExpires),
                              OptionSpec("key-file", value: "FILE", help: .optImportKeyFile)],
                    permission: write, run: KeyCommands.importKey),
        CommandSpec(["key", "list"], summary: .sumKeyList, positionals: [machine], permission: read, run: KeyCommands.list),
        CommandSpec(["key", "show"], summary: .sumKeyShow, positionals: [key, keyLabel], permission: read, run: KeyCommands.show),
        CommandSpec(["key", "edit"], summary: .sumKeyEdit, positionals: [key, keyLabel],
                    options: [OptionSpec("label", value: "LABEL", help: .optLabel), active, inactive],
                    permission: write, run: KeyCommands.edit),
        CommandSpec(["key", "disable"], summary: .sumKeyDisable, positionals: [key, keyLabel], permission: write, run: KeyCommands.disable),
        CommandSpec(["key", "enable"], summary: .sumKeyEnable, positionals: [key, keyLabel], permission: write, run: KeyCommands.enable),
        CommandSpec(["key", "usage"], summary: .sumKeyUsage, positionals: [key, keyLabel],
                    options: [OptionSpec("days", value: "N", help: .optDays), OptionSpec("ascii", help: .optASCII)],
                    permission: read, run: UsageCommands.usage),
        CommandSpec(["key", "rotate"], summary: .sumKeyRotate, positionals: [key, keyLabel],
                    options: [OptionSpec("grace", value: "DURATION", help: .optGrace),
                              OptionSpec("label", value: "LABEL", help: .optRotateLabel),
                              OptionSpec("output", value: "FILE", help: .optRotateOutput)],
                    permission: write, run: UsageCommands.rotate),
    ])

    /// Roles and groups: the same five commands over both (RightsCommands).
    static func rightsGroup(_ kind: RightsCommands.Kind) -> CommandGroup {
        let noun = kind == .role ? "role" : "group"
        let members = kind == .role
            ? [OptionSpec("right", value: "RIGHT", repeatable: true, help: .optRight)]
            : [OptionSpec("role", value: "ROLE", repeatable: true, help: .optGroupRole)]
        let noMembers = kind == .role ? OptionSpec("no-rights", help: .optNoRights) : OptionSpec("no-roles", help: .optNoRoles)
        let reference = kind == .role ? roleName : groupName
        let messages: [Message] = kind == .role
            ? [.sumRole, .sumRoleCreate, .sumRoleList, .sumRoleShow, .sumRoleEdit, .sumRoleDelete, .argRoleName, .optRoleName]
            : [.sumGroup, .sumGroupCreate, .sumGroupList, .sumGroupShow, .sumGroupEdit, .sumGroupDelete, .argGroupName, .optGroupNewName]
        return CommandGroup(name: noun, summary: messages[0], commands: [
            CommandSpec([noun, "create"], summary: messages[1], positionals: [PositionalSpec("NAME", help: messages[6])],
                        options: [description] + members + [perimeter, protected], permission: write, run: RightsCommands.create(kind)),
            CommandSpec([noun, "list"], summary: messages[2], permission: read, run: RightsCommands.list(kind)),
            CommandSpec([noun, "show"], summary: messages[3], positionals: [reference], permission: read, run: RightsCommands.showCommand(kind)),
            CommandSpec([noun, "edit"], summary: messages[4], positionals: [reference],
                        options: [OptionSpec("name", value: "NAME", help: messages[7]), description] + members
                            + [noMembers, perimeter, protected, unprotected],
                        permission: write, run: RightsCommands.edit(kind)),
            CommandSpec([noun, "delete"], summary: messages[5], positionals: [reference], permission: write, run: RightsCommands.delete(kind)),
        ])
    }

    public static let entries: [CatalogEntry] = [
        .group(machineGroup),
        .group(keyGroup),
        .group(rightsGroup(.role)),
        .group(rightsGroup(.group)),
        .command(CommandSpec(["verify"], summary: .sumVerify,
                             options: [OptionSpec("key-file", value: "FILE", help: .optKeyFile),
                                       OptionSpec("ip", value: "ADDR", help: .optIP),
                                       OptionSpec("require", value: "RIGHTS", help: .optRequire)],
                             permission: .keysVerify, run: VerifyCommand.run)),
        .command(CommandSpec(["audit"], summary: .sumAudit,
                             options: [OptionSpec("machine", value: "MACHINE", help: .optAuditMachine),
                                       OptionSpec("after", value: "SEQ", help: .optAfter),
                                       OptionSpec("before", value: "SEQ", help: .optBefore),
                                       OptionSpec("limit", value: "N", help: .optLimit)],
                             permission: .auditRead, run: AuditCommand.run)),
        .command(CommandSpec(["alerts"], summary: .sumAlerts,
                             options: [OptionSpec("after", value: "SEQ", help: .optAlertsAfter),
                                       OptionSpec("limit", value: "N", help: .optAlertsLimit),
                                       OptionSpec("follow", help: .optFollow)],
                             permission: .auditRead, run: UsageCommands.alerts)),
        .command(CommandSpec(["status"], summary: .sumStatus, permission: read, run: StatusCommand.run)),
        .command(CommandSpec(["backup"], summary: .sumBackup, positionals: [PositionalSpec("FILE", help: .argBackupFile)],
                             permission: [.machinesWrite, .auditRead], run: BackupCommands.backup)),
        .command(CommandSpec(["export"], summary: .sumExport,
                             options: [OptionSpec("output", value: "FILE", help: .optExportOutput)],
                             permission: [.machinesWrite, .auditRead], run: BackupCommands.export)),
        .command(CommandSpec(["import"], summary: .sumImport, positionals: [PositionalSpec("FILE", help: .argImportFile)],
                             permission: write, run: BackupCommands.importFile)),
        // Parsed by ArgumentParser itself; never run.
        .command(CommandSpec(helpPath, summary: .sumHelp,
                             positionals: [PositionalSpec("COMMAND", help: .argTopic, optional: true, variadic: true)],
                             run: { _ in })),
    ]

    /// Every runnable command, in catalog order.
    public static var commands: [CommandSpec] {
        entries.flatMap { entry -> [CommandSpec] in
            switch entry {
            case .group(let group): group.commands
            case .command(let command): [command]
            }
        }
    }
}
