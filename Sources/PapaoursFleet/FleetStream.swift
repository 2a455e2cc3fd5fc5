import PapaoursStore

/// Reading the fleet's change sequence: the sets after a point, in order.
enum FleetStream {
    /// How many sets one read brings at most; a follower far behind reads again.
    static let page = 1000

    /// The change sets after `sequence` up to `head` (at most `page` of them unless `head` is
    /// given), decoded, checked to follow on without a hole.
    static func changes(after sequence: UInt64, upTo head: UInt64? = nil, on connection: PGConnection,
                        schema: FleetSchema) throws -> [ChangeSet] {
        if let head, head <= sequence { return [] }
        let limit = head.map { Int64(clamping: $0 - sequence) } ?? Int64(page)
        let rows = try connection.exec("SELECT seq, set FROM \(schema.table("changes")) WHERE seq > $1 ORDER BY seq LIMIT $2",
                                       [.int64(Int64(clamping: sequence)), .int64(limit)], binary: true)
        var sets: [ChangeSet] = []
        sets.reserveCapacity(rows.rows)
        var expected = sequence + 1
        for row in 0..<rows.rows {
            let seq = UInt64(rows.int64(row, 0) ?? 0)
            guard seq == expected else { throw FleetGap(after: expected - 1, found: seq) }
            var set = try ChangeSetCoding.decode(rows.bytes(row, 1))
            set.sequence = seq
            sets.append(set)
            expected += 1
        }
        return sets
    }
}

extension FleetStream {
    /// Applies to `store` every change after the sequence it reached, a page at a time, up to
    /// the head; `FleetGap` when they cannot follow on.
    static func catchUp(_ store: Store, on connection: PGConnection, schema: FleetSchema, status: FleetStatus) throws {
        while true {
            let counter = try connection.exec("SELECT seq FROM \(schema.table("counter"))", [], binary: true)
            guard let head = counter.int64(0, 0).map(UInt64.init) else { return }
            let reached = store.changeSequence
            status.heard(head: head, reached: reached)
            guard head > reached else { return }
            let sets = try changes(after: reached, upTo: min(head, reached + UInt64(page)), on: connection, schema: schema)
            guard !sets.isEmpty else { throw FleetGap(after: reached, found: 0) }
            status.heard(head: head, reached: try store.follow(sets))
        }
    }
}

/// The change rows do not follow on: pruned, or the database is not this replica's fleet.
struct FleetGap: Error, CustomStringConvertible {
    let after: UInt64
    let found: UInt64
    var description: String { "the fleet's changes after \(after) start at \(found): they were pruned, or this is another fleet" }
}
