#if canImport(Glibc)
import Glibc
#endif
import PapaoursCore
import PapaoursStore

/// The client addresses one event loop saw for its keys since the last flush, kept flat and
/// close together for VERIFY's hot path: a key's sightings are in blocks of 8 (`blockSize`)
/// whose 8 tags fill one cache line, so that counting an address reads that line and the
/// sighting's 24 bytes of counts (`Tally`). An IPv4 address (up to 15 digits and dots) is its
/// own tag, exactly; any other address has a tag mixed from its length and first and last 8
/// bytes, and a tag that matches is confirmed against the address's bytes (`Sighting`, and
/// memcmp for the middle of one longer than 16, kept in an arena). No String and no hash table
/// on the hot path; ordering (most recent first) is done once, at the flush (`uses(of:)`).
struct AddressSightings {
    static let blockSize = 8

    /// One key's sightings: its blocks (chained), how many, and the one seen last.
    struct List {
        fileprivate var block: Int32 = -1
        fileprivate var recent: Int32 = -1
        fileprivate var size: Int32 = 0
        var count: Int { Int(size) }

        /// The newest block is filled first; the older ones are full.
        fileprivate var newestBlockCount: Int { count == 0 ? 0 : (count - 1) % AddressSightings.blockSize + 1 }
    }

    /// An address by its length and its first and last 8 bytes (the whole of it up to 16
    /// bytes: an IPv4 address or a short IPv6 one), and the tag mixed from them.
    private struct Print {
        var head: UInt64
        var tail: UInt64
        var length: Int

        /// Never 0, the tag of an empty place; with its top 4 bits set, the address itself.
        let tag: UInt64

        @inline(__always)
        init(_ ip: UnsafeRawBufferPointer) {
            var head: UInt64 = 0, tail: UInt64 = 0
            if ip.count >= 8 {
                head = ip.loadUnaligned(as: UInt64.self)
                tail = ip.loadUnaligned(fromByteOffset: ip.count - 8, as: UInt64.self)
            } else {
                withUnsafeMutableBytes(of: &head) { $0.copyMemory(from: ip) }
                tail = head
            }
            (self.head, self.tail, length) = (head, tail, ip.count)
            let mixed = head &* 0x9E37_79B9_7F4A_7C15 ^ tail &* 0xC2B2_AE3D_27D4_EB4F ^ UInt64(ip.count)
            tag = Print.exactTag(ip) ?? ((mixed & ~Print.exact) | 1)
        }

        static let exact: UInt64 = 0xF << 60

        /// Up to 15 digits and dots, 4 bits each (1 to 11, so that the first 0 ends it), under
        /// the top 4 bits set: a tag that is the address.
        @inline(__always)
        static func exactTag(_ ip: UnsafeRawBufferPointer) -> UInt64? {
            guard ip.count <= 15 else { return nil }
            var packed: UInt64 = 0
            for byte in ip {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 || byte == UInt8(ascii: ".") else { return nil }
                packed = packed << 4 | UInt64(digit < 10 ? digit + 1 : 11)
            }
            return exact | packed
        }

        var isExact: Bool { tag & Print.exact == Print.exact }
    }

    /// One address of one key, what VERIFY reads only to confirm a tag that is not exact.
    private struct Sighting {
        var head: UInt64 = 0
        var tail: UInt64 = 0
        var length: Int32 = 0
        /// Where its bytes are in the arena, and how many it owns there (a replaced sighting's
        /// place is reused when the new address fits).
        var start: Int32 = 0
        var capacity: Int32 = 0
        /// First seen (read again only when the clock goes back).
        var first: Int64 = 0
    }

    /// What VERIFY counts of one address of one key.
    private struct Tally {
        var last: Int64 = 0
        /// When it was last seen, in this loop's order of calls (times are whole seconds).
        var order: UInt64 = 0
        var count: UInt64 = 0
    }

    private var tags: [UInt64] = []
    private var sightings: [Sighting] = []
    private var tallies: [Tally] = []
    /// Per block, the key's next block (-1: its last).
    private var nextBlock: [Int32] = []
    private var arena: [UInt8] = []
    private var order: UInt64 = 0

    /// Counts one VERIFY from `ip` (not empty) for the key whose sightings are `list`; beyond
    /// `limit` distinct addresses the least recently seen one gives way (protocol.md: 64 a key).
    mutating func see(_ ip: UnsafeRawBufferPointer, in list: inout List, at now: Timestamp,
                      limit: Int = KeyActivity.maxAddresses) {
        order &+= 1
        let print = Print(ip)
        var found = -1
        if list.recent >= 0, tags[Int(list.recent)] == print.tag, print.isExact || matches(Int(list.recent), print, ip) {
            found = Int(list.recent)
        } else {
            found = find(print, ip, in: list)
        }
        if found >= 0 {
            list.recent = Int32(found)
            let order = order
            let late = tallies.withUnsafeMutableBufferPointer { t in
                t[found].count &+= 1
                t[found].order = order
                guard now.seconds >= t[found].last else { return true }
                t[found].last = now.seconds
                return false
            }
            if late { sightings[found].first = min(sightings[found].first, now.seconds) }  // the clock went back
            return
        }
        let place = list.count >= limit ? leastRecent(in: list) : newPlace(in: &list)
        tags[place] = print.tag
        sightings[place].head = print.head
        sightings[place].tail = print.tail
        sightings[place].length = Int32(print.length)
        sightings[place].first = now.seconds
        tallies[place] = Tally(last: now.seconds, order: order, count: 1)
        store(ip, in: place)
        list.recent = Int32(place)
    }

    /// The key's addresses, least recently seen first (as KeyActivity keeps them).
    func uses(of list: List) -> [AddressUse] {
        places(of: list).sorted { tallies[$0].order < tallies[$1].order }.map { i in
            let s = sightings[i], t = tallies[i]
            return AddressUse(ip: String(decoding: arena[Int(s.start)..<Int(s.start + s.length)], as: UTF8.self),
                              first: Timestamp(seconds: s.first), last: Timestamp(seconds: t.last), count: t.count)
        }
    }

    /// Forgets every key's sightings (their lists must be dropped too); capacity is kept.
    mutating func removeAll() {
        tags.removeAll(keepingCapacity: true)
        sightings.removeAll(keepingCapacity: true)
        tallies.removeAll(keepingCapacity: true)
        nextBlock.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
    }

    /// Where `ip` is among the key's sightings, or -1: its blocks' tags, then the one that matches.
    @inline(__always)
    private func find(_ print: Print, _ ip: UnsafeRawBufferPointer, in list: List) -> Int {
        let tag = print.tag
        var block = list.block, used = list.newestBlockCount
        while block >= 0 {
            let base = Int(block) * AddressSightings.blockSize
            let hit: Int = tags.withUnsafeBufferPointer { t in
                for j in 0..<used where t[base + j] == tag { return base + j }
                return -1
            }
            if hit >= 0, print.isExact || matches(hit, print, ip) { return hit }
            if hit >= 0 { return findSlowly(print, ip, in: list) }  // two addresses share a tag
            used = AddressSightings.blockSize
            block = nextBlock[Int(block)]
        }
        return -1
    }

    /// Every sighting compared in full: only when a tag matched an address it is not.
    private func findSlowly(_ print: Print, _ ip: UnsafeRawBufferPointer, in list: List) -> Int {
        places(of: list).first { tags[$0] == print.tag && (print.isExact || matches($0, print, ip)) } ?? -1
    }

    @inline(__always)
    private func matches(_ i: Int, _ print: Print, _ ip: UnsafeRawBufferPointer) -> Bool {
        let s = sightings[i]
        guard s.head == print.head, s.tail == print.tail, Int(s.length) == print.length else { return false }
        guard ip.count > 16 else { return true }
        return arena.withUnsafeBytes { memcmp($0.baseAddress! + Int(s.start) + 8, ip.baseAddress! + 8, ip.count - 16) == 0 }
    }

    /// The places of the key's sightings, its newest block first.
    private func places(of list: List) -> [Int] {
        var found: [Int] = []
        found.reserveCapacity(list.count)
        var block = list.block, used = list.newestBlockCount
        while block >= 0 {
            let base = Int(block) * AddressSightings.blockSize
            found += base..<base + used
            used = AddressSightings.blockSize
            block = nextBlock[Int(block)]
        }
        return found
    }

    private func leastRecent(in list: List) -> Int {
        places(of: list).min { tallies[$0].order < tallies[$1].order }!
    }

    /// A place for one more address of the key: in its newest block, or a new block before it.
    private mutating func newPlace(in list: inout List) -> Int {
        if list.count % AddressSightings.blockSize == 0 {
            nextBlock.append(list.block)
            list.block = Int32(nextBlock.count - 1)
            tags.append(contentsOf: repeatElement(0, count: AddressSightings.blockSize))
            sightings.append(contentsOf: repeatElement(Sighting(), count: AddressSightings.blockSize))
            tallies.append(contentsOf: repeatElement(Tally(), count: AddressSightings.blockSize))
        }
        list.size += 1
        return Int(list.block) * AddressSightings.blockSize + list.newestBlockCount - 1
    }

    /// The address's bytes, in the sighting's own place when they fit, else appended with room
    /// to spare (a power of two), so that the arena grows by a bounded amount per sighting.
    private mutating func store(_ ip: UnsafeRawBufferPointer, in i: Int) {
        if ip.count > Int(sightings[i].capacity) {
            var room = 16
            while room < ip.count { room *= 2 }
            sightings[i].start = Int32(arena.count)
            sightings[i].capacity = Int32(room)
            arena.append(contentsOf: repeatElement(0, count: room))
        }
        let start = Int(sightings[i].start)
        arena.withUnsafeMutableBytes { bytes in
            (bytes.baseAddress! + start).copyMemory(from: ip.baseAddress!, byteCount: ip.count)
        }
    }
}
