/// Where a key's counts are in one event loop's UsageTally until its next flush: what a
/// VerifyCache entry carries (it is one), so that a cache hit reaches its key's counters by
/// index, without hashing the key's id.
class UsageSlot {
    /// The tally's flush the index belongs to (0: none yet).
    final private(set) var flush: UInt64 = 0
    final private(set) var index: Int32 = 0
    /// Where the key's last address was (AddressSightings), as a hint: the tally asks for it
    /// before it reads the key's counts, so that the two reads from memory overlap.
    final private(set) var address: Int32 = -1

    init() {}

    @inline(__always)
    final func set(flush: UInt64, index: Int32) { (self.flush, self.index, address) = (flush, index, -1) }

    @inline(__always)
    final func set(address: Int32) { self.address = address }
}
