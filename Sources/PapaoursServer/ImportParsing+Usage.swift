import PapaoursCore
import PapaoursProtocol
import PapaoursStore

/// IMPORT DAY / IP / ALERT attributes (EXPORT's lines) back into the history's values.
extension ImportParsing {
    static func keyID(_ r: Request, _ field: String = "key") throws(ValidationError) -> KeyID {
        guard let id = KeyID(r[attribute: field] ?? "") else { throw ValidationError(field: field, problem: "must be k_ and 16 of [a-z0-9]") }
        return id
    }

    static func count(_ r: Request, _ field: String) throws(ValidationError) -> UInt64 {
        let text = r[attribute: field] ?? "0"
        guard let n = UInt64(text) else { throw ValidationError(field: field, problem: "must be a count, got \(Log.token(text))") }
        return n
    }

    /// `2026-12-01`: a UTC day since 1970-01-01.
    static func date(_ value: String?) throws(ValidationError) -> UInt32 {
        let text = value ?? ""
        guard text.utf8.count == 10, let time = Timestamp(rfc3339: text + "T00:00:00Z"), time.seconds >= 0,
              UsageClock.date(UsageClock.day(time)) == text else {
            throw ValidationError(field: "date", problem: "must be a day such as 2026-12-01, from 1970-01-01, got \(Log.token(text))")
        }
        return UsageClock.day(time)
    }

    static func day(_ r: Request) throws(ValidationError) -> KeyDay {
        KeyDay(key: try keyID(r), day: DayCount(day: try date(r[attribute: "date"]), ok: try count(r, "ok"), denied: try count(r, "denied")))
    }

    static func address(_ r: Request) throws(ValidationError) -> KeyAddress {
        let key = try keyID(r)
        let ip = try Validation.text(r[attribute: "address"] ?? "", field: "address", length: 1...256)
        let first = try time(r[attribute: "first"], "first")!, last = try time(r[attribute: "last"], "last")!
        guard last >= first else { throw ValidationError(field: "last", problem: "must not be before first= (\(first))") }
        return KeyAddress(key: key, use: AddressUse(ip: ip, first: first, last: last, count: try count(r, "count")))
    }

    static func alert(_ r: Request) throws(ValidationError) -> Alert {
        guard let seq = UInt64(r[attribute: "seq"] ?? ""), seq > 0 else { throw ValidationError(field: "seq", problem: "must be a positive sequence number") }
        guard let kind = AlertKind(rawValue: r[attribute: "kind"] ?? "") else {
            throw ValidationError(field: "kind", problem: "must be one of " + AlertKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let key = (r[attribute: "key"] ?? "").isEmpty ? nil : try keyID(r)
        var machine: MachineID?
        if let text = r[attribute: "machine"], !text.isEmpty {
            guard let id = MachineID(text) else { throw ValidationError(field: "machine", problem: "must be a machine id") }
            machine = id
        }
        return Alert(seq: seq, time: try time(r[attribute: "time"], "time")!, kind: kind, key: key, machine: machine,
                     ip: try Validation.text(r[attribute: "ip"] ?? "", field: "ip", length: 0...256),
                     details: try Validation.text(r[attribute: "details"] ?? "", field: "details", length: 0...1024),
                     facts: try facts(r, of: kind))
    }

    /// The figures of the alert's kind it carries, in their order; another kind's is refused.
    static func facts(_ r: Request, of kind: AlertKind) throws(ValidationError) -> [AlertFact] {
        for name in AlertKind.factNames.subtracting(kind.factNames).sorted() where r[attribute: name] != nil {
            throw ValidationError(field: name, problem: "is not a figure of a \(kind.rawValue) alert (\(kind.factNames.joined(separator: ", ")))")
        }
        var facts: [AlertFact] = []
        for name in kind.factNames {
            guard let value = r[attribute: name] else { continue }
            switch name {
            case "created": _ = try time(value, name)
            case "median":
                guard let m = Double(value), m.isFinite, m >= 0 else { throw ValidationError(field: name, problem: "must be a number such as 4.5, got \(Log.token(value))") }
            case "reason": _ = try Validation.text(value, field: name, length: 1...64)
            default: _ = try count(r, name)
            }
            facts.append(AlertFact(name, value))
        }
        return facts
    }
}
