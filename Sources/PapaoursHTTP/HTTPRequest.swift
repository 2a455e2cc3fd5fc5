/// One HTTP/1.x request head, as the gate needs it: the body is skipped, never kept.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    /// The path, still percent-encoded, without the query ("/verify").
    public var path: String
    /// What follows `?` in the target, without it; empty when there is none.
    public var query: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1 (and any later 1.x).
    public var minorVersion: Int
    /// Field names in lowercase, values with surrounding whitespace removed, in order.
    public var fields: [(name: String, value: String)]
    /// Bytes of body that follow the head (Content-Length); 0 without one.
    public var contentLength: Int
    /// The body is chunked (Transfer-Encoding: chunked) and ends with its last chunk.
    public var chunked: Bool

    public init(method: String, path: String, query: String, minorVersion: Int,
                fields: [(name: String, value: String)], contentLength: Int, chunked: Bool = false) {
        self.method = method
        self.path = path
        self.query = query
        self.minorVersion = minorVersion
        self.fields = fields
        self.contentLength = contentLength
        self.chunked = chunked
    }

    /// Every value of a field, names compared without regard to case.
    public func values(_ name: String) -> [String] {
        let lowered = name.lowercased()
        return fields.filter { $0.name == lowered }.map(\.value)
    }

    public func value(_ name: String) -> String? { values(name).first }

    /// The first element of a comma-separated field (`X-Forwarded-For: a, b` → `a`), trimmed.
    public func firstListElement(_ name: String) -> String? {
        value(name).flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).first.map { String($0.trimmingSpaces) } }
    }

    /// HTTP/1.1 keeps the connection unless told `close`; HTTP/1.0 only when told `keep-alive`.
    public var keepAlive: Bool {
        let options = values("connection").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingSpaces.lowercased() }
        if options.contains("close") { return false }
        return minorVersion >= 1 || options.contains("keep-alive")
    }

    /// HEAD is answered like GET, without the body.
    public var isHead: Bool { method == "HEAD" }

    public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.method == b.method && a.path == b.path && a.query == b.query && a.minorVersion == b.minorVersion
            && a.contentLength == b.contentLength && a.chunked == b.chunked
            && a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.value) == b.fields.map(\.value)
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (HTTP's OWS).
    var trimmingSpaces: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}
