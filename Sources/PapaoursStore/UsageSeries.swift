import PapaoursCore

/// Counts by time slot (a day, an hour) packed by blocks of slots: one small record a key a
/// block, so that a key-day costs a few bytes and not an LMDB entry of its own.
///
/// key id (16 bytes) + block (u32 big-endian, slot ÷ slotsPerBlock) → layout, varint n, then n
/// entries in slot order: varint offset in the block, then `fields` varint counts.
struct PackedSeries {
    let database: Database
    let slotsPerBlock: UInt32
    let fields: Int

    typealias Entry = (slot: UInt32, counts: [UInt64])

    func key(_ id: [UInt8], block: UInt32) -> [UInt8] {
        var bytes = id
        withUnsafeBytes(of: block.bigEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    static func block(of key: [UInt8]) -> UInt32 { key.suffix(4).reduce(0) { $0 << 8 | UInt32($1) } }

    func encode(_ entries: [UInt32: [UInt64]], block: UInt32) -> [UInt8] {
        var w = RecordWriter(version: RecordCoding.layout)
        w.varint(UInt64(entries.count))
        for slot in entries.keys.sorted() {
            w.varint(UInt64(slot - block * slotsPerBlock))
            for count in entries[slot]! { w.varint(count) }
        }
        return w.bytes
    }

    func decode(_ bytes: [UInt8], block: UInt32) throws -> [UInt32: [UInt64]] {
        try bytes.withUnsafeBytes { raw in
            try Store.decoded(raw, "usage series") { raw throws(RecordReader.Corrupt) -> [UInt32: [UInt64]] in
                var r = RecordReader(raw)
                guard try r.u8() == RecordCoding.layout else { throw RecordReader.Corrupt() }
                let n = try r.varint()
                guard n <= UInt64(slotsPerBlock) else { throw RecordReader.Corrupt() }
                var entries: [UInt32: [UInt64]] = [:]
                for _ in 0..<n {
                    let offset = try r.varint()
                    guard offset < UInt64(slotsPerBlock) else { throw RecordReader.Corrupt() }
                    var counts: [UInt64] = []
                    for _ in 0..<fields { counts.append(try r.varint()) }
                    entries[block * slotsPerBlock + UInt32(offset)] = counts
                }
                return entries
            }
        }
    }

    /// Adds counts to their slots, block by block: read, add, write.
    func add(_ id: [UInt8], _ added: [Entry], in txn: borrowing WriteTransaction) throws {
        var byBlock: [UInt32: [Entry]] = [:]
        for entry in added { byBlock[entry.slot / slotsPerBlock, default: []].append(entry) }
        for (block, entries) in byBlock.sorted(by: { $0.key < $1.key }) {
            let k = key(id, block: block)
            var stored = try database.get(k, in: txn).map { try decode($0, block: block) } ?? [:]
            for entry in entries {
                var counts = stored[entry.slot] ?? Array(repeating: 0, count: fields)
                for i in 0..<fields { counts[i] &+= entry.counts[i] }
                stored[entry.slot] = counts
            }
            try database.put(k, encode(stored, block: block), in: txn)
        }
    }

    /// Drops the slots before `keepFrom`: whole blocks deleted, the block it falls in rewritten.
    func prune(_ id: [UInt8], keepFrom: UInt32, in txn: borrowing WriteTransaction) throws {
        let keepBlock = keepFrom / slotsPerBlock
        var old: [[UInt8]] = []
        var partial: [UInt8]?
        try database.scan(prefix: id, in: txn) { k, _ in
            let block = PackedSeries.block(of: k)
            if block < keepBlock { old.append(k); return true }
            if block == keepBlock && keepFrom % slotsPerBlock != 0 { partial = k }
            return false
        }
        for k in old { try database.delete(k, in: txn) }
        guard let k = partial, let bytes = try database.get(k, in: txn) else { return }
        let entries = try decode(bytes, block: keepBlock)
        let kept = entries.filter { $0.key >= keepFrom }
        if kept.count == entries.count { return }
        if kept.isEmpty { try database.delete(k, in: txn) } else { try database.put(k, encode(kept, block: keepBlock), in: txn) }
    }

    /// The slots from `first` through `last` that hold counts, in order.
    func read<T: Transaction & ~Copyable>(_ id: [UInt8], from first: UInt32, through last: UInt32, in txn: borrowing T) throws -> [Entry] {
        var found: [Entry] = []
        var failure: (any Error)?
        try database.scan(prefix: id, from: key(id, block: first / slotsPerBlock), in: txn) { k, value in
            let block = PackedSeries.block(of: k)
            guard block <= last / slotsPerBlock else { return false }
            do {
                for (slot, counts) in try decode(value, block: block) where slot >= first && slot <= last { found.append((slot, counts)) }
            } catch {
                failure = error
                return false
            }
            return true
        }
        if let failure { throw failure }
        return found.sorted { $0.slot < $1.slot }
    }

    /// Forgets every block of a key.
    func deleteAll(_ id: [UInt8], in txn: borrowing WriteTransaction) throws {
        var keys: [[UInt8]] = []
        try database.scan(prefix: id, in: txn) { k, _ in keys.append(k); return true }
        for k in keys { try database.delete(k, in: txn) }
    }
}

extension Store {
    /// A key's days: 32 a block, (ok, denied) each.
    var daySeries: PackedSeries { PackedSeries(database: usageDays, slotsPerBlock: 32, fields: 2) }
    /// A key's hours: 24 a block, calls each.
    var hourSeries: PackedSeries { PackedSeries(database: usageHours, slotsPerBlock: 24, fields: 1) }
}
