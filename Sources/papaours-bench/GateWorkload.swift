#if canImport(Glibc)
import Glibc
#endif

extension Framing {
    static let headEnd = Array("\r\n\r\n".utf8)
    static let contentLength = Array("\r\nContent-Length: ".utf8)

    /// An HTTP/1.1 response: the head up to CRLF CRLF, then its Content-Length body (as
    /// papaoursd and nginx spell the field).
    static func httpLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let end = find(headEnd, in: bytes) else { return nil }
        let head = end + headEnd.count
        var body = 0
        if let field = find(contentLength, in: UnsafeBufferPointer(rebasing: bytes[0..<head])) {
            var j = field + contentLength.count
            while bytes[j] >= 48 && bytes[j] <= 57 { body = body * 10 + Int(bytes[j] - 48); j += 1 }
        }
        return bytes.count >= head + body ? head + body : nil
    }
}

/// Where `needle` first starts in `haystack`.
@inline(__always)
func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let base = haystack.baseAddress, haystack.count >= needle.count else { return nil }
    var from = 0
    while from + needle.count <= haystack.count,
          let hit = memchr(base + from, Int32(needle[0]), haystack.count - needle.count + 1 - from) {
        let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        if needle.withUnsafeBufferPointer({ memcmp(base + at, $0.baseAddress!, needle.count) == 0 }) { return at }
        from = at + 1
    }
    return nil
}

/// The HTTP gate's `GET /verify` with the VERIFY mix in X-API-KEY, straight to papaoursd or
/// through nginx; or nginx's unprotected location, with no key at all.
struct GateWorkload: Workload {
    enum Mode {
        /// papaoursd's gate: 200 naming the key's machine, 401 with the right reason.
        case gate
        /// nginx's protected location: 200 or 401.
        case protected
        /// nginx's unprotected location: 200.
        case open
    }

    let keys: KeySet
    let mode: Mode
    let prefix: [UInt8]
    static let suffix = Array("\r\n\r\n".utf8)

    init(keys: KeySet, mode: Mode) {
        self.keys = keys
        self.mode = mode
        switch mode {
        case .gate: prefix = Array("GET /verify HTTP/1.1\r\nHost: gate\r\nX-API-KEY: ".utf8)
        case .protected: prefix = Array("GET /protected HTTP/1.1\r\nHost: bench\r\nX-API-KEY: ".utf8)
        case .open: prefix = Array("GET /open HTTP/1.1\r\nHost: bench\r\nX-API-KEY: ".utf8)
        }
    }

    var framing: Framing { .http }
    var maxRequestLength: Int { prefix.count + KeySet.secretLength + GateWorkload.suffix.count }

    @inline(__always)
    func writeRequest(_ out: UnsafeMutablePointer<UInt8>, _ random: inout FastRandom) -> (Int, Expectation) {
        put(out, prefix, 0, prefix.count)
        let expected = keys.writeMixedSecret(out + prefix.count, &random)
        put(out + prefix.count + KeySet.secretLength, GateWorkload.suffix, 0, GateWorkload.suffix.count)
        return (maxRequestLength, mode == .open ? Expectation(.ok) : expected)
    }

    static let ok = Array("HTTP/1.1 200 ".utf8)
    static let unauthorized = Array("HTTP/1.1 401 ".utf8)
    static let machineField = Array("\r\nX-Papaours-Machine: ".utf8)

    func check(_ reply: UnsafeBufferPointer<UInt8>, _ expected: Expectation) -> Bool {
        switch expected.kind {
        case .ok: return ReplyCheck.starts(reply, with: GateWorkload.ok)
        case .valid:
            guard ReplyCheck.starts(reply, with: GateWorkload.ok) else { return false }
            guard mode == .gate else { return true }
            let machine = expected.key / KeySet.keysPerMachine
            let id = Array(keys.machineIDs[(machine * MachineIDLength.value)..<((machine + 1) * MachineIDLength.value)])
            return contains(reply, GateWorkload.machineField + id + [13, 10])
        case .inactive, .unknown:
            guard ReplyCheck.starts(reply, with: GateWorkload.unauthorized) else { return false }
            guard mode == .gate else { return true }
            return contains(reply, Array("\r\nX-Papaours-Reason: \(expected.kind == .inactive ? "inactive-key" : "unknown-key")\r\n".utf8))
        }
    }

    private func contains(_ reply: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool { find(needle, in: reply) != nil }
}
