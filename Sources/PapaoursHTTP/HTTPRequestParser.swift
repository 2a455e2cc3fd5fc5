/// Why a request head was refused (the gate answers 400 and closes), in an English sentence.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// RFC 9112 request heads, strictly: a line ends in CRLF (or a bare LF), no folding, no
/// space before a field's colon, no control byte in a value, the limits of the contract.
/// No I/O: it reads bytes the caller buffered and says how many the head took.
public enum HTTPRequestParser {
    /// The request line, the fields and their line ends together, the blank line included.
    public static let maxHeadBytes = 8192
    /// Header fields a request may carry, Host included.
    public static let maxFields = 100
    /// A larger Content-Length is not a body we will wait for.
    public static let maxContentLength = 1 << 40

    public enum Result: Equatable {
        /// The head is not complete yet (and still within the limit).
        case incomplete
        /// A whole head, `length` bytes of the input; the body (contentLength bytes) follows.
        case request(HTTPRequest, length: Int)
        case invalid(HTTPParseError)
    }

    public static func parse(_ bytes: [UInt8]) -> Result {
        bytes.withUnsafeBytes { parse($0) }
    }

    public static func parse(_ input: UnsafeRawBufferPointer) -> Result {
        var position = 0
        // Empty lines before a request line are ignored (RFC 9112 §2.2), within the limit.
        while position < input.count && (input[position] == 0x0D || input[position] == 0x0A) {
            if input[position] == 0x0D && (position + 1 >= input.count || input[position + 1] != 0x0A) {
                if position + 1 >= input.count { return .incomplete }
                return .invalid(HTTPParseError("a carriage return not followed by a line feed"))
            }
            position += input[position] == 0x0D ? 2 : 1
            if position >= maxHeadBytes { return .invalid(tooLong) }
        }
        var requestLine: RequestLine?
        var fields: [(name: String, value: String)] = []
        while true {
            guard let line = nextLine(input, from: position) else {
                return input.count >= maxHeadBytes ? .invalid(tooLong) : .incomplete
            }
            if line.next > maxHeadBytes { return .invalid(tooLong) }
            let content = UnsafeRawBufferPointer(rebasing: input[position..<line.end])
            position = line.next
            if let bare = content.firstIndex(of: 0x0D) {
                return .invalid(HTTPParseError("a carriage return inside a line (byte \(bare + 1))"))
            }
            guard let start = requestLine else {
                switch parseRequestLine(content) {
                case .success(let parsed): requestLine = parsed
                case .failure(let error): return .invalid(error)
                }
                continue
            }
            if content.isEmpty {
                return finish(start, fields, length: position)
            }
            guard fields.count < maxFields else {
                return .invalid(HTTPParseError("more than \(maxFields) header fields"))
            }
            switch parseField(content, number: fields.count + 1) {
            case .success(let field): fields.append(field)
            case .failure(let error): return .invalid(error)
            }
        }
    }

    private static let tooLong = HTTPParseError("the request line and header fields are longer than \(maxHeadBytes) bytes")

    private struct RequestLine {
        let method: String
        let target: String
        let minorVersion: Int
    }

    /// Where the line starting at `from` ends (before CR LF or LF) and where the next begins.
    private static func nextLine(_ input: UnsafeRawBufferPointer, from: Int) -> (end: Int, next: Int)? {
        var i = from
        while i < input.count {
            if input[i] == 0x0A {
                let end = i > from && input[i - 1] == 0x0D ? i - 1 : i
                return (end, i + 1)
            }
            i += 1
        }
        return nil
    }

    private static func parseRequestLine(_ line: UnsafeRawBufferPointer) -> Swift.Result<RequestLine, HTTPParseError> {
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            return .failure(HTTPParseError("the request line must be METHOD TARGET HTTP/1.x, separated by single spaces"))
        }
        let method = parts[0], target = parts[1], version = parts[2]
        guard !method.isEmpty, method.allSatisfy(isTokenByte) else {
            return .failure(HTTPParseError("the method is not a token"))
        }
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(HTTPParseError("the request target is empty or holds a byte outside printable ASCII"))
        }
        let prefix = Array("HTTP/1.".utf8)
        guard version.count == prefix.count + 1, version.starts(with: prefix),
              let digit = version.last, digit >= 0x30, digit <= 0x39 else {
            return .failure(HTTPParseError("not an HTTP/1.x request"))
        }
        return .success(RequestLine(method: String(decoding: method, as: UTF8.self),
                                    target: String(decoding: target, as: UTF8.self),
                                    minorVersion: Int(digit - 0x30)))
    }

    private static func parseField(_ line: UnsafeRawBufferPointer, number: Int) -> Swift.Result<(name: String, value: String), HTTPParseError> {
        if line.first == 0x20 || line.first == 0x09 {
            return .failure(HTTPParseError("header field \(number) is folded onto several lines, which HTTP/1.1 no longer allows"))
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            return .failure(HTTPParseError("header field \(number) has no colon"))
        }
        let name = line[..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
            return .failure(HTTPParseError("header field \(number) has an invalid name (a space before the colon, or a byte outside the token characters)"))
        }
        var value = line[(colon + 1)...]
        while let c = value.first, c == 0x20 || c == 0x09 { value = value.dropFirst() }
        while let c = value.last, c == 0x20 || c == 0x09 { value = value.dropLast() }
        guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            return .failure(HTTPParseError("header field \(number) holds a control character"))
        }
        return .success((String(decoding: name, as: UTF8.self).lowercased(), String(decoding: value, as: UTF8.self)))
    }

    /// The target split into path and query, and the body's framing.
    private static func finish(_ line: RequestLine, _ fields: [(name: String, value: String)], length: Int) -> Result {
        guard let (path, query) = split(target: line.target) else {
            return .invalid(HTTPParseError("the request target is neither a path nor an absolute http URL"))
        }
        let codings = fields.filter { $0.name == "transfer-encoding" }
            .flatMap { $0.value.split(separator: ",", omittingEmptySubsequences: false) }.map { $0.trimmingSpaces.lowercased() }
        if !codings.isEmpty {
            // Only a plain chunked body can be skipped without decoding it (RFC 9112 §6.1).
            guard codings == ["chunked"], line.minorVersion >= 1 else {
                return .invalid(HTTPParseError("Transfer-Encoding other than chunked (on HTTP/1.1) is not accepted"))
            }
            guard !fields.contains(where: { $0.name == "content-length" }) else {
                return .invalid(HTTPParseError("both Transfer-Encoding and Content-Length"))
            }
        }
        var contentLength: Int?
        for field in fields where field.name == "content-length" {
            for item in field.value.split(separator: ",", omittingEmptySubsequences: false) {
                let text = item.trimmingSpaces
                guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                      let n = Int(text), n <= maxContentLength else {
                    return .invalid(HTTPParseError("Content-Length is not a decimal number up to \(maxContentLength)"))
                }
                if let seen = contentLength, seen != n {
                    return .invalid(HTTPParseError("Content-Length is given twice with different values"))
                }
                contentLength = n
            }
        }
        let request = HTTPRequest(method: line.method, path: path, query: query, minorVersion: line.minorVersion,
                                  fields: fields, contentLength: contentLength ?? 0, chunked: !codings.isEmpty)
        return .request(request, length: length)
    }

    /// Origin form ("/verify?x"), absolute form ("http://host/verify?x", RFC 9112 §3.2.2) or "*".
    private static func split(target: String) -> (String, String)? {
        var rest = Substring(target)
        if rest.lowercased().hasPrefix("http://") || rest.lowercased().hasPrefix("https://") {
            rest = rest[rest.index(rest.firstIndex(of: ":")!, offsetBy: 3)...]
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        } else if rest == "*" {
            return ("*", "")
        }
        guard rest.hasPrefix("/") else { return nil }
        rest = rest.firstIndex(of: "#").map { rest[..<$0] } ?? rest
        guard let mark = rest.firstIndex(of: "?") else { return (String(rest), "") }
        return (String(rest[..<mark]), String(rest[rest.index(after: mark)...]))
    }

    /// RFC 9110 tchar.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }
}
