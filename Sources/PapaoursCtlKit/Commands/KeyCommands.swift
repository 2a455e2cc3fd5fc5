import PapaoursClient
import PapaoursCore
import PapaoursProtocol

/// `papaoursctl key …`
enum KeyCommands {
    /// `--expires`, when given: a time, a date or a duration from now.
    static func expires(_ context: CommandContext) throws -> Timestamp? {
        guard let text = context.command.value("expires") else { return nil }
        switch Expiry.parse(text, now: context.now()) {
        case .time(let time): return time
        case .wrong(let problem): throw UsageError(problem, [text], command: context.command.spec.path)
        }
    }

    /// The secret goes alone to stdout (or to a new 0600 file), the warning to stderr.
    static func create(_ context: CommandContext) throws {
        let command = context.command
        let expires = try self.expires(context)
        // The file first: a key whose secret has nowhere to go is never made.
        let file = try command.value("output").map(context.createPrivateFile)
        let created: CreatedKey
        do {
            created = try context.client.keyCreate(context.argument(0), label: command.value("label") ?? "", expires: expires)
        } catch {
            file?.discard()
            throw error
        }
        try reveal(created, into: file, in: context)
    }

    /// A new key's secret, shown this once (KEY CREATE, KEY ROTATE): alone on stdout, or in
    /// the new 0600 `file`, the warning on stderr; with --json, the key's record with it.
    static func reveal(_ created: CreatedKey, into file: PrivateFile?, in context: CommandContext) throws {
        let key = created.key
        if let file {
            do {
                try file.write(created.secret.revealed + "\n")
            } catch {
                throw CommandFailure(.refused, .secretLost, [file.path, error.described(context.text), key.id.value])
            }
        }
        context.console.printError(context.text(.secretWarning))
        warnIfInactive(key.machine, in: context)
        switch (context.json, file) {
        case (true, nil): context.console.print(JSON.record(key.raw, skipping: ["secret"]).adding([("secret", .string(created.secret.revealed))]))
        case (true, let file?): context.console.print(JSON.record(key.raw, skipping: ["secret"]).adding([("secret-file", .string(file.path))]))
        case (false, nil): context.console.print(created.secret.revealed)
        case (false, let file?): context.console.print(context.text(.secretWritten, key.id.value, key.label, file.path))
        }
    }

    /// A key issued elsewhere: its secret from stdin or `--key-file`, never argv; the
    /// daemon keeps only its hash and refuses a weak one.
    static func importKey(_ context: CommandContext) throws {
        let command = context.command
        let expires = try self.expires(context)
        let secret = try context.readKey()
        if let problem = Refusal.malformation(of: secret) {
            throw UsageError(.importKeyMalformed, [context.text(problem)], command: command.spec.path)
        }
        let key = try context.client.keyImport(machine: context.argument(0), secret: secret,
                                               label: command.value("label") ?? "", expires: expires)
        warnIfInactive(key.machine, in: context)
        if context.json { return context.console.print(.record(key.raw)) }
        context.console.print(context.text(.keyImported, key.id.value, key.label))
        context.console.print(context.render.keyDetails(key))
    }

    /// A key made on an inactive machine is refused by VERIFY until the machine is enabled:
    /// say so. Best effort: a user who may write but not read is not told.
    private static func warnIfInactive(_ machine: MachineID, in context: CommandContext) {
        guard let shown = try? context.client.machineShow(machine.value), shown.status == .inactive else { return }
        context.console.printError(context.text(.inactiveMachineWarning, shown.name, shown.id.value))
    }

    static func list(_ context: CommandContext) throws {
        let keys = try context.client.keyList(context.argument(0))
        if context.json { return context.console.print(.array(keys.map { .record($0.raw) })) }
        if keys.isEmpty { return context.console.print(context.text(.noKeys)) }
        context.console.print(context.render.keyTable(keys))
    }

    static func show(_ context: CommandContext) throws {
        show(try context.client.keyShow(KeyReference.resolve(context)), heading: nil, in: context)
    }

    static func edit(_ context: CommandContext) throws {
        let label = context.command.value("label")
        let status = try context.statusOption()
        try context.requireChange(label != nil || status != nil, options: ["--label", "--active", "--inactive"])
        show(try context.client.keyEdit(KeyReference.resolve(context), label: label, status: status), heading: .keyUpdated, in: context)
    }

    static func disable(_ context: CommandContext) throws {
        try setStatus(.inactive, message: .keyDisabled, in: context)
    }

    static func enable(_ context: CommandContext) throws {
        try setStatus(.active, message: .keyEnabled, in: context)
    }

    private static func setStatus(_ status: Status, message: Message, in context: CommandContext) throws {
        let key = try context.client.keyEdit(KeyReference.resolve(context), status: status)
        if context.json { return context.console.print(.record(key.raw)) }
        context.console.print(context.text(message, key.id.value))
    }

    private static func show(_ key: APIKey, heading: Message?, in context: CommandContext) {
        if context.json { return context.console.print(.record(key.raw)) }
        if let heading { context.console.print(context.text(heading)) }
        context.console.print(context.render.keyDetails(key))
    }
}
