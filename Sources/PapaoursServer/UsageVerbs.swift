import PapaoursCore
import PapaoursProtocol
import PapaoursStore

/// USAGE and ALERTS (protocol.md, "Usage history and alerts"), answered from the loop's snapshot.
extension Dispatcher {
    static let usageDefaultDays = 30
    static let alertsDefaultLimit = 100
    static let alertsMaxLimit = 1000

    /// `DAY` lines, today (UTC) first, then `IP` lines, most recent first.
    func usage(_ request: Request) throws -> [UInt8] {
        var days = Dispatcher.usageDefaultDays
        if let text = request[attribute: "days"] {
            guard let n = Int(text), (1...Int(UsageHistory.daysKept)).contains(n) else {
                return ReplyFormat.no("invalid", "days must be from 1 to \(UsageHistory.daysKept), got \(Log.token(text))")
            }
            days = n
        }
        try session.refresh()
        let ref = request.arguments[0]
        guard let id = KeyID(ref), try session.key(id: id) != nil else {
            return ReplyFormat.no("not-found", "no key \(Log.token(ref))")
        }
        let today = UsageClock.day(Timestamp.now())
        let first = today >= UInt32(days - 1) ? today - UInt32(days - 1) : 0
        var counted: [UInt32: DayCount] = [:]
        for d in try session.usageDays(of: id, from: first, through: today) { counted[d.day] = d }
        var out: [UInt8] = []
        var lines = 0
        for day in stride(from: Int64(today), through: Int64(today) - Int64(days - 1), by: -1) {
            let d = day >= 0 ? counted[UInt32(day)] : nil
            out += ReplyFormat.item("DAY") {
                if day >= 0 {
                    ReplyFormat.day(d ?? DayCount(day: UInt32(day), ok: 0, denied: 0), into: &$0)
                } else {
                    ReplyFormat.day(date: "1969-12-31", ok: 0, denied: 0, into: &$0)
                }
            }
            lines += 1
        }
        for use in try session.addresses(of: id).addresses {
            out += ReplyFormat.item("IP") { ReplyFormat.address(use, into: &$0) }
            lines += 1
        }
        return out + ReplyFormat.ok { $0.attribute("count", String(lines)) }
    }

    /// `ALERT` lines oldest first, after `after=`, at most `limit=`.
    func alerts(_ request: Request) throws -> [UInt8] {
        var after: UInt64 = 0
        if let text = request[attribute: "after"] {
            guard let n = UInt64(text) else { return ReplyFormat.no("invalid", "after must be a sequence number, got \(Log.token(text))") }
            after = n
        }
        var limit = Dispatcher.alertsDefaultLimit
        if let text = request[attribute: "limit"] {
            guard let n = Int(text), (1...Dispatcher.alertsMaxLimit).contains(n) else {
                return ReplyFormat.no("invalid", "limit must be from 1 to \(Dispatcher.alertsMaxLimit), got \(Log.token(text))")
            }
            limit = n
        }
        try session.refresh()
        let alerts = try session.alerts(after: after, limit: limit)
        var out: [UInt8] = []
        for alert in alerts { out += ReplyFormat.item("ALERT") { ReplyFormat.alert(alert, into: &$0) } }
        return out + ReplyFormat.ok { $0.attribute("count", String(alerts.count)) }
    }
}

extension ReplyFormat {
    /// A `DAY` line's attributes (USAGE; EXPORT puts `key=` before them).
    static func day(_ d: DayCount, into line: inout LineEncoder) {
        day(date: UsageClock.date(d.day), ok: d.ok, denied: d.denied, into: &line)
    }

    static func day(date: String, ok: UInt64, denied: UInt64, into line: inout LineEncoder) {
        line.attribute("date", date)
        line.attribute("ok", String(ok))
        line.attribute("denied", String(denied))
    }

    /// An `IP` line's attributes (USAGE; EXPORT puts `key=` before them).
    static func address(_ use: AddressUse, into line: inout LineEncoder) {
        line.attribute("address", use.ip)
        line.attribute("first", use.first.description)
        line.attribute("last", use.last.description)
        line.attribute("count", String(use.count))
    }

    static func alert(_ a: Alert, into line: inout LineEncoder) {
        line.attribute("seq", String(a.seq))
        line.attribute("time", a.time.description)
        line.attribute("kind", a.kind.rawValue)
        line.attribute("key", a.key?.value ?? "")
        line.attribute("machine", a.machine?.value ?? "")
        line.attribute("ip", a.ip)
        line.attribute("details", a.details)
        for fact in a.facts { line.attribute(fact.name, fact.value) }
    }

    /// KEY ROTATE's answer: the new key, its secret, the old key and its new expiry.
    static func rotated(_ r: RotatedKey, secret: Secret) -> [UInt8] {
        ok {
            key(r.new, into: &$0)
            $0.attribute("secret", plainBytes: secret.bytes)
            $0.attribute("rotated", r.old.id.value)
            $0.attribute("old-expires", r.old.expires?.description ?? "")
        }
    }
}
