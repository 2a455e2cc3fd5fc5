import PapaoursCore
import PapaoursProtocol

/// One typed method per verb. Each throws `ClientError.refused` for `NO`
/// and `.bad` for `BAD`, except `verify`, which returns the verify codes
/// as `VerifyResult.refused` (other NO codes, such as `forbidden`, still throw).
extension PapaoursClient {
    public func hello() throws(ClientError) -> ServerInfo {
        try ServerInfo(send(Request(verb: .hello)).checked())
    }

    public func ping() throws(ClientError) {
        try send(Request(verb: .ping)).checked()
    }

    /// `require`: rights such as `contrats:read` the key's machine must hold (protocol 1.1).
    public func verify(_ secret: String, ip: String? = nil, require: [String] = []) throws(ClientError) -> VerifyResult {
        // Keys the daemon would refuse as malformed-key but that the protocol cannot carry
        // (a control character) or a request line cannot hold: refused the same way here.
        if secret.utf8.count > VerifyRefusal.maxKeyLength {
            return .refused(VerifyRefusal(reason: .malformedKey, text: "the key is malformed: longer than \(VerifyRefusal.maxKeyLength) characters"))
        }
        if secret.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return .refused(VerifyRefusal(reason: .malformedKey, text: "the key is malformed: it contains a control character"))
        }
        var attributes: [String: String] = [:]
        if let ip { attributes["ip"] = ip }
        if !require.isEmpty { attributes["require"] = require.joined(separator: ",") }
        let reply = try send(Request(verb: .verify, arguments: [secret], attributes: attributes))
        if case .no(let code) = reply.final.kind, let reason = VerifyRefusal.Reason(rawValue: code) {
            return .refused(VerifyRefusal(reason: reason, text: reply.final.text))
        }
        return .valid(try VerifiedKey(reply.checked()))
    }

    // MARK: machines

    /// `groups` and `protected` are protocol 1.1's.
    public func machineCreate(_ name: String, description: String? = nil, organization: String? = nil,
                              roles: [String]? = nil, groups: [String]? = nil, protected: Bool? = nil) throws(ClientError) -> Machine {
        var attributes: [String: String] = [:]
        attributes["description"] = description
        attributes["organization"] = organization
        attributes["roles"] = roles.map { $0.joined(separator: ",") }
        attributes["groups"] = groups.map { $0.joined(separator: ",") }
        attributes["protected"] = protected.map { $0 ? "yes" : "no" }
        return try Machine(send(Request(verb: .machineCreate, arguments: [name], attributes: attributes)).checked())
    }

    public func machineList() throws(ClientError) -> [Machine] {
        try listing(Request(verb: .machineList), of: "MACHINE", as: Machine.init)
    }

    /// `machine` is an id (`m_…`) or an exact name.
    public func machineShow(_ machine: String) throws(ClientError) -> Machine {
        try Machine(send(Request(verb: .machineShow, arguments: [machine])).checked())
    }

    /// Changes only what is not nil; `roles: []` removes every role. At least one change is needed.
    public func machineEdit(_ machine: String, name: String? = nil, description: String? = nil,
                            organization: String? = nil, roles: [String]? = nil,
                            status: Status? = nil, groups: [String]? = nil, protected: Bool? = nil) throws(ClientError) -> Machine {
        var attributes: [String: String] = [:]
        attributes["name"] = name
        attributes["description"] = description
        attributes["organization"] = organization
        attributes["roles"] = roles.map { $0.joined(separator: ",") }
        attributes["status"] = status?.rawValue
        attributes["groups"] = groups.map { $0.joined(separator: ",") }
        attributes["protected"] = protected.map { $0 ? "yes" : "no" }
        return try Machine(send(Request(verb: .machineEdit, arguments: [machine], attributes: attributes)).checked())
    }

    /// Deletes the machine and, irreversibly, its keys; returns its id.
    @discardableResult
    public func machineDelete(_ machine: String) throws(ClientError) -> MachineID {
        try Attributes(send(Request(verb: .machineDelete, arguments: [machine])).checked()).machineID("id")
    }

    // MARK: keys

    public func keyCreate(_ machine: String, label: String, expires: Timestamp? = nil) throws(ClientError) -> CreatedKey {
        var attributes = ["label": label]
        attributes["expires"] = expires?.description
        return try CreatedKey(send(Request(verb: .keyCreate, arguments: [machine], attributes: attributes)).checked())
    }

    public func keyList(_ machine: String) throws(ClientError) -> [APIKey] {
        try listing(Request(verb: .keyList, arguments: [machine]), of: "KEY", as: APIKey.init)
    }

    public func keyShow(_ key: String) throws(ClientError) -> APIKey {
        try APIKey(send(Request(verb: .keyShow, arguments: [key])).checked())
    }

    /// Changes only what is not nil. The secret never changes.
    public func keyEdit(_ key: String, label: String? = nil, status: Status? = nil) throws(ClientError) -> APIKey {
        var attributes: [String: String] = [:]
        attributes["label"] = label
        attributes["status"] = status?.rawValue
        return try APIKey(send(Request(verb: .keyEdit, arguments: [key], attributes: attributes)).checked())
    }

    // MARK: audit and stats

    /// Events oldest first, after sequence number `after`, at most `limit` (the server's default when nil).
    /// `after`: the oldest events after it (protocol version 1's paging); `before`: the newest
    /// events before it. Neither: from the oldest, as version 1 does.
    public func audit(machine: String? = nil, after: UInt64? = nil, before: UInt64? = nil,
                      limit: Int? = nil) throws(ClientError) -> [AuditEntry] {
        var attributes: [String: String] = [:]
        attributes["machine"] = machine
        attributes["after"] = after.map { String($0) }
        attributes["before"] = before.map { String($0) }
        attributes["limit"] = limit.map { String($0) }
        return try listing(Request(verb: .audit, attributes: attributes), of: "EVENT", as: AuditEntry.init)
    }

    public func stats() throws(ClientError) -> ServerStats {
        try ServerStats(send(Request(verb: .stats)).checked())
    }

    private func listing<T>(_ request: Request, of type: String,
                            as make: (ReplyLine) throws(ClientError) -> T) throws(ClientError) -> [T] {
        var result: [T] = []
        for line in try send(request).listing(of: type) { result.append(try make(line)) }
        return result
    }
}
