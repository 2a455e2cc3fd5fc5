import PapaoursClient
import PapaoursCore
import PapaoursProtocol

/// The file of `papaoursctl export` and `papaoursctl import`: JSON Lines, one object per
/// line, members named after the protocol's attributes (papaours-protocol(7)):
///
///     {"type":"machine","id":"m_…","name":"web",…,"roles":["api"],"status":"active",…,"keys":1}
///     {"type":"key","id":"k_…","machine":"m_…","label":"prod",…,"expires":null,…,"hash":"<64 hex>"}
///     {"type":"event","seq":1,"time":"…","uid":0,"user":"root","action":"machine.create",…}
///     {"type":"end","machines":1,"keys":1,"events":1}
///
/// Lists are arrays, counts numbers, an absent time null. The end line comes last and
/// counts the records, so that a file cut anywhere, even between two lines, is refused.
enum ExportFile {
    enum RecordType: String, CaseIterable {
        case machine, key, event

        var kind: ImportRecord.Kind {
            switch self {
            case .machine: .machine
            case .key: .key
            case .event: .event
            }
        }
    }

    static let endType = "end"

    /// The whole file for an export, every line ending with LF.
    static func encode(_ store: ExportedStore) -> String {
        var out = ""
        for (type, lines) in [(RecordType.machine, store.machines), (.key, store.keys), (.event, store.events)] {
            for line in lines {
                out += JSON.record(line).prepending(("type", .string(type.rawValue))).encoded(pretty: false)
                out += "\n"
            }
        }
        out += end(machines: store.machines.count, keys: store.keys.count, events: store.events.count).encoded(pretty: false)
        return out + "\n"
    }

    static func end(machines: Int, keys: Int, events: Int) -> JSON {
        .object([("type", .string(endType)), ("machines", .integer(machines)), ("keys", .integer(keys)), ("events", .integer(events))])
    }

    /// What is wrong with one line, in the user's language.
    struct Problem: Equatable {
        let line: Int
        let message: Message
        let arguments: [String]
    }

    /// A whole file read back: its records, the line of each, and its problems. The
    /// records are only to be imported when there is no problem at all.
    struct Contents {
        var records: [ImportRecord] = []
        var lineOfRecord: [Int] = []
        var problems: [Problem] = []
        var counts: [RecordType: Int] = [:]
    }

    /// Attributes whose JSON value is not a string.
    static let listFields: Set<String> = ["roles"]
    static let countFields: Set<String> = ["keys", "uses", "seq", "uid"]
    static let nullableTimes: Set<String> = ["expires", "last-used"]

    static func read(_ bytes: [UInt8]) -> Contents {
        var contents = Contents()
        var seen: [String: Int] = [:]  // "machine m_…" → its line
        var endLine: Int?
        var lineNumber = 0
        var start = 0
        func problem(_ message: Message, _ arguments: [String]) {
            contents.problems.append(Problem(line: lineNumber, message: message, arguments: arguments))
        }
        while start < bytes.count {
            lineNumber += 1
            let lf = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            var end = lf
            if end > start && bytes[end - 1] == 0x0D { end -= 1 }
            let line = bytes[start..<end]
            start = lf + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if endLine != nil {
                problem(.importAfterEnd, [])
                continue
            }
            let json: JSON
            do {
                json = try JSON.parse(line)
            } catch {
                problem(.importNotJSON, [String(error.column)])
                continue
            }
            guard let members = json.members else {
                problem(.importNotObject, [])
                continue
            }
            guard case .string(let typeName)? = members.first(where: { $0.key == "type" })?.value else {
                problem(.importNoType, [])
                continue
            }
            if typeName == endType {
                endLine = lineNumber
                checkEnd(members, against: contents.counts, report: problem)
                continue
            }
            guard let type = RecordType(rawValue: typeName) else {
                problem(.importUnknownType, [typeName])
                continue
            }
            contents.counts[type, default: 0] += 1
            switch record(type, members) {
            case .failure(let failure):
                problem(failure.message, failure.arguments)
            case .success(let record):
                let identity = type == .event ? "seq " + (record["seq"] ?? "") : record["id"] ?? ""
                if let first = seen.updateValue(lineNumber, forKey: type.rawValue + " " + identity) {
                    seen[type.rawValue + " " + identity] = first
                    problem(.importDuplicate, [type.rawValue, identity, String(first)])
                    continue
                }
                contents.records.append(record)
                contents.lineOfRecord.append(lineNumber)
            }
        }
        if endLine == nil {
            lineNumber += 1
            problem(.importNoEnd, [])
        }
        return contents
    }

    private static func checkEnd(_ members: [JSON.Member], against counts: [RecordType: Int],
                                 report: (Message, [String]) -> Void) {
        var announced: [String: Int] = [:]
        for member in members where member.key != "type" {
            guard ["machines", "keys", "events"].contains(member.key) else {
                return report(.importUnknownField, [endType, member.key])
            }
            guard case .number(let digits) = member.value, let n = Int(digits), n >= 0 else {
                return report(.importBadValue, [member.key, endType, "must be a whole number"])
            }
            announced[member.key] = n
        }
        for name in ["machines", "keys", "events"] where announced[name] == nil {
            return report(.importMissingField, [endType, name])
        }
        let held = [counts[.machine] ?? 0, counts[.key] ?? 0, counts[.event] ?? 0]
        let said = [announced["machines"]!, announced["keys"]!, announced["events"]!]
        if held != said {
            func phrase(_ n: [Int]) -> String { "machines=\(n[0]) keys=\(n[1]) events=\(n[2])" }
            report(.importCountMismatch, [phrase(said), phrase(held)])
        }
    }

    struct Failure: Error {
        let message: Message
        let arguments: [String]
    }

    /// One record's members as protocol attributes, checked as the daemon will check them.
    static func record(_ type: RecordType, _ members: [JSON.Member]) -> Result<ImportRecord, Failure> {
        let kind = type.kind
        var attributes: [(String, String)] = []
        var names = Set<String>()
        for member in members where member.key != "type" {
            let name = member.key
            guard kind.fields.contains(name) else {
                return .failure(Failure(message: .importUnknownField, arguments: [type.rawValue, name]))
            }
            guard names.insert(name).inserted else {
                return .failure(Failure(message: .importBadValue, arguments: [name, type.rawValue, "is repeated"]))
            }
            let value: String
            switch (member.value, name) {
            case (.array(let items), _) where listFields.contains(name):
                var parts: [String] = []
                for item in items {
                    guard case .string(let text) = item else {
                        return .failure(Failure(message: .importBadValue, arguments: [name, type.rawValue, "must be a list of strings"]))
                    }
                    parts.append(text)
                }
                value = parts.joined(separator: ",")
            case (.number(let digits), _) where countFields.contains(name) && UInt64(digits) != nil:
                value = digits
            case (.null, _) where nullableTimes.contains(name):
                value = ""
            case (.string(let text), _) where !listFields.contains(name) && !countFields.contains(name):
                value = text
            default:
                let expected = listFields.contains(name) ? "must be a list of strings"
                    : countFields.contains(name) ? "must be a whole number"
                    : nullableTimes.contains(name) ? "must be a time or null" : "must be a string"
                return .failure(Failure(message: .importBadValue, arguments: [name, type.rawValue, expected]))
            }
            attributes.append((name, value))
        }
        for name in kind.requiredFields.sorted() where !names.contains(name) {
            return .failure(Failure(message: .importMissingField, arguments: [type.rawValue, name]))
        }
        let record = ImportRecord(kind: kind, attributes: attributes)
        do {
            try check(type, record)
        } catch {
            return .failure(Failure(message: .importBadValue, arguments: [error.field, type.rawValue, error.problem]))
        }
        return .success(record)
    }

    /// The daemon's checks of IMPORT MACHINE, KEY and EVENT, made here so that a bad line
    /// is named by its number before anything is sent.
    static func check(_ type: RecordType, _ r: ImportRecord) throws(ValidationError) {
        func time(_ name: String, required: Bool = false) throws(ValidationError) {
            guard let value = r[name], !value.isEmpty, value != "never" else {
                if required { throw ValidationError(field: name, problem: "is required") }
                return
            }
            guard Timestamp(rfc3339: value) != nil else {
                throw Validation.outOfBounds(value, field: name) ?? ValidationError(field: name, problem: "must be an RFC 3339 time")
            }
        }
        func text(_ name: String, _ length: ClosedRange<Int>) throws(ValidationError) {
            _ = try Validation.text(r[name] ?? "", field: name, length: length)
        }
        func machineID(_ name: String, optional: Bool = false) throws(ValidationError) {
            let value = r[name] ?? ""
            if optional && value.isEmpty { return }
            guard MachineID(value) != nil else { throw ValidationError(field: name, problem: "must be m_ and 16 of [a-z0-9]") }
        }
        switch type {
        case .machine:
            try machineID("id")
            _ = try Validation.machineName(r["name"] ?? "")
            _ = try Validation.description(r["description"] ?? "")
            _ = try Validation.organization(r["organization"] ?? "")
            _ = try Validation.roles(r["roles"] ?? "")
            _ = try Validation.status(r["status"] ?? "active")
            try time("created")
            try time("updated")
            try text("created-by", 0...128)
        case .key:
            guard KeyID(r["id"] ?? "") != nil else { throw ValidationError(field: "id", problem: "must be k_ and 16 of [a-z0-9]") }
            try machineID("machine")
            guard let hash = Hex.decode(r["hash"] ?? ""), hash.count == 32 else {
                throw ValidationError(field: "hash", problem: "must be 64 hexadecimal digits (a SHA-256)")
            }
            _ = try Validation.label(r["label"] ?? "")
            _ = try Validation.status(r["status"] ?? "active")
            for name in ["created", "updated", "expires", "last-used"] { try time(name) }
            try text("created-by", 0...128)
            try text("last-ip", 0...256)
        case .event:
            guard let seq = UInt64(r["seq"] ?? ""), seq > 0 else {
                throw ValidationError(field: "seq", problem: "must be a positive sequence number")
            }
            try time("time", required: true)
            guard UInt32(r["uid"] ?? "0") != nil else { throw ValidationError(field: "uid", problem: "must be a uid") }
            guard AuditAction(rawValue: r["action"] ?? "") != nil else {
                throw ValidationError(field: "action", problem: "must be one of " + AuditAction.allCases.map(\.rawValue).joined(separator: ", "))
            }
            try machineID("machine", optional: true)
            try text("user", 0...128)
            try text("target", 0...256)
        }
    }
}

extension JSON {
    /// An object with `first` members put before the others.
    func prepending(_ first: (String, JSON)...) -> JSON {
        guard case .members(let members) = self else { return self }
        return .members(first.map { Member($0.0, $0.1) } + members)
    }
}
