import Foundation
import PapaoursProtocol
import Testing

/// Issue 17, item 8: a listing is sent part by part as the peer reads it, from one snapshot;
/// peers that never read hold a part each, not the list, and nobody else waits for them.
@Suite(.serialized) struct StreamingListTests {
    static func residentKiB(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    @Test func listingsStreamUnderTheOutputLimit() throws {
        let daemon = try Daemon()
        let pid = try #require(daemon.process?.processIdentifier)
        let c = try daemon.connect()
        let count = 10_000
        let description = String(repeating: "d", count: 900)
        // In pipelined batches, read as they go: a peer that sends without reading is held back.
        for batch in stride(from: 0, to: count, by: 250) {
            c.send((batch..<(batch + 250)).map { "MACHINE CREATE m\($0) description=\(description)\n" }.joined())
            for _ in 0..<250 { #expect(c.readLine()?.hasPrefix("OK id=") == true) }
        }
        let secret = try #require(c.call("KEY CREATE m0 label=k")["secret"])
        let before = Self.residentKiB(pid)
        // Eight peers ask for the whole list (about 10 MB each) and read none of it.
        let stalled = try (0..<8).map { _ in try daemon.connect() }
        for s in stalled { s.send("MACHINE LIST\n") }
        usleep(500_000)
        let started = Date()
        #expect(c.call("VERIFY \(secret)").isOK)
        // At once: each loop turn makes one 64 KiB part per listing, then serves the others.
        #expect(Date().timeIntervalSince(started) < (MemoryTests.sanitized ? 5 : 0.5), "the others are answered at once")
        let grown = Self.residentKiB(pid) - before
        // A sanitizer's allocator keeps freed memory in quarantine: resident size says nothing there.
        if !MemoryTests.sanitized { #expect(grown < 30 * 1024, "the stalled listings hold \(grown) KiB, not their lists") }
        // A peer that reads gets every line, then the count, then its next answer.
        let reader = try daemon.connect()
        reader.send("MACHINE LIST\nPING\n")
        var machines = 0
        var last = ""
        while let line = reader.readLine(timeout: 30) {
            if line.hasPrefix("MACHINE ") { machines += 1 } else { last = line; break }
        }
        #expect(machines == count && last == "OK count=\(count)")
        #expect(reader.readLine() == "OK", "the request after the listing is answered after it")
        // A peer that half-closes after its request still gets the whole listing.
        let halfClosed = try daemon.connect()
        halfClosed.send("MACHINE LIST\n")
        shutdown(halfClosed.fd, Int32(SHUT_WR))
        var received = 0
        while let line = halfClosed.readLine(timeout: 30) {
            if line.hasPrefix("MACHINE ") { received += 1 } else { last = line; break }
        }
        #expect(received == count && last == "OK count=\(count)")
        #expect(halfClosed.readLine(timeout: 5) == nil, "then the daemon closes")
        // EXPORT streams too, and still ends with its counts once journaled.
        reader.send("EXPORT\n")
        var lines = 0
        while let line = reader.readLine(timeout: 30) {
            if line.hasPrefix("OK ") { last = line; break }
            lines += 1
        }
        #expect(last.hasPrefix("OK count=\(lines) machines=\(count) keys=1 "), "\(last)")
        #expect(try daemon.connect().call("AUDIT limit=1 before=100000000")["count"] == "1")
    }
}
