import PapaoursCore
import PapaoursHTTP
import PapaoursStore

/// One gate request's answer: /verify's verdict as 200/401/403, /health, /metrics, or 404.
struct GateResponder {
    let dispatcher: Dispatcher
    let connection: Connection
    let gate: GateState

    func respond(to request: HTTPRequest, usage: inout UsageTally) -> HTTPResponse {
        let known = ["/verify", "/health", "/metrics"]
        guard known.contains(request.path) else {
            return GateResponse.refusal(.notFound, "no such path; the gate answers /verify, /health and /metrics")
        }
        // On the Unix socket the peer needs keys.verify; a proxy without it is misconfigured, which must not look like a deny.
        guard gate.transport == .tcp || connection.permissions.contains(.keysVerify) else {
            if !gate.warnedForbidden {
                gate.warnedForbidden = true
                Log.warning("HTTP gate: \(Log.token(connection.peer.user)) (uid \(connection.peer.uid)) connected to the http-socket without permission keys.verify; answering 500 until papaoursd.conf grants it")
            }
            return GateResponse.refusal(.gateForbidden, "the proxy's user (\(connection.peer.user), uid \(connection.peer.uid)) lacks permission keys.verify on papaoursd's http-socket")
        }
        switch request.path {
        case "/verify": return verify(request, usage: &usage)
        case "/health": return health()
        default: return metrics()
        }
    }

    private func verify(_ request: HTTPRequest, usage: inout UsageTally) -> HTTPResponse {
        let required: [UInt8]
        switch requiredRights(request) {
        case .success(let rights): required = rights
        case .failure(let refusal): return GateResponse.refusal(.badRequest, refusal.message)
        }
        let keys = request.values("x-api-key")
        guard keys.count <= 1 else { return GateResponse.refusal(.badRequest, "more than one X-API-KEY header") }
        guard let key = keys.first.flatMap({ $0.isEmpty ? nil : $0 }) ?? bearer(request) else {
            return GateResponse.refusal(.missingKey, "no key: send it in the X-API-KEY header (or Authorization: Bearer)")
        }
        // The client's address: the first of X-Forwarded-For, else X-Real-IP.
        let ip = request.firstListElement("x-forwarded-for") ?? request.value("x-real-ip") ?? ""
        var secret = Array(key.utf8)
        defer { Wipe.zero(&secret) }
        let verdict = secret.withUnsafeBytes { dispatcher.verdict(secret: $0, ip: ip) }
        switch verdict {
        case .invalidIP(let message):
            return GateResponse.refusal(.badRequest, "the client address (X-Forwarded-For or X-Real-IP): \(message)")
        case .storeFailure(let error):
            Log.error("HTTP gate: VERIFY failed: \(error)")
            return GateResponse.refusal(.unavailable, "the store cannot answer now")
        case .malformed(let why):
            dispatcher.count(verdict, ip: ip, uid: connection.peer.uid, usage: &usage)
            return GateResponse.refusal(.malformedKey, VerifyVerdict.malformedMessage(why))
        case .decided(let entry, _):
            guard let identity = entry.identity else {
                dispatcher.count(verdict, ip: ip, uid: connection.peer.uid, usage: &usage)
                return GateResponse.refusal(GateRefusal(refused: VerifyResult(entry.outcome)), entry.outcome.refusalMessage)
            }
            if let missing = required.withUnsafeBytes({ verdict.missingRight(of: $0) }) {
                dispatcher.count(verdict, as: .missingRight, ip: ip, uid: connection.peer.uid, usage: &usage)
                return GateResponse.refusal(.missingRight, VerifyVerdict.missingRightMessage(missing))
            }
            dispatcher.count(verdict, ip: ip, uid: connection.peer.uid, usage: &usage)
            return headers(identity)
        }
    }

    /// 200 with the machine's identity in headers, percent-encoded so that any text decodes exactly.
    private func headers(_ identity: VerifyIdentity) -> HTTPResponse {
        let machine = identity.machine
        let values: [(String, String)] = [
            ("X-Papaours-Machine", machine.id.value),
            ("X-Papaours-Machine-Name", machine.name),
            ("X-Papaours-Organization", machine.organization),
            ("X-Papaours-Roles", machine.roles.joined(separator: ",")),
            ("X-Papaours-Groups", machine.groups.joined(separator: ",")),
            ("X-Papaours-Rights", Right.listText(machine.rights)),
            ("X-Papaours-Key", identity.keyID),
            ("X-Papaours-Key-Label", identity.label),
        ]
        return HTTPResponse(status: 200, fields: [GateResponse.noStore] + values.map { (name: $0.0, value: HTTPText.headerValue($0.1)) })
    }

    struct Refusal: Error { let message: String }

    /// `?require=` and `X-Papaours-Require`, together, as one list; an empty one requires nothing.
    private func requiredRights(_ request: HTTPRequest) -> Result<[UInt8], Refusal> {
        guard let fromQuery = HTTPText.queryValues(request.query, named: "require") else {
            return .failure(Refusal(message: "the query is not correctly percent-encoded UTF-8"))
        }
        var required: [UInt8] = []
        for text in (fromQuery + request.values("x-papaours-require")).map({ $0.filter { $0 != " " } }) where !text.isEmpty {
            guard Array(text.utf8).withUnsafeBytes(RequiredRights.isWellFormed) else {
                return .failure(Refusal(message: "require: \"\(text)\" is not a list of rights such as contrats:read,factures:write (read, write, delete or archive)"))
            }
            if !required.isEmpty { required.append(UInt8(ascii: ",")) }
            required += text.utf8
        }
        return .success(required)
    }

    /// `Authorization: Bearer <key>` (the scheme compared without regard to case).
    private func bearer(_ request: HTTPRequest) -> String? {
        for value in request.values("authorization") {
            let parts = value.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let token = parts[1].trimmingPrefix(while: { $0 == " " })
                if !token.isEmpty { return String(token) }
            }
        }
        return nil
    }

    private func health() -> HTTPResponse {
        if let problem = dispatcher.stats.storeCheck.problem {
            return GateResponse.refusal(.unavailable, "the store is damaged (\(problem)): restore a backup")
        }
        do {
            try dispatcher.session.refresh()
            _ = try dispatcher.session.counts()
            return GateResponse.json("{\"status\":\"ok\"}\n")
        } catch {
            Log.error("HTTP gate: /health: the store does not answer: \(StoreError(any: error))")
            return GateResponse.refusal(.unavailable, "the store does not answer")
        }
    }

    private func metrics() -> HTTPResponse {
        GateResponse.json(Metrics.exposition(dispatcher: dispatcher), type: "text/plain; version=0.0.4")
    }
}
