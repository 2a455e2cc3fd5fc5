import CSodium

/// Randomness from the OS CSPRNG (libsodium's randombytes, getrandom(2) underneath).
public enum SecureRandom {
    /// `count` characters drawn uniformly from `alphabet` (rejection sampling, no modulo bias).
    public static func string(count: Int, alphabet: [UInt8]) -> [UInt8] {
        Sodium.ensureReady()
        precondition(!alphabet.isEmpty && alphabet.count <= 256)
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            out.append(alphabet[Int(randombytes_uniform(UInt32(alphabet.count)))])
        }
        return out
    }
}
