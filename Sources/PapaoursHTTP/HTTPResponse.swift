/// A response to write: status, fields, body. Content-Length and Connection are added here.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var fields: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, fields: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.fields = fields
        self.body = body
    }

    public static func == (a: HTTPResponse, b: HTTPResponse) -> Bool {
        a.status == b.status && a.body == b.body
            && a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.value) == b.fields.map(\.value)
    }

    /// The value of a field (names compared without regard to case).
    public func value(_ name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    /// The bytes on the wire. `keepAlive` false adds `Connection: close`; an HTTP/1.0 client
    /// that asked to keep it is told `keep-alive`. A HEAD answer has no body but its length.
    public func serialized(minorVersion: Int, keepAlive: Bool, head: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + body.count)
        out += "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\n".utf8
        for field in fields { out += "\(field.name): \(field.value)\r\n".utf8 }
        out += "Content-Length: \(body.count)\r\n".utf8
        if !keepAlive {
            out += "Connection: close\r\n".utf8
        } else if minorVersion == 0 {
            out += "Connection: keep-alive\r\n".utf8
        }
        out += "\r\n".utf8
        if !head { out += body }
        return out
    }
}
