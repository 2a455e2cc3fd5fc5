import Foundation
import PapaoursFleet
import PostgresHarness
import Testing

/// The fleet's change sequence is gap-free and committed in order under concurrent writers.
@Suite("fleet counter")
struct CounterTests {
    @Test("concurrent writers, some rolling back, commit exactly 1…n")
    func gapFree() throws {
        let pg = try PostgresCluster.get()
        let conninfo = try pg.createDatabase()
        let schema = try FleetSchema()
        do {
            let db = try PGConnection(conninfo: conninfo)
            let txn = try PGTransaction(on: db)
            _ = try schema.create(in: txn, startingAt: 0, by: "test")
            try txn.commit()
        }
        let writers = 6, each = 60
        let committed = Counter()
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            do {
                let db = try PGConnection(conninfo: conninfo)
                var random = SystemRandomNumberGenerator()
                for i in 0..<each {
                    let txn = try PGTransaction(on: db)
                    let next = try txn.exec("UPDATE \(schema.table("counter")) SET seq = seq + 1 RETURNING seq")
                    guard let seq = next.int64(0, 0) else { throw PGError(sqlState: nil, message: "no seq", connectionLost: false) }
                    try txn.exec("INSERT INTO \(schema.table("changes")) (seq, host, set) VALUES ($1, $2, $3)",
                                 [.int64(seq), .text("writer-\(writer)"), .bytes([UInt8(i & 0xFF), 1, 2, 3])])
                    // Some hold the lock a moment, so that others queue behind it.
                    if Int.random(in: 0..<10, using: &random) == 0 { usleep(2000) }
                    if Int.random(in: 0..<5, using: &random) == 0 {
                        txn.rollback()
                    } else {
                        try txn.commit()
                        committed.add()
                    }
                }
            } catch {
                failures.add()
                Issue.record("writer \(writer): \(error)")
            }
        }
        #expect(failures.value == 0)
        let db = try PGConnection(conninfo: conninfo)
        let rows = try db.exec("SELECT seq FROM \(schema.table("changes")) ORDER BY seq")
        let seqs = (0..<rows.rows).compactMap { rows.int64($0, 0) }
        #expect(committed.value > 0 && committed.value < writers * each)
        #expect(seqs == Array(1...Int64(committed.value)))
        #expect(try db.exec("SELECT seq FROM \(schema.table("counter"))").int64(0, 0) == Int64(committed.value))
        // Committed in sequence order: commit times never go back as the sequence goes up.
        let order = try db.exec("SELECT count(*) FROM (SELECT committed < lag(committed) OVER (ORDER BY seq) AS back FROM \(schema.table("changes"))) t WHERE back")
        #expect(order.text(0, 0) == "0")
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
