import Foundation
import PapaoursProtocol
import Testing

/// Issue 17, item 1: a token where a secret goes never comes back in a reply or the log.
@Suite(.serialized)
struct SecretEchoTests {
    /// A foreign key made now (never a fixture): base62 then what the test appends.
    static func foreignKey(prefix: String = "", suffix: String = "") -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return prefix + String((0..<32).map { _ in alphabet.randomElement()! }) + suffix
    }

    @Test func keysHoldingEqualsSignsWorkUnquotedAndAreNeverEchoed() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        _ = c.call("MACHINE CREATE web")
        let padded = Self.foreignKey(suffix: "==")
        let prefixed = Self.foreignKey(prefix: "abc=")
        for key in [padded, prefixed] {
            #expect(c.call("KEY IMPORT web \(key) label=imported").isOK, "an unquoted key with '=' is imported")
            #expect(c.call("VERIFY \(key)")["name"] == "web", "the fast path takes it")
            #expect(c.call("VERIFY  \(key) ip=192.0.2.1")["name"] == "web", "the general parser takes it too")
            // The man page's own example.
            #expect(c.request(String(format: "VERIFY %@", key)).last?.hasPrefix("OK machine=") == true)
        }
        var replies: [String] = []
        for key in [padded, prefixed] {
            let core = String(key.dropFirst(key.hasPrefix("abc=") ? 4 : 0).prefix(32))
            for line in ["VERIFY \(key) ip=1 other=\(core)", "VERIFY \(key) \(core)=", "VERIFY \(key) zz=1",
                         "KEY IMPORT web \(key) label=x \(key)", "KEY IMPORT web label=x \(key)",
                         "KEY IMPORT web \(key) \(core)=x label=l", "VERIFY \(key) \(key)"] {
                let reply = c.request(line)
                #expect(reply.last?.hasPrefix("BAD syntax") == true || reply.last?.hasPrefix("NO ") == true, "\(line)")
                replies += reply
            }
        }
        daemon.stop()
        let seen = replies.joined(separator: "\n") + daemon.log
        for key in [padded, prefixed] {
            let core = String(key.dropFirst(key.hasPrefix("abc=") ? 4 : 0).prefix(32))
            // Any 8 characters in a row of the key's random part would be a leak.
            for start in stride(from: 0, to: 24, by: 4) {
                let piece = String(Array(core)[start..<start + 8])
                #expect(!seen.contains(piece), "a piece of a key came back: \(seen)")
            }
        }
        #expect(!replies.contains { $0.contains("abc=") }, "the prefix of a key is not echoed")
    }
}
