#if canImport(Glibc)
import Glibc
#endif
import PapaoursCore
import PapaoursStore

/// The client addresses one event loop saw for its keys since the last flush, kept flat for
/// VERIFY's hot path: each address as raw bytes in one arena, compared by its length and two
/// words (memcmp for the middle of one longer than 16 bytes), the key's most recent one first,
/// each key's sightings chained in one array. No String and no hash on the hot path; ordering
/// (most recent first) is done once, at the flush (`uses(of:)`).
struct AddressSightings {
    /// One key's chain of sightings.
    struct List {
        fileprivate var head: Int32 = -1
        /// The sighting seen last: VERIFY checks it first.
        fileprivate var recent: Int32 = -1
        fileprivate(set) var count = 0
    }

    /// What VERIFY compares: the length and the first and last 8 bytes (which are the whole
    /// address up to 16 bytes, an IPv4 address or a short IPv6 one); a longer address also
    /// compares its middle bytes in the arena. Kept apart from the counts so that a walk
    /// down a chain reads 24 bytes a sighting.
    private struct Print {
        var head: UInt64
        var tail: UInt64
        var length: Int32
        var next: Int32 = -1

        @inline(__always)
        init(_ ip: UnsafeRawBufferPointer) {
            length = Int32(ip.count)
            if ip.count >= 8 {
                head = ip.loadUnaligned(as: UInt64.self)
                tail = ip.loadUnaligned(fromByteOffset: ip.count - 8, as: UInt64.self)
            } else {
                var word: UInt64 = 0
                withUnsafeMutableBytes(of: &word) { $0.copyMemory(from: ip) }
                (head, tail) = (word, word)
            }
        }

        @inline(__always)
        func sameWords(_ other: Print) -> Bool { head == other.head && tail == other.tail && length == other.length }
    }

    private struct Counts {
        var first: Int64
        var last: Int64
        /// When it was last seen, in this loop's order of calls (times are whole seconds).
        var order: UInt64
        var count: UInt64
        /// Where its bytes are in the arena, and how many it owns there (an evicted sighting's
        /// place is reused when the new address fits).
        var start: Int32 = 0
        var capacity: Int32 = 0
    }

    private var prints: [Print] = []
    private var counts: [Counts] = []
    private var arena: [UInt8] = []
    private var order: UInt64 = 0

    /// Counts one VERIFY from `ip` (not empty) for the key whose chain is `list`; beyond `limit`
    /// distinct addresses the least recently seen one gives way (protocol.md: 64 a key).
    mutating func see(_ ip: UnsafeRawBufferPointer, in list: inout List, at now: Timestamp,
                      limit: Int = KeyActivity.maxAddresses) {
        order &+= 1
        let print = Print(ip)
        let found = find(print, ip, in: list)
        if found >= 0 {
            list.recent = found
            counts.withUnsafeMutableBufferPointer { c in
                c[Int(found)].count &+= 1
                c[Int(found)].first = min(c[Int(found)].first, now.seconds)
                c[Int(found)].last = max(c[Int(found)].last, now.seconds)
                c[Int(found)].order = order
            }
        } else if list.count >= limit {
            let oldest = leastRecent(in: list)
            var replacing = print
            replacing.next = prints[Int(oldest)].next
            prints[Int(oldest)] = replacing
            replace(Int(oldest), with: ip, at: now)
            list.recent = oldest
        } else {
            var linked = print
            linked.next = list.head
            prints.append(linked)
            counts.append(Counts(first: now.seconds, last: now.seconds, order: order, count: 1))
            list.head = Int32(prints.count - 1)
            list.recent = list.head
            list.count += 1
            store(ip, in: Int(list.head))
        }
    }

    /// The key's addresses, least recently seen first (as KeyActivity keeps them).
    func uses(of list: List) -> [AddressUse] {
        var chain: [Int] = []
        chain.reserveCapacity(list.count)
        var i = list.head
        while i >= 0 {
            chain.append(Int(i))
            i = prints[Int(i)].next
        }
        return chain.sorted { counts[$0].order < counts[$1].order }.map { i in
            let c = counts[i], start = Int(c.start)
            return AddressUse(ip: String(decoding: arena[start..<start + Int(prints[i].length)], as: UTF8.self),
                              first: Timestamp(seconds: c.first), last: Timestamp(seconds: c.last), count: c.count)
        }
    }

    /// Forgets every key's sightings (their lists must be dropped too); capacity is kept.
    mutating func removeAll() {
        prints.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
    }

    /// The sighting of `ip` in the chain (the most recent one first), or -1.
    @inline(__always)
    private func find(_ print: Print, _ ip: UnsafeRawBufferPointer, in list: List) -> Int32 {
        prints.withUnsafeBufferPointer { p in
            if list.recent >= 0, p[Int(list.recent)].sameWords(print), sameMiddle(Int(list.recent), ip) { return list.recent }
            var i = list.head
            while i >= 0 {
                if p[Int(i)].sameWords(print), i != list.recent, sameMiddle(Int(i), ip) { return i }
                i = p[Int(i)].next
            }
            return -1
        }
    }

    /// Bytes 8 to n - 8 of an address longer than 16 (the words compared the rest).
    @inline(__always)
    private func sameMiddle(_ i: Int, _ ip: UnsafeRawBufferPointer) -> Bool {
        guard ip.count > 16 else { return true }
        let start = Int(counts[i].start)
        return arena.withUnsafeBytes { memcmp($0.baseAddress! + start + 8, ip.baseAddress! + 8, ip.count - 16) == 0 }
    }

    private func leastRecent(in list: List) -> Int32 {
        var i = list.head, oldest = list.head
        while i >= 0 {
            if counts[Int(i)].order < counts[Int(oldest)].order { oldest = i }
            i = prints[Int(i)].next
        }
        return oldest
    }

    /// The least recently seen address of a full list gives its place to a new one.
    private mutating func replace(_ i: Int, with ip: UnsafeRawBufferPointer, at now: Timestamp) {
        counts[i].first = now.seconds
        counts[i].last = now.seconds
        counts[i].order = order
        counts[i].count = 1
        store(ip, in: i)
    }

    /// The address's bytes, in the sighting's own place when they fit, else appended with room
    /// to spare (a power of two), so that the arena grows by a bounded amount per sighting.
    private mutating func store(_ ip: UnsafeRawBufferPointer, in i: Int) {
        if ip.count > Int(counts[i].capacity) {
            var room = 16
            while room < ip.count { room *= 2 }
            counts[i].start = Int32(arena.count)
            counts[i].capacity = Int32(room)
            arena.append(contentsOf: repeatElement(0, count: room))
        }
        let start = Int(counts[i].start)
        arena.withUnsafeMutableBytes { bytes in
            (bytes.baseAddress! + start).copyMemory(from: ip.baseAddress!, byteCount: ip.count)
        }
    }
}
