import Foundation
import PapaoursProtocol
import Testing

/// Issue 17, item 8: what imports being staged hold is bounded over every connection.
@Suite struct ImportStagingTests {
    static func event(_ seq: Int) -> String {
        "IMPORT EVENT seq=\(seq) time=2026-01-01T00:00:00Z action=machine.create target=m_aaaaaaaaaaaaaaaa details=\"\(String(repeating: "x", count: 200))\"\n"
    }

    /// Stages events until one is refused; how many were taken, and the refusal.
    static func fill(_ c: LineConnection, from first: Int) -> (taken: Int, refusal: ReplyLine?) {
        #expect(c.call("IMPORT BEGIN").isOK)
        for i in 0..<10_000 {
            let reply = c.call(String(event(first + i).dropLast()))
            if !reply.isOK { return (i, reply) }
        }
        return (10_000, nil)
    }

    @Test func stagingIsBoundedForEveryoneTogetherAndGivenBack() throws {
        let daemon = try Daemon(config: ["import-staging-limit 1048576"])
        let a = try daemon.connect(), b = try daemon.connect()
        let first = Self.fill(a, from: 1)
        #expect(first.taken > 100 && first.taken < 2_000, "\(first.taken) records of about 1 KiB each in 1 MiB")
        #expect(first.refusal?.code == "busy" && first.refusal?.text.contains("import-staging-limit") == true)
        let second = Self.fill(b, from: 1)
        #expect(second.taken == 0, "the other connection finds the staging full")
        #expect(a.call("IMPORT ABORT")["dropped"] == String(first.taken))
        #expect(b.call("IMPORT EVENT seq=1 time=2026-01-01T00:00:00Z action=machine.create").isOK, "given back at the abort")
        #expect(b.call("IMPORT COMMIT").isOK)
        // A connection that goes away gives its share back too.
        do {
            let c = try daemon.connect()
            _ = Self.fill(c, from: 100)
        }  // closed here
        usleep(300_000)
        #expect(Self.fill(try daemon.connect(), from: 200).taken > 100)
    }
}
