import CPapaoursSystem
import PapaoursCore

/// A fixed buffer for bytes that may be secrets (each loop's read buffer): its pages are left out
/// of core dumps and locked in memory, and the caller wipes what it read once it is copied.
final class PrivateBuffer {
    let count: Int
    let base: UnsafeMutableRawPointer

    init(count: Int) throws(ServerError) {
        guard let pages = papa_private_alloc(count) else { throw ServerError("cannot map a \(count)-byte buffer: errno \(papa_errno())") }
        self.count = count
        base = pages
    }

    deinit { papa_private_free(base, count) }

    var bytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: base, count: count) }

    /// Zeroes the first `n` bytes.
    func wipe(_ n: Int) { Wipe.zero(UnsafeMutableRawBufferPointer(start: base, count: min(n, count))) }
}
