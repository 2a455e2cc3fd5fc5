import CSodium

/// Randomness from the OS CSPRNG (libsodium's randombytes, getrandom(2) underneath).
public enum SecureRandom {
    /// `count` characters drawn uniformly from `alphabet` (rejection sampling, no modulo bias).
    public static func string(count: Int, alphabet: [UInt8]) -> [UInt8] {
        Sodium.ensureReady()
        precondition(!alphabet.isEmpty && alphabet.count <= 256)
        // One getrandom for a batch of bytes; a byte past the largest multiple of the alphabet's
        // size is dropped, so that every character stays equally likely.
        let limit = 256 - 256 % alphabet.count
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var pool = [UInt8](repeating: 0, count: count * 2)
        while out.count < count {
            pool.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, $0.count) }
            for byte in pool where Int(byte) < limit && out.count < count {
                out.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return out
    }
}
