import PapaoursClient
import PapaoursCore
import PapaoursProtocol

/// `papaoursctl audit [--machine M] [--after SEQ] [--limit N]`
enum AuditCommand {
    static func run(_ context: CommandContext) throws {
        let events = try context.client.audit(machine: context.command.value("machine"),
                                              after: try context.numberOption("after"),
                                              limit: try context.numberOption("limit"))
        if context.json { return context.console.print(.array(events.map { .record($0.raw) })) }
        if events.isEmpty { return context.console.print(context.text(.noEvents)) }
        context.console.print(context.render.eventTable(events))
    }
}
