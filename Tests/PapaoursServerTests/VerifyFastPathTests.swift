import PapaoursCore
import PapaoursStore
import PapaoursProtocol
@testable import PapaoursServer
import Testing

@Suite struct PlainVerifyTests {
    @Test(arguments: [
        ("VERIFY papa_abc", "papa_abc", "", ""),
        ("verify some-key ip=10.0.0.1", "some-key", "10.0.0.1", ""),
        ("Verify k ip=", "k", "", ""),
        ("VERIFY a=b", "a=b", "", ""),
        ("VERIFY ip=x== ip=10.0.0.1", "ip=x==", "10.0.0.1", ""),
        ("VERIFY k require=contrats:read", "k", "", "contrats:read"),
        ("VERIFY k require=a:read,b:write ip=::1", "k", "::1", "a:read,b:write"),
        ("VERIFY k ip=10.0.0.1 require=a:read", "k", "10.0.0.1", "a:read"),
    ])
    func plainLinesAreCut(line: String, secret: String, ip: String, require: String) throws {
        let bytes = Array(line.utf8)
        let plain = try #require(bytes.withUnsafeBytes { PlainVerify.match($0) })
        #expect(String(decoding: bytes[plain.secret], as: UTF8.self) == secret)
        #expect(String(decoding: bytes[plain.ip], as: UTF8.self) == ip)
        #expect(String(decoding: bytes[plain.require], as: UTF8.self) == require)
    }

    /// Everything else takes the general parser, which answers it exactly.
    @Test(arguments: ["VERIFY", "VERIFY ", "VERIFY  key", "VERIFY key ", "VERIFY \"key\"", "VERIFY key ip=\"x y\"",
                      "VERIFY key other=1", "VERIFYkey", "VERIFY k\u{1}", "VERIFY clé", "VERIFX key",
                      "VERIFY key ip=a b", "VERIFY k ip=1 ip=2", "VERIFY k require=a:read require=b:read", "VERIFY k require=",
                      "VERIFY k require=a:read ", "VERIFY k require"])
    func otherLinesAreLeftToTheParser(line: String) {
        #expect(Array(line.utf8).withUnsafeBytes { PlainVerify.match($0) } == nil)
    }
}

@Suite struct VerifyCacheTests {
    let hash = Array("papa_example".utf8).withUnsafeBytes { PresentedTag(of: $0) }
    let entry = VerifyCache.Entry(outcome: .valid, reply: Array("OK\n".utf8), key: StoredID(KeyID.random()), validUntil: 100)

    @Test func anAnswerHoldsUntilTheNextCommit() {
        let cache = VerifyCache()
        #expect(cache.lookup(hash, commits: 7, now: 0) == nil)
        cache.remember(hash, entry, snapshot: 7)
        #expect(cache.lookup(hash, commits: 7, now: 0)?.reply == entry.reply)
        #expect(cache.lookup(hash, commits: 8, now: 0) == nil, "a commit clears it")
        #expect(cache.lookup(hash, commits: 8, now: 0) == nil)
    }

    @Test func anAnswerFromAnOlderSnapshotIsNotKept() {
        let cache = VerifyCache()
        _ = cache.lookup(hash, commits: 9, now: 0)
        cache.remember(hash, entry, snapshot: 8)
        #expect(cache.lookup(hash, commits: 9, now: 0) == nil)
    }

    @Test func anAnswerLapsesAtTheKeysExpiry() {
        let cache = VerifyCache()
        _ = cache.lookup(hash, commits: 1, now: 0)
        cache.remember(hash, entry, snapshot: 1)
        #expect(cache.lookup(hash, commits: 1, now: 99) != nil)
        #expect(cache.lookup(hash, commits: 1, now: 100) == nil)
    }
}
