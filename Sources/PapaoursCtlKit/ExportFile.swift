import PapaoursClient
import PapaoursCore
import PapaoursProtocol

/// The file of `papaoursctl export` and `papaoursctl import`: JSON Lines, one object per
/// line, members named after the protocol's attributes (papaours-protocol(7)):
///
///     {"type":"role","name":"lecteur-contrats","rights":["contrats:read"],"perimeter":"*",…}
///     {"type":"group","name":"facturation","roles":["lecteur-contrats"],"perimeter":"CFA Jean Bosco",…}
///     {"type":"machine","id":"m_…","name":"web",…,"roles":["api"],"status":"active",…,"keys":1}
///     {"type":"key","id":"k_…","machine":"m_…","label":"prod",…,"expires":null,…,"hash":"<64 hex>"}
///     {"type":"event","seq":1,"time":"…","uid":0,"user":"root","action":"machine.create",…}
///     {"type":"day","key":"k_…","date":"2026-12-01","ok":12,"denied":0}
///     {"type":"address","key":"k_…","address":"10.0.0.5","first":"…","last":"…","count":12}
///     {"type":"alert","seq":1,"time":"…","kind":"new-ip","key":"k_…","machine":"m_…","ip":"…","details":"…"}
///     {"type":"end","machines":1,"keys":1,"events":1,"roles":1,"groups":1,"days":1,"addresses":1,"alerts":1}
///
/// Lists are arrays, counts numbers, an absent time null. The end line comes last and
/// counts the records, so that a file cut anywhere, even between two lines, is refused.
enum ExportFile {
    enum RecordType: String, CaseIterable {
        case role, group, machine, key, event, day, address, alert

        var kind: ImportRecord.Kind {
            switch self {
            case .role: .role
            case .group: .group
            case .machine: .machine
            case .key: .key
            case .event: .event
            case .day: .day
            case .address: .address
            case .alert: .alert
            }
        }
    }

    static let endType = "end"

    /// The whole file for an export, every line ending with LF.
    static func encode(_ store: ExportedStore) -> String {
        var out = ""
        for (type, lines) in [(RecordType.role, store.roles), (.group, store.groups), (.machine, store.machines),
                              (.key, store.keys), (.event, store.events), (.day, store.days), (.address, store.addresses),
                              (.alert, store.alerts)] {
            for line in lines {
                out += JSON.record(line).prepending(("type", .string(type.rawValue))).encoded(pretty: false)
                out += "\n"
            }
        }
        out += end(machines: store.machines.count, keys: store.keys.count, events: store.events.count,
                   roles: store.roles.count, groups: store.groups.count, days: store.days.count,
                   addresses: store.addresses.count, alerts: store.alerts.count).encoded(pretty: false)
        return out + "\n"
    }

    static func end(machines: Int, keys: Int, events: Int, roles: Int = 0, groups: Int = 0,
                    days: Int = 0, addresses: Int = 0, alerts: Int = 0) -> JSON {
        .object([("type", .string(endType)), ("machines", .integer(machines)), ("keys", .integer(keys)), ("events", .integer(events)),
                 ("roles", .integer(roles)), ("groups", .integer(groups)), ("days", .integer(days)), ("addresses", .integer(addresses)),
                 ("alerts", .integer(alerts))])
    }

    /// The end line's counts, in its order, with the record type each counts; those of a file
    /// of version 1.0 first (the others may be absent: zero).
    static let counted: [(name: String, type: RecordType)] = [("machines", .machine), ("keys", .key), ("events", .event), ("roles", .role),
                                                              ("groups", .group), ("days", .day), ("addresses", .address), ("alerts", .alert)]

    /// What is wrong with one line, in the user's language: a phrase, and for a bad value
    /// the phrase that says what is wrong with it (its last argument).
    struct Problem: Equatable {
        let line: Int
        let message: Message
        let arguments: [String]
        var detail: Phrase?

        func said(_ text: Localizer) -> String {
            text.format(message, arguments + (detail.map { [$0.said(text)] } ?? []))
        }
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
    static let listFields: Set<String> = ["roles", "groups", "rights"]
    static let countFields: Set<String> = ["keys", "uses", "seq", "uid", "machines", "ok", "denied", "count", "calls", "others"]
    static let nullableTimes: Set<String> = ["expires", "last-used"]

    static func read(_ bytes: [UInt8]) -> Contents {
        var contents = Contents()
        var seen: [String: Int] = [:]  // "machine m_…" → its line
        var endLine: Int?
        var lineNumber = 0
        var start = 0
        func problem(_ message: Message, _ arguments: [String], detail: Phrase? = nil) {
            contents.problems.append(Problem(line: lineNumber, message: message, arguments: arguments, detail: detail))
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
                checkEnd(members, against: contents.counts) { problem($0, $1, detail: $2) }
                continue
            }
            guard let type = RecordType(rawValue: typeName) else {
                problem(.importUnknownType, [typeName])
                continue
            }
            contents.counts[type, default: 0] += 1
            switch record(type, members) {
            case .failure(let failure):
                problem(failure.message, failure.arguments, detail: failure.detail)
            case .success(let record):
                let identity = identity(of: record, type)
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

    /// What names a record in its file: two with the same are one record given twice.
    static func identity(of record: ImportRecord, _ type: RecordType) -> String {
        switch type {
        case .event, .alert: "seq " + (record["seq"] ?? "")
        case .role, .group: record["name"] ?? ""
        case .machine, .key: record["id"] ?? ""
        case .day: (record["key"] ?? "") + " " + (record["date"] ?? "")
        case .address: (record["key"] ?? "") + " " + (record["address"] ?? "")
        }
    }

    private static func checkEnd(_ members: [JSON.Member], against counts: [RecordType: Int],
                                 report: (Message, [String], Phrase?) -> Void) {
        var announced: [String: Int] = [:]
        for member in members where member.key != "type" {
            guard counted.contains(where: { $0.name == member.key }) else {
                return report(.importUnknownField, [endType, member.key], nil)
            }
            guard case .number(let digits) = member.value, let n = Int(digits), n >= 0 else {
                return report(.importBadValue, [endType], Phrase(.mustBeWholeNumber, [member.key]))
            }
            announced[member.key] = n
        }
        for name in ["machines", "keys", "events"] where announced[name] == nil {
            return report(.importMissingField, [endType, name], nil)
        }
        // A file of version 1.0 has no roles, groups or usage, and says nothing of them.
        let held = counted.map { counts[$0.type] ?? 0 }
        let said = counted.map { announced[$0.name] ?? 0 }
        if held != said {
            func phrase(_ n: [Int]) -> String { zip(counted, n).map { "\($0.name)=\($1)" }.joined(separator: " ") }
            report(.importCountMismatch, [phrase(said), phrase(held)], nil)
        }
    }

    struct Failure: Error {
        let message: Message
        let arguments: [String]
        var detail: Phrase?

        /// A value of a `type` line that is wrong, as `problem` says.
        static func bad(_ type: RecordType, _ problem: Phrase) -> Failure {
            Failure(message: .importBadValue, arguments: [type.rawValue], detail: problem)
        }
    }

    /// One record's members as protocol attributes, checked as the daemon will check them.
    static func record(_ type: RecordType, _ members: [JSON.Member]) -> Result<ImportRecord, Failure> {
        let kind = type.kind
        var attributes: [(String, String)] = []
        var names = Set<String>()
        for member in members where member.key != "type" {
            let name = member.key
            guard kind.takes(name) else {
                return .failure(Failure(message: .importUnknownField, arguments: [type.rawValue, name]))
            }
            guard names.insert(name).inserted else {
                return .failure(.bad(type, Phrase(.mustBeOnce, [name])))
            }
            let value: String
            switch (member.value, name) {
            case (.array(let items), _) where listFields.contains(name):
                var parts: [String] = []
                for item in items {
                    guard case .string(let text) = item else {
                        return .failure(.bad(type, Phrase(.mustBeStrings, [name])))
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
                let expected: Message = listFields.contains(name) ? .mustBeStrings
                    : countFields.contains(name) ? .mustBeWholeNumber
                    : nullableTimes.contains(name) ? .mustBeTimeOrNull : .mustBeString
                return .failure(.bad(type, Phrase(expected, [name])))
            }
            attributes.append((name, value))
        }
        for name in kind.requiredFields.sorted() where !names.contains(name) {
            return .failure(Failure(message: .importMissingField, arguments: [type.rawValue, name]))
        }
        let record = ImportRecord(kind: kind, attributes: attributes)
        if let problem = check(type, record) { return .failure(.bad(type, problem)) }
        return .success(record)
    }

    /// The daemon's checks of IMPORT MACHINE, KEY, EVENT, DAY, IP and ALERT, made here so that a bad line
    /// is named by its number before anything is sent; nil when the record is right.
    static func check(_ type: RecordType, _ r: ImportRecord) -> Phrase? {
        func time(_ name: String, required: Bool = false) -> Phrase? {
            guard let value = r[name], !value.isEmpty, value != "never" else { return required ? Phrase(.mustBeGiven, [name]) : nil }
            return Timestamp(rfc3339: value) == nil ? Phrase(.mustBeTime, [name]) : nil
        }
        func text(_ name: String, _ length: ClosedRange<Int>, lineBreaks: Bool = false) -> Phrase? {
            Bounds.text(r[name] ?? "", name, length, lineBreaks: lineBreaks)
        }
        func machineID(_ name: String, optional: Bool = false) -> Phrase? {
            let value = r[name] ?? ""
            if optional && value.isEmpty { return nil }
            return MachineID(value) == nil ? Phrase(.mustBeMachineID, [name]) : nil
        }
        func status() -> Phrase? { Status(wire: r["status"] ?? "active") == nil ? Phrase(.mustBeStatus, ["status"]) : nil }
        func first(_ checks: Phrase?...) -> Phrase? { checks.lazy.compactMap { $0 }.first }
        func keyID(_ name: String) -> Phrase? { KeyID(r[name] ?? "") == nil ? Phrase(.mustBeKeyID, [name]) : nil }
        func date(_ name: String) -> Phrase? {
            let value = r[name] ?? ""
            let time = value.utf8.count == 10 ? Timestamp(rfc3339: value + "T00:00:00Z") : nil
            return time.map { $0.seconds >= 0 && $0.description.hasPrefix(value) } == true ? nil : Phrase(.mustBeDate, [name])
        }
        func order(_ earlier: String, _ later: String) -> Phrase? {
            guard let a = Timestamp(rfc3339: r[earlier] ?? ""), let b = Timestamp(rfc3339: r[later] ?? ""), b < a else { return nil }
            return Phrase(.mustNotPrecede, [later, earlier])
        }
        func rights() -> Phrase? { (try? Validation.rights(r["rights"] ?? "")) == nil ? Phrase(.mustBeRights, ["rights"]) : nil }
        func perimeter() -> Phrase? { (try? Perimeter(parsing: r["perimeter"] ?? "*")) == nil ? Phrase(.mustBePerimeter, ["perimeter"]) : nil }
        func protected() -> Phrase? { (try? Validation.protected(r["protected"] ?? "no")) == nil ? Phrase(.mustBeYesNo, ["protected"]) : nil }
        func name() -> Phrase? { (try? Validation.roleName(r["name"] ?? "")) == nil ? Phrase(.badRole, [r["name"] ?? ""]) : nil }
        switch type {
        case .role:
            return first(name(), text("description", Validation.descriptionLength, lineBreaks: true), rights(), perimeter(), protected(),
                         time("created"), time("updated"), text("created-by", 0...128))
        case .group:
            let roles = (r["roles"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return first(name(), text("description", Validation.descriptionLength, lineBreaks: true),
                         (r["roles"] ?? "").isEmpty ? nil : Bounds.roles(roles), perimeter(), protected(),
                         time("created"), time("updated"), text("created-by", 0...128))
        case .machine:
            let roles = (r["roles"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return first(machineID("id"), text("name", Validation.nameLength),
                         text("description", Validation.descriptionLength, lineBreaks: true),
                         text("organization", Validation.organizationLength), (r["roles"] ?? "").isEmpty ? nil : Bounds.roles(roles),
                         status(), time("created"), time("updated"), text("created-by", 0...128), protected())
        case .key:
            let hash = Hex.decode(r["hash"] ?? "")
            return first(KeyID(r["id"] ?? "") == nil ? Phrase(.mustBeKeyID, ["id"]) : nil, machineID("machine"),
                         hash?.count == 32 ? nil : Phrase(.mustBeHash, ["hash"]), text("label", Validation.labelLength), status(),
                         time("created"), time("updated"), time("expires"), time("last-used"),
                         text("created-by", 0...128), text("last-ip", 0...256))
        case .event:
            let actions = AuditAction.allCases.map(\.rawValue).joined(separator: ", ")
            return first((UInt64(r["seq"] ?? "") ?? 0) > 0 ? nil : Phrase(.mustBeSeq, ["seq"]), time("time", required: true),
                         UInt32(r["uid"] ?? "0") == nil ? Phrase(.mustBeUID, ["uid"]) : nil,
                         AuditAction(rawValue: r["action"] ?? "") == nil ? Phrase(.mustBeAction, ["action", actions]) : nil,
                         machineID("machine", optional: true), text("user", 0...128), text("target", 0...256))
        case .day:
            return first(keyID("key"), date("date"))
        case .address:
            return first(keyID("key"), text("address", 1...256), time("first", required: true), time("last", required: true),
                         order("first", "last"))
        case .alert:
            let kinds = ["revoked-use", "new-ip", "spike", "failures"]
            return first((UInt64(r["seq"] ?? "") ?? 0) > 0 ? nil : Phrase(.mustBeSeq, ["seq"]), time("time", required: true),
                         kinds.contains(r["kind"] ?? "") ? nil : Phrase(.mustBeAction, ["kind", kinds.joined(separator: ", ")]),
                         (r["key"] ?? "").isEmpty ? nil : keyID("key"), machineID("machine", optional: true),
                         text("ip", 0...256), text("details", 0...1024))
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
