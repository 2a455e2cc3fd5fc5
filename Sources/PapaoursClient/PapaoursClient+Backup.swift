import CPapaoursSystem
import Glibc
import PapaoursCore
import PapaoursProtocol

/// Backup, export, import and KEY IMPORT (papaours-protocol(7), beyond protocol.md).
extension PapaoursClient {
    /// Records sent between `IMPORT BEGIN` and `IMPORT COMMIT` in one write of at most
    /// `pipelineWindow` bytes, their replies read before the next write.
    static let importWindow = pipelineWindow

    /// `BACKUP`: the daemon writes a compacted, consistent copy of its database into `fd`,
    /// which the caller opened for writing (papaoursctl: a new file, mode 0600), syncs it and
    /// closes its own copy; the caller still owns and closes `fd`. The request is sent once:
    /// if the connection breaks after it went, the file may hold a partial copy
    /// (`.connectionLost`) and must be thrown away.
    public func backup(to fd: Int32) throws(ClientError) -> BackupResult {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, flags & O_ACCMODE == O_WRONLY || flags & O_ACCMODE == O_RDWR else {
            throw ClientError.refused("invalid", "the backup needs a file descriptor open for writing")
        }
        let line = try Self.line(of: Request(verb: .backup))
        let reply = try exclusively { (open: Connection) throws(ExchangeFailure) -> Reply in
            try open.write(line, passing: fd)
            return try Self.readReply(on: open)
        }
        return try BackupResult(reply.checked())
    }

    /// `EXPORT`: every machine, every key with its hash (never a secret: there is none),
    /// and the whole audit journal, as the daemon's data lines; `importRecords` takes them back.
    public func export() throws(ClientError) -> ExportedStore {
        try ExportedStore(send(Request(verb: .export)))
    }

    /// `IMPORT BEGIN`, the records, `IMPORT COMMIT`, on one connection held throughout:
    /// the daemon adds them in one transaction, or nothing when one of them conflicts with
    /// the store (`.refused` with code `exists`). Records already present are skipped.
    /// A record the daemon refuses (`record N: …`, N counting from 1) or one that cannot be
    /// sent is followed by `IMPORT ABORT`, and nothing is imported.
    public func importRecords(_ records: [ImportRecord]) throws(ClientError) -> ImportReport {
        let reply = try exclusively { (open: Connection) throws(ExchangeFailure) -> Result<Reply, ClientError> in
            do throws(ExchangeFailure) {
                try open.write(Array("IMPORT BEGIN\n".utf8))
                let begun = try Self.readReply(on: open)
                guard begun.isOK else { return .success(begun) }
                var next = 0
                while next < records.count {
                    var window: [UInt8] = []
                    var sent = next
                    var local: ClientError?
                    while sent < records.count {
                        let line: [UInt8]
                        do throws(ClientError) {
                            line = try Self.line(of: records[sent].request(number: sent + 1))
                        } catch {
                            local = Self.named(error, number: sent + 1, of: records[sent])
                            break
                        }
                        if !window.isEmpty && window.count + line.count > Self.importWindow { break }
                        window += line
                        sent += 1
                    }
                    if !window.isEmpty { try open.write(window) }
                    var refusal: ClientError?
                    for index in next..<sent {
                        let answer = try Self.readReply(on: open)
                        if refusal == nil && !answer.isOK { refusal = Self.recordFailure(answer, number: index + 1, of: records[index]) }
                    }
                    if let failure = refusal ?? local {
                        try Self.abort(on: open)
                        return .failure(failure)
                    }
                    next = sent
                }
            } catch {
                // Not committed: the daemon drops what a closed connection staged.
                if case .broken(_, let errno) = error { throw .broken(maybeExecuted: false, errno: errno) }
                throw error
            }
            try open.write(Array("IMPORT COMMIT\n".utf8))
            return .success(try Self.readReply(on: open))
        }
        return try ImportReport(reply.get().checked())
    }

    /// The records of an export, in its order: machines, keys, events.
    public func importRecords(_ exported: ExportedStore) throws(ClientError) -> ImportReport {
        try importRecords(exported.records)
    }

    /// `ROLE`, `GROUP`, `MACHINE`, `KEY`, `EVENT`, `DAY`, `IP` and `ALERT` lines as EXPORT sends them.
    public func importRecords(_ lines: [ReplyLine]) throws(ClientError) -> ImportReport {
        var records: [ImportRecord] = []
        records.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            guard let record = ImportRecord(line) else {
                throw ClientError.refused("invalid", "record \(index + 1): not a ROLE, GROUP, MACHINE, KEY, EVENT, DAY, IP or ALERT line")
            }
            records.append(record)
        }
        return try importRecords(records)
    }

    /// `KEY IMPORT`: a key issued elsewhere, of which the daemon keeps only the hash. A
    /// papaours key must have a valid checksum; any other must be 20 to 256 printable ASCII
    /// characters and strong enough (about 128 bits judged by length and alphabet), or the
    /// reply is `NO invalid`. Never retried: it may have been applied.
    public func keyImport(machine: String, secret: String, label: String, expires: Timestamp? = nil) throws(ClientError) -> APIKey {
        var attributes = ["label": label]
        attributes["expires"] = expires?.description
        return try APIKey(send(Request(verb: .keyImport, arguments: [machine, secret], attributes: attributes)).checked())
    }

    private static func abort(on open: Connection) throws(ExchangeFailure) {
        try open.write(Array("IMPORT ABORT\n".utf8))
        _ = try Self.readReply(on: open)
    }

    /// A record that cannot be sent (a line over the protocol's limit…), named by its number.
    private static func named(_ error: ClientError, number: Int, of record: ImportRecord) -> ClientError {
        if error.detail.hasPrefix("record ") { return error }
        return ClientError(error.code, replyCode: error.replyCode, detail: "record \(number) (\(record.kind.rawValue)): \(error.detail)")
    }

    /// A refused record, named by its number when the daemon did not.
    private static func recordFailure(_ reply: Reply, number: Int, of record: ImportRecord) -> ClientError {
        let text = reply.final.text.hasPrefix("record ") ? reply.final.text : "record \(number) (\(record.kind.rawValue)): \(reply.final.text)"
        switch reply.final.kind {
        case .no(let code): return .refused(code, text)
        case .bad(let code): return .bad(code, text)
        default: return .violation("an import record was answered with a data line")
        }
    }
}

/// The `BACKUP` reply.
public struct BackupResult: Sendable, Equatable {
    /// Bytes in the backup file.
    public let size: UInt64
    public let machines: Int
    public let keys: Int
    public let raw: ReplyLine

    public init(_ line: ReplyLine) throws(ClientError) {
        let a = Attributes(line)
        size = try a.count("size")
        machines = try a.count("machines")
        keys = try a.count("keys")
        raw = line
    }
}

/// Everything `EXPORT` sent, grouped by type, each line as the daemon wrote it.
public struct ExportedStore: Sendable, Equatable {
    /// Roles and groups: empty from a version-1 daemon.
    public let roles: [ReplyLine]
    public let groups: [ReplyLine]
    public let machines: [ReplyLine]
    /// Each with `hash=`, the SHA-256 of its secret.
    public let keys: [ReplyLine]
    /// The whole audit journal, oldest first.
    public let events: [ReplyLine]
    /// The keys' usage history (`DAY key= date= ok= denied=`, `IP key= address= first= last=
    /// count=`) and the alerts (`ALERT`): empty from a daemon before protocol 1.1.
    public let days: [ReplyLine]
    public let addresses: [ReplyLine]
    public let alerts: [ReplyLine]
    /// `OK count= machines= keys= events= roles= groups= days= addresses= alerts=`
    public let final: ReplyLine

    /// The lines of a whole EXPORT reply, once its counts match them.
    public init(_ reply: Reply) throws(ClientError) {
        let ok = try reply.checked()
        var machines: [ReplyLine] = [], keys: [ReplyLine] = [], events: [ReplyLine] = []
        var roles: [ReplyLine] = [], groups: [ReplyLine] = []
        var days: [ReplyLine] = [], addresses: [ReplyLine] = [], alerts: [ReplyLine] = []
        for item in reply.items {
            switch item.kind {
            case .item(type: "ROLE"): roles.append(item)
            case .item(type: "GROUP"): groups.append(item)
            case .item(type: "MACHINE"): machines.append(item)
            case .item(type: "KEY"):
                guard item["hash"] != nil else { throw ClientError.violation("an exported KEY line without hash=") }
                keys.append(item)
            case .item(type: "EVENT"): events.append(item)
            case .item(type: "DAY"): days.append(item)
            case .item(type: "IP"): addresses.append(item)
            case .item(type: "ALERT"): alerts.append(item)
            default: throw ClientError.violation("unexpected line in an EXPORT reply")
            }
        }
        let a = Attributes(ok)
        let announced: (Int, Int, Int, Int) = (try a.count("count"), try a.count("machines"), try a.count("keys"), try a.count("events"))
        guard announced == (reply.items.count, machines.count, keys.count, events.count),
              try (a.optionalCount("roles") ?? 0, a.optionalCount("groups") ?? 0) == (roles.count, groups.count),
              try (a.optionalCount("days") ?? 0, a.optionalCount("addresses") ?? 0, a.optionalCount("alerts") ?? 0)
                == (days.count, addresses.count, alerts.count) else {
            throw ClientError.violation("EXPORT announced \(announced.1) machine(s), \(announced.2) key(s), \(announced.3) event(s) "
                                        + "but sent \(machines.count), \(keys.count), \(events.count)")
        }
        self.roles = roles
        self.groups = groups
        self.machines = machines
        self.keys = keys
        self.events = events
        self.days = days
        self.addresses = addresses
        self.alerts = alerts
        final = ok
    }

    /// Roles, groups, machines, keys, events, then days, addresses and alerts: the order an
    /// import needs (what a record names comes before it).
    public var records: [ImportRecord] {
        (roles + groups + machines + keys + events + days + addresses + alerts).compactMap(ImportRecord.init)
    }
}

/// One record of an import: a machine, a key (with `hash=`) or an audit event, with the
/// attributes EXPORT sends (`ImportFields`).
public struct ImportRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case machine = "MACHINE", key = "KEY", event = "EVENT", role = "ROLE", group = "GROUP"
        case day = "DAY", address = "IP", alert = "ALERT"

        var verb: Verb {
            switch self {
            case .role: .importRole
            case .group: .importGroup
            case .machine: .importMachine
            case .key: .importKey
            case .event: .importEvent
            case .day: .importDay
            case .address: .importAddress
            case .alert: .importAlert
            }
        }

        /// The attributes the daemon takes for this kind.
        public var fields: Set<String> { verb.attributes }
        public var requiredFields: Set<String> { verb.requiredAttributes }

        /// Whether a record of this kind may carry `name`: one of `fields`, or for an event what
        /// changed as data (`changed=`, `old-<field>=`, `new-<field>=`, protocol.md), which EXPORT
        /// sends from a store that keeps it.
        public func takes(_ name: String) -> Bool { verb.accepts(attribute: name) }
    }

    public let kind: Kind
    public let attributes: [(String, String)]

    public init(kind: Kind, attributes: [(String, String)]) {
        self.kind = kind
        self.attributes = attributes
    }

    /// A `ROLE`, `GROUP`, `MACHINE`, `KEY`, `EVENT`, `DAY`, `IP` or `ALERT` data line; nil for any other.
    public init?(_ line: ReplyLine) {
        guard case .item(let type) = line.kind, let kind = Kind(rawValue: type) else { return nil }
        self.init(kind: kind, attributes: line.attributes)
    }

    public subscript(name: String) -> String? { attributes.first { $0.0 == name }?.1 }

    public static func == (a: ImportRecord, b: ImportRecord) -> Bool {
        a.kind == b.kind && a.attributes.elementsEqual(b.attributes) { $0 == $1 }
    }

    /// Its `IMPORT …` request; an attribute the daemon does not take, a repeated one or a
    /// missing required one is refused here, before anything of it is sent.
    func request(number: Int) throws(ClientError) -> Request {
        var values: [String: String] = [:]
        for (name, value) in attributes {
            guard kind.takes(name) else {
                throw ClientError.refused("invalid", "record \(number) (\(kind.rawValue)): unknown attribute \(name)=")
            }
            guard values.updateValue(value, forKey: name) == nil else {
                throw ClientError.refused("invalid", "record \(number) (\(kind.rawValue)): attribute \(name)= is repeated")
            }
        }
        for name in kind.requiredFields.sorted() where values[name] == nil {
            throw ClientError.refused("invalid", "record \(number) (\(kind.rawValue)): missing \(name)=")
        }
        return Request(verb: kind.verb, attributes: values)
    }
}

/// The `IMPORT COMMIT` reply: what was added, and what was skipped as already present.
public struct ImportReport: Sendable, Equatable {
    public let machinesAdded: Int, machinesSkipped: Int
    public let keysAdded: Int, keysSkipped: Int
    public let eventsAdded: Int, eventsSkipped: Int
    /// Zero from a version-1 daemon.
    public let rolesAdded: Int, rolesSkipped: Int
    public let groupsAdded: Int, groupsSkipped: Int
    /// Zero from a daemon before protocol 1.1.
    public let daysAdded: Int, daysSkipped: Int
    public let addressesAdded: Int, addressesSkipped: Int
    public let alertsAdded: Int, alertsSkipped: Int
    public let raw: ReplyLine

    public init(_ line: ReplyLine) throws(ClientError) {
        let a = Attributes(line)
        machinesAdded = try a.count("machines-added")
        machinesSkipped = try a.count("machines-skipped")
        keysAdded = try a.count("keys-added")
        keysSkipped = try a.count("keys-skipped")
        eventsAdded = try a.count("events-added")
        eventsSkipped = try a.count("events-skipped")
        rolesAdded = try a.optionalCount("roles-added") ?? 0
        rolesSkipped = try a.optionalCount("roles-skipped") ?? 0
        groupsAdded = try a.optionalCount("groups-added") ?? 0
        groupsSkipped = try a.optionalCount("groups-skipped") ?? 0
        daysAdded = try a.optionalCount("days-added") ?? 0
        daysSkipped = try a.optionalCount("days-skipped") ?? 0
        addressesAdded = try a.optionalCount("addresses-added") ?? 0
        addressesSkipped = try a.optionalCount("addresses-skipped") ?? 0
        alertsAdded = try a.optionalCount("alerts-added") ?? 0
        alertsSkipped = try a.optionalCount("alerts-skipped") ?? 0
        raw = line
    }

    public var added: Int {
        machinesAdded + keysAdded + eventsAdded + rolesAdded + groupsAdded + daysAdded + addressesAdded + alertsAdded
    }
    public var skipped: Int {
        machinesSkipped + keysSkipped + eventsSkipped + rolesSkipped + groupsSkipped + daysSkipped + addressesSkipped + alertsSkipped
    }
}
