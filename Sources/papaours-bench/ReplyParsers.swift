#if canImport(Glibc)
import Glibc
#endif

/// How replies are cut out of the byte stream: one per target protocol.
enum Framing {
    /// papaoursd and the floor: one LF-terminated line per reply.
    case line
    /// redis: RESP, `$N\r\n…\r\n`, `$-1\r\n`, or a one-line `+…`, `-…`, `:…` reply.
    case resp
    /// The HTTP gate and nginx: a head to its blank line, then Content-Length bytes.
    case http

    /// The length of the first complete reply in `bytes`, or nil when it is not all there yet.
    @inline(__always)
    func replyLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        switch self {
        case .line: return Framing.lineLength(bytes)
        case .resp: return Framing.respLength(bytes)
        case .http: return Framing.httpLength(bytes)
        }
    }

    @inline(__always)
    static func lineLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress, bytes.count > 0,
              let lf = memchr(base, 10, bytes.count) else { return nil }
        return base.distance(to: lf.assumingMemoryBound(to: UInt8.self)) + 1
    }

    static func respLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let header = lineLength(bytes) else { return nil }
        guard bytes[0] == UInt8(ascii: "$") else { return header }
        var n = 0
        var negative = false
        var i = 1
        while i < header - 2 {
            let b = bytes[i]
            if b == UInt8(ascii: "-") { negative = true } else { n = n * 10 + Int(b &- 48) }
            i += 1
        }
        if negative { return header }
        let total = header + n + 2
        return bytes.count >= total ? total : nil
    }
}

/// What a request expects, packed in 32 bits: the kind in the top two bits, a key index below.
struct Expectation {
    enum Kind: UInt32 {
        /// papaoursd: `OK machine=<the key's machine>`; redis: a value.
        case valid = 0
        /// papaoursd: `NO inactive-key`.
        case inactive = 1
        /// papaoursd: `NO unknown-key`; redis: `$-1`.
        case unknown = 2
        /// The floor and KEY CREATE: an `OK` line.
        case ok = 3
    }

    let raw: UInt32

    @inline(__always) init(_ kind: Kind, key: Int = 0) { raw = kind.rawValue << 30 | UInt32(key) }
    @inline(__always) init(raw: UInt32) { self.raw = raw }
    @inline(__always) var kind: Kind { Kind(rawValue: raw >> 30)! }
    @inline(__always) var key: Int { Int(raw & 0x3FFF_FFFF) }
}

/// Judges replies against expectations, per target.
enum ReplyCheck {
    static let okMachine = Array("OK machine=".utf8)
    static let inactiveKey = Array("NO inactive-key".utf8)
    static let unknownKey = Array("NO unknown-key".utf8)
    static let secretAttribute = Array(" secret=papa_".utf8)

    @inline(__always)
    static func starts(_ reply: UnsafeBufferPointer<UInt8>, with prefix: [UInt8]) -> Bool {
        guard reply.count >= prefix.count else { return false }
        return prefix.withUnsafeBufferPointer { memcmp(reply.baseAddress!, $0.baseAddress!, prefix.count) == 0 }
    }

    /// A papaoursd VERIFY reply; a valid key must name its own machine.
    @inline(__always)
    static func verify(_ reply: UnsafeBufferPointer<UInt8>, _ expected: Expectation, keys: KeySet) -> Bool {
        switch expected.kind {
        case .valid:
            guard starts(reply, with: okMachine), reply.count > okMachine.count + MachineIDLength.value else { return false }
            let machine = expected.key / KeySet.keysPerMachine
            let same = keys.machineIDs.withUnsafeBufferPointer {
                memcmp(reply.baseAddress! + okMachine.count, $0.baseAddress! + machine * MachineIDLength.value, MachineIDLength.value) == 0
            }
            let after = reply[okMachine.count + MachineIDLength.value]
            return same && (after == 32 || after == 10 || after == 13)
        case .inactive: return starts(reply, with: inactiveKey)
        case .unknown: return starts(reply, with: unknownKey)
        case .ok: return isOKLine(reply)
        }
    }

    /// `OK` alone on its line (the floor's only reply).
    @inline(__always)
    static func isOKLine(_ reply: UnsafeBufferPointer<UInt8>) -> Bool {
        reply.count >= 3 && reply[0] == 79 && reply[1] == 75 && (reply[2] == 10 || reply[2] == 13 || reply[2] == 32)
    }

    /// A redis GET reply: a bulk string for a stored key, the null bulk string for a missing one.
    @inline(__always)
    static func redisGet(_ reply: UnsafeBufferPointer<UInt8>, _ expected: Expectation) -> Bool {
        guard reply.count >= 4, reply[0] == UInt8(ascii: "$") else { return false }
        let null = reply[1] == UInt8(ascii: "-")
        return expected.kind == .unknown ? null : !null
    }

    /// A KEY CREATE reply: OK with the new secret.
    static func keyCreate(_ reply: UnsafeBufferPointer<UInt8>) -> Bool {
        guard reply.count > 3, reply[0] == 79, reply[1] == 75, reply[2] == 32 else { return false }
        let needle = secretAttribute
        guard reply.count >= needle.count else { return false }
        for start in 0...(reply.count - needle.count) where reply[start] == needle[0] {
            var i = 1
            while i < needle.count && reply[start + i] == needle[i] { i += 1 }
            if i == needle.count { return true }
        }
        return false
    }
}

/// `m_` + 16 characters.
enum MachineIDLength { static let value = 18 }
