import PapaoursClient
import PapaoursCore
import PapaoursProtocol

/// `papaoursctl machine …`
enum MachineCommands {
    static func create(_ context: CommandContext) throws {
        let command = context.command
        let groups = try context.groupsOption()
        let machine = try diagnosingGroups(groups, in: context) {
            try context.client.machineCreate(
                context.argument(0), description: command.value("description"), organization: command.value("organization"),
                roles: try context.rolesOption(), groups: groups, protected: try context.protectedOption())
        }
        show(machine, heading: .machineCreated, in: context)
    }

    static func list(_ context: CommandContext) throws {
        let machines = try context.client.machineList()
        if context.json { return context.console.print(.array(machines.map { .record($0.raw) })) }
        if machines.isEmpty { return context.console.print(context.text(.noMachines)) }
        context.console.print(context.render.machineTable(machines))
    }

    /// The machine, its roles and groups, its access rights and where each comes from, then
    /// its keys, as the product's machine page shows them.
    static func show(_ context: CommandContext) throws {
        let machine = try context.client.machineShow(context.argument(0))
        let keys = try context.client.keyList(machine.id.value)
        if context.json {
            return context.console.print(.object([("machine", .record(machine.raw)), ("keys", .array(keys.map { .record($0.raw) }))]))
        }
        let console = context.console
        let render = context.render
        console.print(render.machineDetails(machine))
        if !machine.roles.isEmpty || !machine.groups.isEmpty {
            let roles = Dictionary(try context.client.roleList().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let groups = Dictionary(try context.client.groupList().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            console.print("")
            console.print(context.text(.hRolesAndGroups))
            console.print(render.rolesAndGroups(of: machine, roles: roles, groups: groups))
            console.print("")
            console.print(context.text(.rightsHeading))
            if let table = render.rightsTable(of: machine, roles: roles, groups: groups) { console.print(table) }
            else { console.print(context.text(.noRights)) }
        }
        console.print("")
        console.print(context.text(.apiKeysHeading))
        if keys.isEmpty { return console.print(context.text(.noKeys)) }
        console.print(context.render.keyTable(keys))
    }

    static func edit(_ context: CommandContext) throws {
        let command = context.command
        let name = command.value("name"), description = command.value("description")
        let organization = command.value("organization")
        let roles = try context.rolesOption(), status = try context.statusOption()
        let groups = try context.groupsOption(), protected = try context.protectedOption()
        try context.requireChange(name != nil || description != nil || organization != nil || roles != nil || status != nil
                                  || groups != nil || protected != nil,
                                  options: ["--name", "--description", "--organization", "--role", "--no-roles", "--group", "--no-groups",
                                            "--protected", "--unprotected", "--active", "--inactive"])
        let machine = try diagnosingGroups(groups, in: context) {
            try context.client.machineEdit(context.argument(0), name: name, description: description, organization: organization,
                                           roles: roles, status: status, groups: groups, protected: protected)
        }
        show(machine, heading: .machineUpdated, in: context)
    }

    /// Asks first on a terminal, naming what goes; elsewhere `--yes` is required.
    static func delete(_ context: CommandContext) throws {
        var target = context.argument(0)
        if !context.command.flag("yes") {
            guard context.console.stdinIsTerminal else {
                throw UsageError(.deleteNeedsYes, command: context.command.spec.path)
            }
            let machine = try context.client.machineShow(target)
            context.console.prompt(context.text(.confirmDelete, machine.name, machine.id.value, String(machine.keys)))
            let answer = (context.console.readLine() ?? "").lowercased()
            guard ["y", "yes", "o", "oui"].contains(answer) else {
                throw CommandFailure(.refused, .deleteCancelled)
            }
            target = machine.id.value  // delete exactly what was confirmed, even if renamed since
        }
        let id = try context.client.machineDelete(target)
        if context.json { return context.console.print(.object([("id", .string(id.value))])) }
        context.console.print(context.text(.machineDeleted, id.value))
    }

    /// A `not-found` to a write that names groups: the machine, or a group? The first group
    /// that does not exist is named; otherwise it was the machine.
    private static func diagnosingGroups(_ groups: [String]?, in context: CommandContext,
                                         _ write: () throws -> Machine) throws -> Machine {
        do {
            return try write()
        } catch let error as ClientError where error.replyCode == "not-found" && !(groups ?? []).isEmpty {
            let known = Set((try? context.client.groupList().map(\.name)) ?? [])
            if let missing = groups?.first(where: { !known.contains($0) }) {
                throw CommandFailure(.refused, .groupNotFound, [missing])
            }
            throw error
        }
    }

    private static func show(_ machine: Machine, heading: Message, in context: CommandContext) {
        if context.json { return context.console.print(.record(machine.raw)) }
        context.console.print(context.text(heading))
        context.console.print(context.render.machineDetails(machine))
    }
}
