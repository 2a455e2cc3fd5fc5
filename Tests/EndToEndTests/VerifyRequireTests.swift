import PapaoursClient
import PapaoursProtocol
import Testing

/// VERIFY's `require=` (protocol 1.1): a valid key whose machine lacks a right is
/// `NO missing-right`, the "authenticated, not allowed" answer; a malformed list is BAD.
@Suite struct VerifyRequireTests {
    @Test func aRightTheMachineLacksIsMissingAndAMalformedListIsBad() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        #expect(c.call("MACHINE CREATE svc roles=facturation").isOK)
        let secret = try #require(c.call("KEY CREATE svc label=k")["secret"])
        #expect(c.call("VERIFY \(secret)").isOK)
        let missing = c.call("VERIFY \(secret) require=contrats:read,factures:write")
        #expect(missing.code == "missing-right")
        #expect(missing.text.contains("contrats:read") && !missing.text.contains(secret), "the first missing right, never the key")
        for bad in ["contrats", "contrats:lire", "Contrats:read", "a:read,", ":read"] {
            let reply = c.call("VERIFY \(secret) require=\(bad)")
            #expect(reply.code == "syntax", "\(bad): \(reply)")
            #expect(!reply.text.contains(secret))
        }
        // An unknown key is still 401's answer, whatever is required.
        #expect(c.call("VERIFY papa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA000000 require=contrats:read").code == "malformed-key")
        // Counted: the valid VERIFY as ok; the missing right and the malformed key as denied
        // (a BAD request verifies nothing).
        let stats = c.call("STATS")
        #expect(stats["verify-ok"] == "1" && stats["verify-denied"] == "2")
    }
}

/// The client library and papaoursctl send `require=` too.
@Suite struct VerifyRequireClientTests {
    @Test func theClientAndTheToolSayAMissingRightInTheirWords() throws {
        let daemon = try Daemon()
        let made = try makeMachineWithKey(on: daemon, name: "svc")
        #expect(try daemon.client.verify(made.secret).isValid)
        guard case .refused(let refusal) = try daemon.client.verify(made.secret, require: ["contrats:read"]) else {
            Issue.record("a missing right must be refused")
            return
        }
        #expect(refusal.reason == .missingRight)
        let fr = try Ctl(daemon, .fr)("verify", "--require", "contrats:read", stdin: made.secret + "\n")
        #expect(fr.status == 1 && fr.stderr == "papaoursctl: la machine de cette clé n'a pas un des droits exigés\n", "\(fr)")
        let bad = try Ctl(daemon)("verify", "--require", "contrats", stdin: made.secret + "\n")
        #expect(bad.status == 2 && bad.stderr.contains("is not a list of rights"), "\(bad)")
    }
}
