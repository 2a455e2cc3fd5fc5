import PapaoursClient
import PapaoursCore
import PapaoursProtocol

/// `papaoursctl status`: HELLO, then STATS.
enum StatusCommand {
    /// STATS attributes shown under their own label; the others are shown by name.
    static let labelled: [(String, Message)] = [("connections", .hConnections), ("machines", .hMachines),
                                                ("keys", .hKeys), ("verify-ok", .hVerifyOK), ("verify-denied", .hVerifyDenied),
                                                ("writes", .hWrites)]

    /// A user without machines.read still sees who papaoursd takes them for and what they
    /// hold; the counters are left out (`"stats": null`), with a word on what they need.
    static func run(_ context: CommandContext) throws {
        let hello = try context.client.hello()
        let stats = try statsIfAllowed(context.client)
        let socket = context.client.socketPath
        if context.json {
            return context.console.print(.object([("socket", .string(socket)), ("hello", .record(hello.raw)),
                                                  ("stats", stats.map { .record($0.raw, numbers: true) } ?? .null)]))
        }
        guard let stats else {
            context.console.print(context.render.details(identity(hello, socket: socket, context)))
            return context.console.print(context.text(.statusNeedsRead, Refusal.permissions(.machinesRead, context.text)))
        }
        var rows = identity(hello, socket: socket, context) + [(.hUptime, Cell(context.render.duration(stats.uptime)))]
        for (name, label) in labelled { rows.append((label, Cell(stats.raw[name] ?? ""))) }
        rows.append((.hFleet, Cell(fleet(stats, hello: hello, context))))
        var table = context.render.details(rows)
        // The version is HELLO's, on the first row; the fleet's attributes are said in its row.
        let shown = Set(labelled.map(\.0) + ["uptime", "version", "cluster", "cluster-seq", "cluster-lag-ms"])
        for (name, value) in stats.raw.attributes where !shown.contains(name) {
            table.rows.append([Cell(name), Cell(value)])
        }
        context.console.print(table)
    }

    /// The fleet's state in words: the host, its link to PostgreSQL, where its replica is.
    static func fleet(_ stats: ServerStats, hello: ServerInfo, _ context: CommandContext) -> String {
        let host = hello.raw["host"] ?? ""
        let seq = stats.raw["cluster-seq"] ?? "0"
        switch stats.raw["cluster"] ?? "off" {
        case "connected": return context.text(.fleetConnected, host, seq, stats.raw["cluster-lag-ms"] ?? "0")
        case "disconnected": return context.text(.fleetDisconnected, host, seq)
        default: return context.text(.fleetOff)
        }
    }

    /// STATS, or nil when it is refused as forbidden.
    private static func statsIfAllowed(_ client: PapaoursClient) throws(ClientError) -> ServerStats? {
        switch Result(catching: { () throws(ClientError) -> ServerStats in try client.stats() }) {
        case .success(let stats): return stats
        case .failure(let error) where error.code == .refused && error.replyCode == "forbidden": return nil
        case .failure(let error): throw error
        }
    }

    private static func identity(_ hello: ServerInfo, socket: String, _ context: CommandContext) -> [(Message, Cell)] {
        [
            (.hServer, Cell(context.text(.serverVersion, hello.server, hello.version, hello.protocolVersion))),
            (.hSocket, Cell(socket)),
            (.hUser, Cell("\(hello.user) (uid \(hello.uid))")),
            (.hPermissions, Cell(context.render.list(hello.permissionNames))),
        ]
    }
}
