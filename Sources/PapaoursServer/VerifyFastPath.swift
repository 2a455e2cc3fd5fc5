import PapaoursCore
import PapaoursStore
import Synchronization

/// `VERIFY <secret>` or `VERIFY <secret> ip=<word>` in plain ASCII, cut without the general
/// tokenizer. Anything else (quotes, other attributes, extra spaces) returns nil and takes
/// the general path, which gives the same answers.
struct PlainVerify {
    let secret: ArraySlice<UInt8>
    let ip: ArraySlice<UInt8>

    private static let verb = Array("VERIFY ".utf8)
    private static let ipAttribute = Array(" ip=".utf8)

    @inline(__always)
    private static func isPlain(_ b: UInt8) -> Bool {
        b > 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\")
    }

    static func match(_ line: ArraySlice<UInt8>) -> PlainVerify? {
        guard line.count > verb.count else { return nil }
        var i = line.startIndex
        for expected in verb {
            let b = line[i]
            guard b == expected || (expected >= 0x41 && expected <= 0x5A && b == expected + 0x20) else { return nil }
            i += 1
        }
        let secretStart = i
        while i < line.endIndex && line[i] != 0x20 {
            guard isPlain(line[i]), line[i] != UInt8(ascii: "=") else { return nil }
            i += 1
        }
        let secret = line[secretStart..<i]
        guard !secret.isEmpty else { return nil }
        if i == line.endIndex { return PlainVerify(secret: secret, ip: []) }
        guard line[i...].starts(with: ipAttribute) else { return nil }
        i += ipAttribute.count
        let ipStart = i
        while i < line.endIndex {
            guard isPlain(line[i]) else { return nil }
            i += 1
        }
        return PlainVerify(secret: secret, ip: line[ipStart..<i])
    }
}

/// Each loop's memory of recent VERIFY answers, keyed by the secret's hash and valid only
/// while no commit has happened since (the store's commit count): a change is seen at once.
final class VerifyCache {
    struct Entry {
        let reply: [UInt8]
        /// The key to count a use for, when the answer is OK.
        let key: KeyID?
        /// The answer stands only before this time (a key with an expiry).
        let validUntil: Int64
    }

    static let capacity = 65536
    private var generation = UInt64.max
    private var entries: [SecretHash: Entry] = [:]

    /// The entry for `hash`, when nothing was committed since it was made.
    func lookup(_ hash: SecretHash, commits: UInt64, now: Int64) -> Entry? {
        if commits != generation {
            entries.removeAll(keepingCapacity: true)
            generation = commits
            return nil
        }
        guard let entry = entries[hash], now < entry.validUntil else { return nil }
        return entry
    }

    /// Keeps an answer read from a snapshot taken at `snapshot` commits.
    func remember(_ hash: SecretHash, _ entry: Entry, snapshot: UInt64) {
        guard snapshot == generation else { return }
        if entries.count >= VerifyCache.capacity { entries.removeAll(keepingCapacity: true) }
        entries[hash] = entry
    }
}
