import PapaoursHTTP

/// libFuzzer entry for the HTTP gate's parser: any bytes give a head, "incomplete" or a
/// refusal, never a crash or a hang; a head is within the limits and parses the same from
/// its own bytes alone; chunked bodies are skipped within what was given; the escapes the
/// gate writes decode back exactly.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var rest = bytes[...]
    // Pipelined heads, as the gate reads them.
    while !rest.isEmpty {
        switch HTTPRequestParser.parse(Array(rest)) {
        case .incomplete:
            precondition(rest.count < HTTPRequestParser.maxHeadBytes, "incomplete past the head limit")
            rest = []
        case .invalid(let error):
            precondition(!error.message.isEmpty, "a refusal without a reason")
            rest = []
        case .request(let request, let length):
            precondition(length > 0 && length <= rest.count && length <= HTTPRequestParser.maxHeadBytes, "head length out of bounds")
            precondition(request.fields.count <= HTTPRequestParser.maxFields, "too many fields accepted")
            let alone = HTTPRequestParser.parse(Array(rest.prefix(length)))
            precondition(alone == .request(request, length: length), "the head parses differently from its own bytes")
            _ = HTTPText.queryValues(request.query, named: "require")
            rest = rest.dropFirst(length)
            if request.chunked {
                var skipper = ChunkedBodySkipper()
                let (consumed, progress) = Array(rest).withUnsafeBytes { skipper.skip($0) }
                precondition(consumed <= rest.count, "a chunked body consumed more than was given")
                if case .invalid(let error) = progress { precondition(!error.message.isEmpty); rest = [] }
                else { rest = rest.dropFirst(consumed) }
            } else {
                rest = rest.dropFirst(min(request.contentLength, rest.count))
            }
        }
    }
    let text = String(decoding: bytes, as: UTF8.self)
    precondition(HTTPText.percentDecoded(Substring(HTTPText.headerValue(text))) == text, "header value escape not exact")
    let escaped = HTTPText.headerValue(text)
    precondition(escaped.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }, "an escaped header value outside printable ASCII")
    _ = HTTPText.jsonString(text)
    return 0
}
