import PapaoursCore
import PapaoursProtocol

/// One day of a key's usage (`DAY`): VERIFYs accepted and refused, UTC.
public struct UsageDay: Sendable, Equatable {
    /// `2026-12-01`
    public let date: String
    public let ok: UInt64
    public let denied: UInt64
    public let raw: ReplyLine

    public init(_ line: ReplyLine) throws(ClientError) {
        let a = Attributes(line)
        date = try a.string("date")
        ok = try a.count("ok")
        denied = try a.count("denied")
        raw = line
    }
}

/// One client address of a key (`IP`).
public struct UsageAddress: Sendable, Equatable {
    public let address: String
    public let first: Timestamp
    public let last: Timestamp
    public let count: UInt64
    public let raw: ReplyLine

    public init(_ line: ReplyLine) throws(ClientError) {
        let a = Attributes(line)
        address = try a.string("address")
        first = try a.timestamp("first")
        last = try a.timestamp("last")
        count = try a.count("count")
        raw = line
    }
}

/// What `USAGE` says of a key: its days, today first, and its addresses, most recent first.
public struct KeyUsageHistory: Sendable, Equatable {
    public let days: [UsageDay]
    public let addresses: [UsageAddress]
}

/// One alert (`ALERT`): never a secret in it.
public struct AlertEntry: Sendable, Equatable {
    public let seq: UInt64
    public let time: Timestamp
    /// `revoked-use`, `new-ip`, `spike`, `failures`; kept as text so new kinds read fine.
    public let kind: String
    public let key: String?
    public let machine: String?
    public let ip: String?
    /// In English; `raw` holds its figures too (`reason=`, `count=`, `created=`, `others=`,
    /// `calls=`, `median=`, `uid=`, papaours-protocol(7)), to say it in another language.
    public let details: String
    public let raw: ReplyLine

    public init(_ line: ReplyLine) throws(ClientError) {
        let a = Attributes(line)
        seq = try a.count("seq")
        time = try a.timestamp("time")
        kind = try a.string("kind")
        key = a.optionalString("key").flatMap { $0.isEmpty ? nil : $0 }
        machine = a.optionalString("machine").flatMap { $0.isEmpty ? nil : $0 }
        ip = a.optionalString("ip").flatMap { $0.isEmpty ? nil : $0 }
        details = a.optionalString("details") ?? ""
        raw = line
    }
}

/// What `KEY ROTATE` returns: the new key and its secret (shown this once), and the old key's
/// id and new expiry.
public struct RotatedKey: Sendable {
    public let created: CreatedKey
    public let rotated: KeyID
    public let oldExpires: Timestamp

    init(_ line: ReplyLine) throws(ClientError) {
        created = try CreatedKey(line)
        let a = Attributes(line)
        rotated = try a.keyID("rotated")
        oldExpires = try a.timestamp("old-expires")
    }
}

extension PapaoursClient {
    /// `days`: 1 to 400 (the server's default, 30, when nil).
    public func usage(_ key: String, days: Int? = nil) throws(ClientError) -> KeyUsageHistory {
        var attributes: [String: String] = [:]
        attributes["days"] = days.map { String($0) }
        let reply = try send(Request(verb: .usage, arguments: [key], attributes: attributes))
        let ok = try reply.checked()
        guard let count = ok["count"].flatMap({ Int($0) }), count == reply.items.count else {
            throw ClientError.violation("USAGE announced count=\(ok["count"] ?? "") but sent \(reply.items.count) lines")
        }
        var days: [UsageDay] = [], addresses: [UsageAddress] = []
        for line in reply.items {
            switch line.kind {
            case .item(type: "DAY"): days.append(try UsageDay(line))
            case .item(type: "IP"): addresses.append(try UsageAddress(line))
            default: throw ClientError.violation("unexpected line in a USAGE listing")
            }
        }
        return KeyUsageHistory(days: days, addresses: addresses)
    }

    /// Alerts oldest first, after sequence number `after`, at most `limit` (the server's default when nil).
    public func alerts(after: UInt64? = nil, limit: Int? = nil) throws(ClientError) -> [AlertEntry] {
        var attributes: [String: String] = [:]
        attributes["after"] = after.map { String($0) }
        attributes["limit"] = limit.map { String($0) }
        var result: [AlertEntry] = []
        for line in try send(Request(verb: .alerts, attributes: attributes)).listing(of: "ALERT") { result.append(try AlertEntry(line)) }
        return result
    }

    /// A new key on the key's machine, the old one refused after `grace` (`90s`, `15m`, `24h`,
    /// `7d`; the server's default, 24h, when nil). Never sent twice: it is not idempotent.
    public func keyRotate(_ key: String, grace: String? = nil, label: String? = nil) throws(ClientError) -> RotatedKey {
        var attributes: [String: String] = [:]
        attributes["grace"] = grace
        attributes["label"] = label
        return try RotatedKey(send(Request(verb: .keyRotate, arguments: [key], attributes: attributes)).checked())
    }
}
