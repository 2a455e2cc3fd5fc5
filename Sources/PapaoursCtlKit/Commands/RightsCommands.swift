import PapaoursClient
import PapaoursCore

/// `papaoursctl role …` and `papaoursctl group …`: the same five commands over two kinds of
/// record, a role holding rights and a group holding roles.
enum RightsCommands {
    enum Kind: Sendable {
        case role, group

        /// The option naming what the record holds: `--right` for a role, `--role` for a group.
        var memberOption: String { self == .role ? "right" : "role" }
        var noMembersOption: String { self == .role ? "no-rights" : "no-roles" }
    }

    static func create(_ kind: Kind) -> @Sendable (CommandContext) throws -> Void {
        { context in
            let name = context.argument(0)
            var fields = try changes(kind, in: context)
            fields.name = nil
            switch kind {
            case .role: show(try context.client.roleCreate(name, fields), heading: .roleCreated, in: context)
            case .group: show(try context.client.groupCreate(name, fields), heading: .groupCreated, in: context)
            }
        }
    }

    static func list(_ kind: Kind) -> @Sendable (CommandContext) throws -> Void {
        { context in
            let render = context.render
            switch kind {
            case .role:
                let roles = try context.client.roleList()
                if context.json { return context.console.print(.array(roles.map { .record($0.raw) })) }
                if roles.isEmpty { return context.console.print(render.text(.noRoles)) }
                context.console.print(render.roleTable(roles))
            case .group:
                let groups = try context.client.groupList()
                if context.json { return context.console.print(.array(groups.map { .record($0.raw) })) }
                if groups.isEmpty { return context.console.print(render.text(.noGroups)) }
                context.console.print(render.groupTable(groups))
            }
        }
    }

    static func showCommand(_ kind: Kind) -> @Sendable (CommandContext) throws -> Void {
        { context in
            switch kind {
            case .role: show(try context.client.roleShow(context.argument(0)), heading: nil, in: context)
            case .group: show(try context.client.groupShow(context.argument(0)), heading: nil, in: context)
            }
        }
    }

    static func edit(_ kind: Kind) -> @Sendable (CommandContext) throws -> Void {
        { context in
            let name = context.argument(0)
            let fields = try changes(kind, in: context)
            try context.requireChange(fields != RightsChanges(), options: ["--name", "--description", "--" + kind.memberOption,
                                                                           "--" + kind.noMembersOption, "--perimeter",
                                                                           "--protected", "--unprotected"])
            switch kind {
            case .role: show(try context.client.roleEdit(name, fields), heading: .roleUpdated, in: context)
            case .group: show(try context.client.groupEdit(name, fields), heading: .groupUpdated, in: context)
            }
        }
    }

    static func delete(_ kind: Kind) -> @Sendable (CommandContext) throws -> Void {
        { context in
            let name = context.argument(0)
            switch kind {
            case .role: try context.client.roleDelete(name)
            case .group: try context.client.groupDelete(name)
            }
            if context.json { return context.console.print(.object([("name", .string(name))])) }
            context.console.print(context.text(kind == .role ? .roleDeleted : .groupDeleted, name))
        }
    }

    /// The options as changes, each checked here so that a mistake is named before anything is sent.
    static func changes(_ kind: Kind, in context: CommandContext) throws(UsageError) -> RightsChanges {
        let command = context.command
        let path = command.spec.path
        var fields = RightsChanges(name: command.value("name"), description: command.value("description"))
        let members = command.values(kind.memberOption)
        if command.flag(kind.noMembersOption) {
            guard members.isEmpty else {
                throw UsageError(.conflictingOptions, ["--" + kind.memberOption, "--" + kind.noMembersOption], command: path)
            }
            fields.members = []
        } else if !members.isEmpty {
            for member in members {
                switch kind {
                case .role: guard Right(member) != nil else { throw UsageError(.badRights, [member], command: path) }
                case .group: guard (try? Validation.roleName(member)) != nil else { throw UsageError(.badRoleName, [member], command: path) }
                }
            }
            fields.members = members
        }
        let perimeter = command.values("perimeter")
        if let comma = perimeter.first(where: { $0.contains(",") }) { throw UsageError(.perimeterComma, [comma], command: path) }
        if !perimeter.isEmpty { fields.perimeter = perimeter.contains("*") ? ["*"] : perimeter }
        fields.protected = try context.protectedOption()
        return fields
    }

    private static func show(_ role: Role, heading: Message?, in context: CommandContext) {
        if context.json { return context.console.print(.record(role.raw)) }
        if let heading { context.console.print(context.text(heading)) }
        context.console.print(context.render.roleDetails(role))
    }

    private static func show(_ group: Group, heading: Message?, in context: CommandContext) {
        if context.json { return context.console.print(.record(group.raw)) }
        if let heading { context.console.print(context.text(heading)) }
        context.console.print(context.render.groupDetails(group))
    }
}

extension CommandContext {
    /// `--protected` / `--unprotected`, nil when neither.
    func protectedOption() throws(UsageError) -> Bool? {
        let on = command.flag("protected"), off = command.flag("unprotected")
        if on && off { throw UsageError(.conflictingOptions, ["--protected", "--unprotected"], command: command.spec.path) }
        return on ? true : off ? false : nil
    }

    /// `--group G`… as a group list; `--no-groups` as the empty list; nil when neither.
    func groupsOption() throws(UsageError) -> [String]? {
        let groups = command.values("group")
        if command.flag("no-groups") {
            if !groups.isEmpty { throw UsageError(.conflictingOptions, ["--group", "--no-groups"], command: command.spec.path) }
            return []
        }
        for group in groups where (try? Validation.groupName(group)) == nil {
            throw UsageError(.badRoleName, [group], command: command.spec.path)
        }
        return groups.isEmpty ? nil : groups
    }
}
