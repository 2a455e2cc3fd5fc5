import PapaoursClient
import PapaoursCore
import PapaoursProtocol

/// `papaoursctl audit [--machine M] [--after SEQ | --before SEQ] [--limit N]`: the newest
/// events by default, oldest first.
enum AuditCommand {
    static func run(_ context: CommandContext) throws {
        let after: UInt64? = try context.numberOption("after")
        let before: UInt64? = try context.numberOption("before")
        if after != nil && before != nil {
            throw UsageError(.optionsExclusive, ["--after", "--before"], command: context.command.spec.path)
        }
        let events = try context.client.audit(machine: context.command.value("machine"), after: after,
                                              before: after == nil ? before ?? UInt64.max : nil,
                                              limit: try context.numberOption("limit"))
        if context.json { return context.console.print(.array(events.map { .record($0.raw) })) }
        if events.isEmpty { return context.console.print(context.text(.noEvents)) }
        context.console.print(context.render.eventTable(events))
    }
}
