import PapaoursClient
import PapaoursCore
import PapaoursProtocol

/// `papaoursctl status`: HELLO, then STATS.
enum StatusCommand {
    /// STATS attributes shown under their own label; the others are shown by name.
    static let labelled: [(String, Message)] = [("connections", .hConnections), ("machines", .hMachines),
                                                ("keys", .hKeys), ("verify-ok", .hVerifyOK), ("verify-denied", .hVerifyDenied)]

    static func run(_ context: CommandContext) throws {
        let hello = try context.client.hello()
        let stats = try context.client.stats()
        let socket = context.client.socketPath
        if context.json {
            return context.console.print(.object([("socket", .string(socket)), ("hello", .record(hello.raw)),
                                                  ("stats", .record(stats.raw, numbers: true))]))
        }
        var rows: [(Message, Cell)] = [
            (.hServer, Cell("\(hello.server) \(hello.version) (protocol \(hello.protocolVersion))")),
            (.hSocket, Cell(socket)),
            (.hUser, Cell("\(hello.user) (uid \(hello.uid))")),
            (.hPermissions, Cell(context.render.list(hello.permissionNames))),
            (.hUptime, Cell(Render.duration(stats.uptime))),
        ]
        for (name, label) in labelled { rows.append((label, Cell(stats.raw[name] ?? ""))) }
        var table = context.render.details(rows)
        let shown = Set(labelled.map(\.0) + ["uptime"])
        for (name, value) in stats.raw.attributes where !shown.contains(name) {
            table.rows.append([Cell(name), Cell(value)])
        }
        context.console.print(table)
    }
}
