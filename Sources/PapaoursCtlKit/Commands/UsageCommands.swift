#if canImport(Glibc)
import Glibc
#endif
import PapaoursClient
import PapaoursCore
import PapaoursProtocol

/// `papaoursctl key usage`, `key rotate` and `alerts`: the usage history, its alerts, and
/// rotation in one step (protocol.md, "Usage history and alerts", "Rotation in one step").
enum UsageCommands {
    static let daysRange: ClosedRange<Int> = 1...400

    /// `key usage KEY [--days N] [--ascii]`: a table of days with a bar chart, then the addresses.
    static func usage(_ context: CommandContext) throws {
        let days = try number("days", in: daysRange, context) ?? 30
        let history = try context.client.usage(KeyReference.resolve(context), days: days)
        if context.json {
            return context.console.print(.object([
                ("days", .array(history.days.map { .record($0.raw) })),
                ("addresses", .array(history.addresses.map { .record($0.raw) })),
            ]))
        }
        let ascii = context.command.flag("ascii") || !context.console.stdoutIsTerminal
        context.console.print(dayChart(history.days, width: terminalWidth(context), ascii: ascii, text: context.text))
        if history.addresses.isEmpty { return context.console.print(context.text(.noAddresses)) }
        context.console.print(context.text(.addressesHeading))
        context.console.print(Table(header: [context.text(.hAddress), context.text(.hFirstSeen), context.text(.hLastSeen), context.text(.hCalls)],
                                    rows: history.addresses.map { a in
                                        [Cell(a.address), Cell(a.first.description), Cell(a.last.description), Cell(String(a.count))]
                                    }))
    }

    /// One row a day: date, accepted, refused, and a bar of both scaled to the busiest day,
    /// fitted to `width` columns. Unicode blocks (eighths for the accepted part), or `#` and
    /// `x` in plain ASCII.
    static func dayChart(_ days: [UsageDay], width: Int, ascii: Bool, text: Localizer) -> String {
        let header = [text(.hDate), text(.hAccepted), text(.hRefused)]
        let okWidth = max(header[1].count, days.map { String($0.ok).count }.max() ?? 1)
        let deniedWidth = max(header[2].count, days.map { String($0.denied).count }.max() ?? 1)
        let dateWidth = max(header[0].count, 10)
        let barWidth = max(1, width - dateWidth - okWidth - deniedWidth - 6)
        let most = days.map { $0.ok + $0.denied }.max() ?? 0
        func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return right ? fill + s : s + fill
        }
        var out = pad(header[0], dateWidth) + "  " + pad(header[1], okWidth, right: true) + "  " + pad(header[2], deniedWidth, right: true) + "\n"
        for day in days {
            out += pad(day.date, dateWidth) + "  " + pad(String(day.ok), okWidth, right: true) + "  "
                + pad(String(day.denied), deniedWidth, right: true)
            let drawn = bar(ok: day.ok, denied: day.denied, most: most, width: barWidth, ascii: ascii)
            out += (drawn.isEmpty ? "" : "  " + drawn) + "\n"
        }
        return out
    }

    static func bar(ok: UInt64, denied: UInt64, most: UInt64, width: Int, ascii: Bool) -> String {
        guard most > 0, ok + denied > 0 else { return "" }
        let scale = Double(width) / Double(most)
        var okEighths = Int((Double(ok) * scale * 8).rounded())
        var deniedCells = Int((Double(denied) * scale).rounded())
        // A day with calls always shows something of each kind it had.
        if ok > 0 && okEighths == 0 { okEighths = 1 }
        if denied > 0 && deniedCells == 0 { deniedCells = 1 }
        // Rounding both parts up must not take the bar past its width.
        if (okEighths + 7) / 8 + deniedCells > width { okEighths = max(ok > 0 ? 1 : 0, (width - deniedCells) * 8) }
        if ascii {
            let okCells = max(ok > 0 ? 1 : 0, (okEighths + 4) / 8)
            return String(repeating: "#", count: okCells) + String(repeating: "x", count: deniedCells)
        }
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: okEighths / 8) + partial[okEighths % 8] + String(repeating: "░", count: deniedCells)
    }

    /// The terminal's columns (stdout), else COLUMNS, else 80.
    static func terminalWidth(_ context: CommandContext) -> Int {
        if context.console.stdoutIsTerminal {
            var size = winsize()
            if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        }
        if let text = getenv("COLUMNS").map({ String(cString: $0) }), let n = Int(text), n > 0 { return n }
        return 80
    }

    /// `key rotate KEY [--grace 7d] [--label L] [--output FILE]`: the new secret shown once, as
    /// `key create` shows it; the old key's end on stderr.
    static func rotate(_ context: CommandContext) throws {
        let command = context.command
        let grace = command.value("grace")
        if let grace, !isDuration(grace) { throw UsageError(.badGrace, [grace], command: command.spec.path) }
        let ref = try KeyReference.resolve(context)
        // The file first: a key whose secret has nowhere to go is never made.
        let file = try command.value("output").map(context.createPrivateFile)
        let rotated: RotatedKey
        do {
            rotated = try context.client.keyRotate(ref, grace: grace, label: command.value("label"))
        } catch {
            file?.discard()
            throw error
        }
        try KeyCommands.reveal(rotated.created, into: file, in: context)
        if !context.json {
            context.console.printError(context.text(.keyRotated, rotated.rotated.value, rotated.created.key.id.value,
                                                    rotated.oldExpires.description))
        }
    }

    /// `90s`, `15m`, `24h`, `7d`: the grace KEY ROTATE takes.
    static func isDuration(_ text: String) -> Bool {
        guard let unit = text.last, "smhd".contains(unit), text.count >= 2 else { return false }
        return text.dropLast().allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `alerts [--after SEQ] [--limit N] [--follow]`: with --follow, new alerts as they come
    /// (ALERTS after= polled every two seconds) until interrupted.
    static func alerts(_ context: CommandContext) throws {
        var after: UInt64? = try context.numberOption("after")
        let limit = try number("limit", in: ValueCheck.auditLimit, context)
        let follow = context.command.flag("follow")
        var alerts = try context.client.alerts(after: after, limit: limit)
        if !follow || !alerts.isEmpty || context.json { show(alerts, context, follow: follow) }
        guard follow else { return }
        if alerts.isEmpty && !context.json { context.console.printError(context.text(.followingAlerts)) }
        while true {
            after = alerts.last?.seq ?? after
            usleep(2_000_000)
            alerts = try context.client.alerts(after: after ?? 0, limit: ValueCheck.auditLimit.upperBound)
            if !alerts.isEmpty { show(alerts, context, follow: true) }
        }
    }

    private static func show(_ alerts: [AlertEntry], _ context: CommandContext, follow: Bool) {
        if context.json {
            // Following: one JSON object a line, so that a pipe reads each as it comes.
            if follow { for alert in alerts { context.console.print(JSON.record(alert.raw).encoded(pretty: false)) } }
            else { context.console.print(.array(alerts.map { .record($0.raw) })) }
            return
        }
        if alerts.isEmpty { return context.console.print(context.text(.noAlerts)) }
        context.console.print(Table(header: [context.text(.hSeq), context.text(.hTime), context.text(.hAlertKind), context.text(.hKey),
                                             context.text(.hMachine), context.text(.hAddress), context.text(.hDetails)],
                                    rows: alerts.map { a in
                                        [Cell(String(a.seq)), Cell(a.time.description), Cell(kind(a.kind, context.text), style: .red),
                                         Cell(a.key ?? context.text(.none)), Cell(a.machine ?? context.text(.none)),
                                         Cell(a.ip ?? context.text(.none)), Cell(AlertDetails.said(a, context.text))]
                                    }))
    }

    static let kinds: [String: Message] = [
        "revoked-use": .alertRevokedUse, "new-ip": .alertNewIP, "spike": .alertSpike, "failures": .alertFailures,
    ]

    /// An alert's kind in words; one this tool does not know, as sent.
    static func kind(_ kind: String, _ text: Localizer) -> String { kinds[kind].map { text($0) } ?? kind }

    /// A whole-number option within `range`, or a usage error naming it.
    static func number(_ name: String, in range: ClosedRange<Int>, _ context: CommandContext) throws(UsageError) -> Int? {
        guard let text = context.command.value(name) else { return nil }
        guard let n = Int(text), range.contains(n) else {
            guard !text.isEmpty, text.allSatisfy(\.isNumber) else { throw UsageError(.notANumber, ["--" + name, text], command: context.command.spec.path) }
            throw UsageError(.numberOutOfRange, ["--" + name, String(range.lowerBound), String(range.upperBound), text], command: context.command.spec.path)
        }
        return n
    }
}
