#if canImport(Glibc)
import Glibc
#endif

/// What one target is sent and how its replies are judged. The load generator is the same
/// for all; only these differ.
protocol Workload {
    var framing: Framing { get }
    /// The longest request `writeRequest` may produce.
    var maxRequestLength: Int { get }
    /// Writes one request at `out`; returns its length and what its reply must be.
    func writeRequest(_ out: UnsafeMutablePointer<UInt8>, _ random: inout FastRandom) -> (Int, Expectation)
    func check(_ reply: UnsafeBufferPointer<UInt8>, _ expected: Expectation) -> Bool
}

extension Workload {
    /// For mismatch reports.
    func describe(_ expected: Expectation) -> String {
        switch expected.kind {
        case .valid: "a valid key (index \(expected.key))"
        case .inactive: "an inactive key (index \(expected.key))"
        case .unknown: "an unknown key"
        case .ok: "OK"
        }
    }
}

/// Copies `length` bytes of `bytes` from `offset` to `out`.
@inline(__always)
func put(_ out: UnsafeMutablePointer<UInt8>, _ bytes: [UInt8], _ offset: Int, _ length: Int) {
    bytes.withUnsafeBufferPointer { (out).update(from: $0.baseAddress! + offset, count: length) }
}

extension KeySet {
    /// Writes one secret of the VERIFY mix at `at`: 80% valid keys, 10% inactive, 10% unknown.
    @inline(__always)
    func writeMixedSecret(_ at: UnsafeMutablePointer<UInt8>, _ random: inout FastRandom) -> Expectation {
        let roll = random.below(10)
        if roll < 8 {
            let index = Int(active[random.below(active.count)])
            put(at, secrets, index * KeySet.secretLength, KeySet.secretLength)
            return Expectation(.valid, key: index)
        } else if roll == 8 {
            let index = Int(inactive[random.below(inactive.count)])
            put(at, secrets, index * KeySet.secretLength, KeySet.secretLength)
            return Expectation(.inactive, key: index)
        }
        put(at, unknown, random.below(unknownCount) * KeySet.secretLength, KeySet.secretLength)
        return Expectation(.unknown)
    }
}

/// `VERIFY <secret>\n`: the mix above. For the floor, the same requests and any `OK` line as the answer.
/// `requiring`: ` require=bench:read` too, a right every bench machine holds through its role.
struct VerifyWorkload: Workload {
    static let verb = Array("VERIFY ".utf8)
    static let require = Array(" require=\(BulkLoad.right)".utf8)
    let keys: KeySet
    let floor: Bool
    var requiring = false
    /// ` ip=192.0.2.N` (N of 0…7) after the secret, as a service behind a proxy sends it.
    var addresses = false
    static let ipPrefix = Array(" ip=192.0.2.".utf8)

    var framing: Framing { .line }
    var maxRequestLength: Int {
        VerifyWorkload.verb.count + KeySet.secretLength + 1 + (addresses ? VerifyWorkload.ipPrefix.count + 1 : 0)
            + (requiring ? VerifyWorkload.require.count : 0)
    }

    @inline(__always)
    func writeRequest(_ out: UnsafeMutablePointer<UInt8>, _ random: inout FastRandom) -> (Int, Expectation) {
        let verb = VerifyWorkload.verb
        put(out, verb, 0, verb.count)
        let at = out + verb.count
        let expected = keys.writeMixedSecret(at, &random)
        var end = KeySet.secretLength
        if addresses {
            put(at + end, VerifyWorkload.ipPrefix, 0, VerifyWorkload.ipPrefix.count)
            end += VerifyWorkload.ipPrefix.count
            at[end] = UInt8(ascii: "0") + UInt8(random.below(8))
            end += 1
        }
        if requiring {
            put(at + end, VerifyWorkload.require, 0, VerifyWorkload.require.count)
            end += VerifyWorkload.require.count
        }
        at[end] = 10
        return (maxRequestLength, floor ? Expectation(.ok) : expected)
    }

    @inline(__always)
    func check(_ reply: UnsafeBufferPointer<UInt8>, _ expected: Expectation) -> Bool {
        ReplyCheck.verify(reply, expected, keys: keys)
    }
}

/// redis: inline `GET <secret>\r\n`, 90% keys it holds, 10% keys it does not.
struct RedisGetWorkload: Workload {
    static let verb = Array("GET ".utf8)
    let keys: KeySet

    var framing: Framing { .resp }
    var maxRequestLength: Int { RedisGetWorkload.verb.count + KeySet.secretLength + 2 }

    @inline(__always)
    func writeRequest(_ out: UnsafeMutablePointer<UInt8>, _ random: inout FastRandom) -> (Int, Expectation) {
        let verb = RedisGetWorkload.verb
        put(out, verb, 0, verb.count)
        let at = out + verb.count
        let expected: Expectation
        if random.below(10) < 9 {
            let index = random.below(keys.count)
            put(at, keys.secrets, index * KeySet.secretLength, KeySet.secretLength)
            expected = Expectation(.valid, key: index)
        } else {
            put(at, keys.unknown, random.below(keys.unknownCount) * KeySet.secretLength, KeySet.secretLength)
            expected = Expectation(.unknown)
        }
        at[KeySet.secretLength] = 13
        at[KeySet.secretLength + 1] = 10
        return (maxRequestLength, expected)
    }

    @inline(__always)
    func check(_ reply: UnsafeBufferPointer<UInt8>, _ expected: Expectation) -> Bool {
        ReplyCheck.redisGet(reply, expected)
    }
}

/// `KEY CREATE <machine> label=bench-create\n` on random machines: each OK is a durable commit.
struct KeyCreateWorkload: Workload {
    let requests: [[UInt8]]

    init(keys: KeySet) {
        requests = (0..<min(keys.machineCount, 1000)).map {
            Array("KEY CREATE \(keys.machineID($0)) label=bench-create\n".utf8)
        }
    }

    var framing: Framing { .line }
    var maxRequestLength: Int { requests.map(\.count).max() ?? 0 }

    func writeRequest(_ out: UnsafeMutablePointer<UInt8>, _ random: inout FastRandom) -> (Int, Expectation) {
        let request = requests[random.below(requests.count)]
        put(out, request, 0, request.count)
        return (request.count, Expectation(.ok))
    }

    func check(_ reply: UnsafeBufferPointer<UInt8>, _ expected: Expectation) -> Bool {
        ReplyCheck.keyCreate(reply)
    }
}
