#if canImport(Glibc)
import Glibc
#endif
import CPapaoursSystem
import PapaoursCore
import PapaoursStore

/// The client addresses one event loop saw for its keys since the last flush, kept flat and
/// close together for VERIFY's hot path: a key's sightings are in blocks of 8 (`blockSize`)
/// of 16-byte entries (a tag, a count, an order: two cache lines a block), so that counting an
/// address reads and writes one entry and, when it is not the key's most recent address, the
/// block's other tags. An IPv4 address (up to 15 digits and dots) is its own tag, exactly; any
/// other address has a tag mixed from its length and first and last 8 bytes, and a tag that
/// matches is confirmed against the address's bytes (`Sighting`, and memcmp for the middle of
/// one longer than 16, kept in an arena). When each address was last seen follows from its
/// order: the loop notes the order at which each second began (`marks`). No String and no
/// hash table on the hot path; ordering (most recent first) and times are made once, at the
/// flush (`uses(of:)`).
struct AddressSightings {
    static let blockSize = 8

    /// One key's sightings: its blocks (chained), how many, and the one seen last.
    struct List {
        fileprivate var block: Int32 = -1
        fileprivate var recent: Int32 = -1
        fileprivate var size: Int32 = 0
        var count: Int { Int(size) }
        /// Where the most recent address is (for `prefetch`).
        var recentPlace: Int32 { recent }

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
        /// First seen; and last seen, kept here only once the clock went back (`clockWentBack`).
        var first: Int64 = 0
        var last: Int64 = 0
        /// The count's part above 2³² - 1 (the entry keeps 32 bits).
        var countAbove: UInt64 = 0
    }

    /// What VERIFY reads and writes of one address of one key.
    private struct Entry {
        /// 0: an empty place.
        var tag: UInt64 = 0
        var count: UInt32 = 0
        /// When it was last seen, in this loop's order of calls (times are whole seconds).
        var order: UInt32 = 0
    }

    /// From `order` on, the calls were made in `second`.
    private struct SecondMark {
        var order: UInt32
        var second: Int64
    }

    private var entries: [Entry] = []
    private var sightings: [Sighting] = []
    /// Per block, the key's next block (-1: its last).
    private var nextBlock: [Int32] = []
    private var arena: [UInt8] = []
    /// Saturates: 2³² calls with an address in one loop between two flushes (at most 60 s
    /// apart) is out of reach, and beyond them only the order among addresses would blur.
    private var order: UInt32 = 0
    private var marks: [SecondMark] = []
    private var latestSecond = Int64.min
    /// The clock went back since the last flush: from then on first and last are kept in each
    /// sighting, as the minimum and maximum of its times.
    private var clockWentBack = false

    /// Counts one VERIFY from `ip` (not empty) for the key whose sightings are `list`; beyond
    /// `limit` distinct addresses the least recently seen one gives way (protocol.md: 64 a key).
    mutating func see(_ ip: UnsafeRawBufferPointer, in list: inout List, at now: Timestamp,
                      limit: Int = KeyActivity.maxAddresses) {
        if order < .max { order += 1 }
        if now.seconds != latestSecond { mark(now) }
        let print = Print(ip)
        var found = -1
        if list.recent >= 0, entries[Int(list.recent)].tag == print.tag, print.isExact || matches(Int(list.recent), print, ip) {
            found = Int(list.recent)
        } else {
            found = find(print, ip, in: list)
        }
        if found >= 0 {
            list.recent = Int32(found)
            let order = order
            let full = entries.withUnsafeMutableBufferPointer { e in
                e[found].order = order
                if e[found].count == .max { return true }
                e[found].count += 1
                return false
            }
            if full { spill(found) }
            if clockWentBack {
                sightings[found].first = min(sightings[found].first, now.seconds)
                sightings[found].last = max(sightings[found].last, now.seconds)
            }
            return
        }
        let place = list.count >= limit ? leastRecent(in: list) : newPlace(in: &list)
        entries[place] = Entry(tag: print.tag, count: 1, order: order)
        sightings[place].head = print.head
        sightings[place].tail = print.tail
        sightings[place].length = Int32(print.length)
        sightings[place].first = now.seconds
        sightings[place].last = now.seconds
        sightings[place].countAbove = 0
        store(ip, in: place)
        list.recent = Int32(place)
    }

    /// Asks the memory for the block holding the entry at `place` (a hint from an earlier call;
    /// any value will do): the entry, and the block's other tags for an address that is not the
    /// last one (128 bytes, which may lie across three cache lines).
    @inline(__always)
    func prefetch(_ place: Int32) {
        guard place >= 0, Int(place) < entries.count else { return }
        let base = Int(place) / AddressSightings.blockSize * AddressSightings.blockSize
        entries.withUnsafeBufferPointer { e in
            papa_prefetch(e.baseAddress! + Int(place))
            papa_prefetch(e.baseAddress! + base)
            papa_prefetch(e.baseAddress! + base + AddressSightings.blockSize - 1)
        }
    }

    /// A new second: noted, or when it is earlier than the latest, every sighting's last time
    /// written down once and kept in the sightings from then on.
    private mutating func mark(_ now: Timestamp) {
        if clockWentBack { return }
        if now.seconds > latestSecond {
            marks.append(SecondMark(order: order, second: now.seconds))
            latestSecond = now.seconds
            return
        }
        for i in entries.indices where entries[i].tag != 0 { sightings[i].last = second(of: entries[i].order) }
        clockWentBack = true
    }

    /// The second in which the call of `order` was made.
    private func second(of order: UInt32) -> Int64 {
        var low = 0, high = marks.count  // the last mark at or before `order`
        while high - low > 1 {
            let middle = (low + high) / 2
            if marks[middle].order <= order { low = middle } else { high = middle }
        }
        return marks[low].second
    }

    /// The entry's 32-bit count is full: its 2³² go to the sighting.
    private mutating func spill(_ i: Int) {
        sightings[i].countAbove += 1 << 32
        entries[i].count = 1
    }

    /// The key's addresses, least recently seen first (as KeyActivity keeps them).
    func uses(of list: List) -> [AddressUse] {
        places(of: list).sorted { entries[$0].order < entries[$1].order }.map { i in
            let s = sightings[i], e = entries[i]
            return AddressUse(ip: String(decoding: arena[Int(s.start)..<Int(s.start + s.length)], as: UTF8.self),
                              first: Timestamp(seconds: s.first),
                              last: Timestamp(seconds: clockWentBack ? s.last : second(of: e.order)),
                              count: s.countAbove + UInt64(e.count))
        }
    }

    /// Forgets every key's sightings (their lists must be dropped too); capacity is kept.
    mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
        sightings.removeAll(keepingCapacity: true)
        nextBlock.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
        marks.removeAll(keepingCapacity: true)
        (order, latestSecond, clockWentBack) = (0, .min, false)
    }

    /// Where `ip` is among the key's sightings, or -1: its blocks' tags, then the one that matches.
    @inline(__always)
    private func find(_ print: Print, _ ip: UnsafeRawBufferPointer, in list: List) -> Int {
        let tag = print.tag
        var block = list.block, used = list.newestBlockCount
        while block >= 0 {
            let base = Int(block) * AddressSightings.blockSize
            let hit: Int = entries.withUnsafeBufferPointer { e in
                for j in 0..<used where e[base + j].tag == tag { return base + j }
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
        places(of: list).first { entries[$0].tag == print.tag && (print.isExact || matches($0, print, ip)) } ?? -1
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
        places(of: list).min { entries[$0].order < entries[$1].order }!
    }

    /// A place for one more address of the key: in its newest block, or a new block before it.
    private mutating func newPlace(in list: inout List) -> Int {
        if list.count % AddressSightings.blockSize == 0 {
            nextBlock.append(list.block)
            list.block = Int32(nextBlock.count - 1)
            entries.append(contentsOf: repeatElement(Entry(), count: AddressSightings.blockSize))
            sightings.append(contentsOf: repeatElement(Sighting(), count: AddressSightings.blockSize))
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
