import PapaoursCore
import PapaoursProtocol
import PapaoursStore
import Synchronization

/// `VERIFY <secret>`, then `ip=<word>` and `require=<word>` in either order, each at most once,
/// in plain ASCII, cut without the general tokenizer; the secret may hold `=` (its place is
/// never an attribute). Anything else (quotes, other attributes, extra spaces) returns nil
/// and takes the general path, which gives the same answers.
struct PlainVerify {
    /// Where the secret, the ip and the required rights stand in the line (empty: not given).
    let secret: Range<Int>
    var ip: Range<Int>
    var require: Range<Int>

    /// "verify" in lowercase, and where the secret starts (after "VERIFY ").
    private static let lowercaseVerb: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0x76, 0x65, 0x72, 0x69, 0x66, 0x79)
    private static let secretStart = 7

    @inline(__always)
    private static func isPlain(_ b: UInt8) -> Bool {
        b > 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\")
    }

    static func match(_ line: UnsafeRawBufferPointer) -> PlainVerify? {
        let n = line.count
        guard n > secretStart else { return nil }
        // ASCII case folding by OR 0x20: exact for letters, and no other byte folds onto one of "verify".
        let v = lowercaseVerb
        guard line[0] | 0x20 == v.0, line[1] | 0x20 == v.1, line[2] | 0x20 == v.2, line[3] | 0x20 == v.3,
              line[4] | 0x20 == v.4, line[5] | 0x20 == v.5, line[6] == 0x20 else { return nil }
        var i = secretStart
        while i < n && line[i] != 0x20 {
            guard isPlain(line[i]) else { return nil }
            i += 1
        }
        let secret = secretStart..<i
        guard !secret.isEmpty else { return nil }
        var found = PlainVerify(secret: secret, ip: n..<n, require: n..<n)
        // Then " ip=" or " require=", each followed by a plain word.
        while i < n {
            i += 1  // the space
            let isIP = has(line, at: i, Self.ipName), isRequire = !isIP && has(line, at: i, Self.requireName)
            guard isIP || isRequire else { return nil }
            i += isIP ? Self.ipName.count : Self.requireName.count
            let start = i
            while i < n && line[i] != 0x20 {
                guard isPlain(line[i]) else { return nil }
                i += 1
            }
            if isIP {
                guard found.ip.lowerBound == n else { return nil }  // repeated: the general path says so
                found.ip = start..<i
            } else {
                guard found.require.lowerBound == n, i > start else { return nil }
                found.require = start..<i
            }
        }
        return found
    }

    private static let ipName = Array("ip=".utf8), requireName = Array("require=".utf8)

    @inline(__always)
    private static func has(_ line: UnsafeRawBufferPointer, at i: Int, _ name: [UInt8]) -> Bool {
        guard line.count - i >= name.count else { return false }
        for (offset, byte) in name.enumerated() where line[i + offset] != byte { return false }
        return true
    }
}

/// A machine's part of a VERIFY reply, encoded once per snapshot: what comes before the key's
/// id and what comes after its label.
struct MachineReply {
    let active: Bool
    /// The machine's effective rights as text, computed when it or its roles and groups were
    /// last written (EffectiveRights): `require=` is compared with them in place.
    let held: [[UInt8]]
    /// The record itself, for the HTTP gate's headers.
    let record: MachineRecord
    /// `OK machine=<id> name=<name> key=`
    let head: [UInt8]
    /// ` organization=<org> roles=<list> groups=<list> rights=<list>` and LF
    let tail: [UInt8]

    init(_ machine: MachineRecord) {
        active = machine.status == .active
        held = machine.rights.map { Array($0.description.utf8) }
        record = machine
        var head = LineEncoder()
        head.word("OK")
        head.attribute("machine", machine.id.value)
        head.attribute("name", machine.name)
        self.head = head.bytes + Array(" key=".utf8)
        var tail = LineEncoder()
        tail.attribute("organization", machine.organization)
        tail.attribute("roles", machine.roles.joined(separator: ","))
        tail.attribute("groups", machine.groups.joined(separator: ","))
        tail.attribute("rights", Right.listText(machine.rights))
        self.tail = [UInt8(ascii: " ")] + tail.bytes + [0x0A]
    }

    private static let keyPrefix = Array(KeyID.prefix.utf8)

    /// The whole OK line for one of its keys, read in place.
    func reply(for key: KeyView) -> [UInt8] {
        var label = LineEncoder(capacity: key.label.count + 10)
        label.attribute("label", utf8: key.label)
        var line: [UInt8] = []
        line.reserveCapacity(head.count + tail.count + key.id.count + label.bytes.count + 4)
        line += head
        line += MachineReply.keyPrefix
        line += key.id
        line.append(UInt8(ascii: " "))
        line += label.bytes
        line += tail
        return line
    }
}

/// Each loop's memory of recent VERIFY answers, keyed by the presented secret's keyed tag
/// (PresentedTag: a hit costs no SHA-256) and valid only while no commit has happened since
/// (the store's commit count): a change is seen at once.
final class VerifyCache {
    /// A class: a cache hit hands out one reference, not a copy of every array and string it
    /// holds (the retains of a struct copy were a tenth of VERIFY's time at 8×16).
    /// A UsageSlot too: where the loop's UsageTally counts its key until the next flush.
    final class Entry: UsageSlot {
        /// What the store said, and who a valid key is: for the HTTP gate.
        let outcome: VerifyOutcome
        let identity: VerifyIdentity?
        let reply: [UInt8]
        /// The key to count a use for, when the answer is OK.
        let key: StoredID?
        /// The key the secret names, whatever the answer (its history counts refusals too).
        var named: StoredID?
        /// What `require=` is checked against, when the answer is OK.
        let held: [[UInt8]]
        /// The answer stands only before this time (a key with an expiry).
        let validUntil: Int64
        var isUnknown: Bool { outcome == .unknownKey }

        init(outcome: VerifyOutcome, identity: VerifyIdentity? = nil, reply: [UInt8], key: StoredID?, validUntil: Int64) {
            (self.outcome, self.identity, self.reply, self.key, self.validUntil, held) = (outcome, identity, reply, key, validUntil, [])
        }

        /// The answer to a VERIFY, from the store's outcome.
        init(_ outcome: VerifyOutcome, key: KeyView?, machine: MachineReply?) {
            let until = key?.expires?.seconds ?? .max
            self.outcome = outcome
            named = key.flatMap { StoredID($0.id) }
            switch outcome {
            case .valid:
                reply = machine!.reply(for: key!)
                held = machine!.held
                self.key = StoredID(key!.id)
                identity = VerifyIdentity(machine: machine!.record, key: key!)
                validUntil = until
            case .unknownKey, .expiredKey:
                (reply, self.key, identity, validUntil, held) = (outcome.refusalReply, nil, nil, .max, [])
            case .inactiveKey, .inactiveMachine:
                (reply, self.key, identity, validUntil, held) = (outcome.refusalReply, nil, nil, until, [])
            }
        }
    }

    static let capacity = 65536
    private var generation = UInt64.max
    private var entries: [PresentedTag: Entry] = [:]

    /// The entry for `tag`, when nothing was committed since it was made.
    func lookup(_ tag: PresentedTag, commits: UInt64, now: Int64) -> Entry? {
        if commits != generation {
            entries.removeAll(keepingCapacity: true)
            generation = commits
            return nil
        }
        guard let entry = entries[tag], now < entry.validUntil else { return nil }
        return entry
    }

    /// Keeps an answer read from a snapshot taken at `snapshot` commits.
    func remember(_ tag: PresentedTag, _ entry: Entry, snapshot: UInt64) {
        guard snapshot == generation else { return }
        if entries.count >= VerifyCache.capacity { entries.removeAll(keepingCapacity: true) }
        entries[tag] = entry
    }
}
