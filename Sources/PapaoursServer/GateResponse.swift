import PapaoursHTTP

/// The gate's answers other than 200, each with its `X-Papaours-Reason` and status (protocol.md, "The HTTP gate").
enum GateRefusal: String {
    case missingKey = "missing-key"
    case malformedKey = "malformed-key"
    case unknownKey = "unknown-key"
    case inactiveKey = "inactive-key"
    case expiredKey = "expired-key"
    case inactiveMachine = "inactive-machine"
    case missingRight = "missing-right"
    case badRequest = "bad-request"
    case notFound = "not-found"
    case unavailable
    case gateForbidden = "gate-forbidden"

    /// A refused VERIFY, by its code (the same words).
    init(refused result: VerifyResult) {
        precondition(result != .ok, "an accepted key is no refusal")
        self = GateRefusal(rawValue: result.rawValue)!
    }

    var status: Int {
        switch self {
        case .missingKey, .malformedKey, .unknownKey, .inactiveKey, .expiredKey, .inactiveMachine: 401
        case .missingRight: 403
        case .badRequest: 400
        case .notFound: 404
        case .unavailable: 503
        case .gateForbidden: 500
        }
    }
}

enum GateResponse {
    /// Never cached by a proxy: a deactivation must show at the very next request.
    static let noStore = (name: "Cache-Control", value: "no-store")

    /// Every refusal: its reason in a header and in a one-line JSON body; 401 names the scheme.
    static func refusal(_ refusal: GateRefusal, _ message: String) -> HTTPResponse {
        var fields = [noStore, (name: "X-Papaours-Reason", value: refusal.rawValue)]
        if refusal.status == 401 {
            fields.append((name: "WWW-Authenticate", value: "ApiKey realm=\"papaours\", header=\"X-API-KEY\""))
        }
        fields.append((name: "Content-Type", value: "application/json"))
        let body = "{\"error\":\(HTTPText.jsonString(refusal.rawValue)),\"message\":\(HTTPText.jsonString(message))}\n"
        return HTTPResponse(status: refusal.status, fields: fields, body: Array(body.utf8))
    }

    /// Sent at accept, then closed, when the connection limits refuse a client.
    static func busy(_ why: String) -> [UInt8] { refusal(.unavailable, why).serialized(minorVersion: 1, keepAlive: false) }

    static func json(_ text: String, type: String = "application/json") -> HTTPResponse {
        HTTPResponse(status: 200, fields: [noStore, (name: "Content-Type", value: type)], body: Array(text.utf8))
    }
}
