import PapaoursClient
import PapaoursCore
import PapaoursProtocol

/// `papaoursctl backup`, `export` and `import`.
enum BackupCommands {
    /// A new file of mode 0600, made here (so papaoursd needs no access to its path), then
    /// filled by the daemon with a compacted copy of its database. Removed if that fails.
    static func backup(_ context: CommandContext) throws {
        let file = try context.createPrivateFile(context.argument(0))
        let result: BackupResult
        do {
            result = try context.patientClient.backup(to: file.descriptor)
            try file.finish()
        } catch let error as SystemError {
            file.discard()
            throw CommandFailure(.refused, .fileCannotWrite, [file.path, error.described(context.text)])
        } catch {
            file.discard()
            throw error
        }
        if context.json {
            return context.console.print(.object([("file", .string(file.path)), ("size", .integer(result.size)),
                                                  ("machines", .integer(result.machines)), ("keys", .integer(result.keys))]))
        }
        context.console.print(context.text(.backupWritten, file.path, String(result.size), String(result.machines), String(result.keys)))
    }

    /// JSON Lines (see `ExportFile`) on standard output, or into a new 0600 file.
    static func export(_ context: CommandContext) throws {
        let file = try context.command.value("output").map(context.createPrivateFile)
        let exported: ExportedStore
        do {
            exported = try context.patientClient.export()
        } catch {
            file?.discard()
            throw error
        }
        let text = ExportFile.encode(exported)
        guard let file else { return context.console.print(text) }
        do {
            try file.write(text)
        } catch {
            file.discard()
            throw CommandFailure(.refused, .fileCannotWrite, [file.path, error.described(context.text)])
        }
        let counts = [("machines", exported.machines.count), ("keys", exported.keys.count), ("events", exported.events.count),
                      ("days", exported.days.count), ("addresses", exported.addresses.count), ("alerts", exported.alerts.count)]
        if context.json {
            return context.console.print(.object([("file", .string(file.path))] + counts.map { ($0.0, JSON.integer($0.1)) }))
        }
        context.console.print(context.text.format(.exportWritten, [file.path] + counts.map { String($0.1) }))
    }

    /// The whole file is read and checked first; nothing is sent unless every line is
    /// right. Then one IMPORT: everything, or nothing when the daemon finds a conflict.
    static func importFile(_ context: CommandContext) throws {
        let path = context.argument(0)
        let bytes: [UInt8]
        switch StandardStreams.readAll(ofFile: path) {
        case .success(let read): bytes = read
        case .failure(let error): throw CommandFailure(.refused, .fileCannotRead, [path, error.described(context.text)])
        }
        let contents = ExportFile.read(bytes)
        let shown = path == "-" ? "-" : path
        if !contents.problems.isEmpty {
            for problem in contents.problems.prefix(maxProblemsShown) {
                context.console.printError("\(shown):\(problem.line): " + problem.said(context.text))
            }
            if contents.problems.count > maxProblemsShown {
                context.console.printError(context.text(.importMoreProblems, String(contents.problems.count - maxProblemsShown)))
            }
            throw CommandFailure(.refused, .importNothingSent, [String(contents.problems.count), shown])
        }
        let report: ImportReport
        switch Result(catching: { () throws(ClientError) -> ImportReport in try context.patientClient.importRecords(contents.records) }) {
        case .success(let done):
            report = done
        case .failure(let error):
            // A record the daemon refused is named by its line in the file.
            if error.code == .refused || error.code == .bad, let number = recordNumber(in: error.detail),
               contents.lineOfRecord.indices.contains(number - 1) {
                let line = contents.lineOfRecord[number - 1]
                let sentence = error.code == .bad ? context.text(.badRequest, context.command.spec.name, error.replyCode ?? "")
                    : Refusal.sentence(error.replyCode ?? "", command: context.command, text: context.text)
                context.console.printError("\(shown):\(line): " + sentence)
                if context.verbose { context.console.printError("papaoursctl: " + context.text(.daemonSaid, error.description)) }
                throw CommandFailure(.refused, .importNothingSent, ["1", shown])
            }
            if error.code == .refused && error.replyCode == "exists" {
                for conflict in nameConflicts(contents, context.client) {
                    context.console.printError("\(shown):\(conflict.line): "
                                               + context.text(.importNameTaken, conflict.id, conflict.name, conflict.owner))
                }
            }
            throw error
        }
        if context.json {
            return context.console.print(JSON.object([("file", .string(shown))]).adding(JSON.record(report.raw, numbers: true).members?
                .map { ($0.key, $0.value) } ?? []))
        }
        let text = context.text
        context.console.print(text(.importDone, shown))
        let rows: [(Message, Int, Int)] = [(.hMachines, report.machinesAdded, report.machinesSkipped),
                                           (.hKeys, report.keysAdded, report.keysSkipped),
                                           (.hEvents, report.eventsAdded, report.eventsSkipped),
                                           (.hUsageDays, report.daysAdded, report.daysSkipped),
                                           (.hUsageAddresses, report.addressesAdded, report.addressesSkipped),
                                           (.hAlerts, report.alertsAdded, report.alertsSkipped)]
        context.console.print(Table(header: ["", text(.hAdded), text(.hSkipped)],
                                    rows: rows.map { [Cell(text($0.0)), Cell(String($0.1)), Cell(String($0.2))] }))
    }

    static let maxProblemsShown = 20

    /// The machines of the file whose name a machine here already bears (the daemon's English
    /// says so too, but only in `--verbose`); none when the machines cannot be listed.
    static func nameConflicts(_ contents: ExportFile.Contents, _ client: PapaoursClient) -> [(line: Int, id: String, name: String, owner: String)] {
        guard let here = try? client.machineList() else { return [] }
        let owners = Dictionary(here.map { (Validation.nameFoldKey($0.name), $0.id.value) }, uniquingKeysWith: { first, _ in first })
        let ids = Set(here.map(\.id.value))
        return zip(contents.records, contents.lineOfRecord).compactMap { record, line in
            guard record.kind == .machine, let id = record["id"], !ids.contains(id), let name = record["name"],
                  let owner = owners[Validation.nameFoldKey(name)] else { return nil }
            return (line, id, name, owner)
        }.prefix(maxProblemsShown).map { $0 }
    }

    /// N of a daemon's `record N: …` (or the client's `record N (KIND): …`).
    static func recordNumber(in detail: String) -> Int? {
        guard detail.hasPrefix("record ") else { return nil }
        return Int(detail.dropFirst(7).prefix { $0.isNumber })
    }
}
