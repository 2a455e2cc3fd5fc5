import Foundation
import PapaoursCore
import PapaoursProtocol
import Testing

/// A connection's pipelined writes go to the writer together and commit once; replies keep
/// their order, a refusal refuses only its own line, and what follows sees what came before.
@Suite struct PipelineTests {
    @Test func pipelinedWritesAreAnsweredInOrderAndARefusalRefusesOnlyItsOwn() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        var lines = ["MACHINE CREATE svc"]
        for i in 0..<300 {
            if i == 150 { lines.append("MACHINE CREATE svc") }          // refused: exists
            if i == 151 { lines.append(#"KEY CREATE nope label=x"#) }   // refused: not-found
            if i == 152 { lines.append("KEY IMPORT svc short label=x") } // refused before the writer: weak key
            lines.append("KEY CREATE svc label=k\(i)")
        }
        lines.append("KEY LIST svc")
        c.send(lines.map { $0 + "\n" }.joined())
        var replies: [String] = []
        while replies.count < lines.count - 1, let line = c.readLine() { replies.append(line) }
        #expect(replies.count == lines.count - 1, "every write answered")
        #expect(replies[0].hasPrefix("OK id=m_"))
        var labels: [String] = []
        for (line, reply) in zip(lines.dropFirst(), replies.dropFirst()) {
            if line == "MACHINE CREATE svc" {
                #expect(reply.hasPrefix("NO exists"), "\(reply)")
            } else if line.hasPrefix("KEY CREATE nope") {
                #expect(reply.hasPrefix("NO not-found"), "\(reply)")
            } else if line.hasPrefix("KEY IMPORT") {
                #expect(reply.hasPrefix("NO invalid"), "\(reply)")
            } else {
                let label = String(line.split(separator: "=").last!)
                #expect(reply.hasPrefix("OK id=k_") && reply.contains(" label=\(label) "), "\(line) → \(reply)")
                labels.append(label)
            }
        }
        #expect(labels == (0..<300).map { "k\($0)" }, "replies in request order")
        // The KEY LIST sent right after the writes sees all of them.
        var list: [String] = []
        while let line = c.readLine() {
            list.append(line)
            if line.hasPrefix("OK") || line.hasPrefix("NO") { break }
        }
        #expect(list.last == "OK count=300")
        let stats = c.call("STATS")
        #expect(stats["writes"] == "301")
        // Grouped: a few commits (the first line alone, then groups of up to 256), not 304.
        #expect(Int(stats["commits"] ?? "") ?? 999 <= 8, "\(stats)")
        #expect(c.call("AUDIT limit=1 before=1000")["count"] == "1")
    }

    @Test func aStrangerSendingBadReferencesCostsOthersNothing() throws {
        let daemon = try Daemon()
        let owner = try daemon.connect()
        #expect(owner.call("MACHINE CREATE web").isOK)
        // Values the store cannot hold (an empty reference, a name past its key size) are
        // refused on their own: the writes queued with them in the same group commit stand.
        let huge = String(repeating: "🙂", count: 128)  // 128 characters, 512 bytes: past LMDB's 511
        let c = try daemon.connect()
        var batch = ""
        for i in 0..<50 {
            batch += "MACHINE DELETE \"\"\nKEY LIST \"\"\nMACHINE SHOW \"\(huge)\"\nKEY CREATE web label=k\(i)\n"
            batch += "MACHINE CREATE \"\(huge)\"\n"
        }
        c.send(batch)
        var oks = 0, refusals: [String] = []
        for _ in 0..<(50 * 5) {
            guard let line = c.readLine() else { break }
            if line.hasPrefix("OK id=k_") { oks += 1 } else if !line.hasPrefix("OK") { refusals.append(line) }
        }
        #expect(oks == 50, "every key created")
        #expect(!refusals.contains { $0.contains("unavailable") }, "\(refusals.prefix(3))")
        #expect(refusals.filter { $0.hasPrefix("NO not-found") }.count == 150)
        #expect(refusals.filter { $0.hasPrefix("NO invalid") }.count == 50, "the 512-byte name is refused as too long in bytes")
    }
}
