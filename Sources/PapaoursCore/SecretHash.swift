import CSodium

/// SHA-256 of a secret: the only trace of it the store keeps. Held as four words, so that
/// hashing and comparing it (VERIFY's cache) allocates nothing.
public struct SecretHash: Sendable, Hashable {
    public static let size = 32
    private let words: (UInt64, UInt64, UInt64, UInt64)

    public init<Bytes: Collection>(of secret: Bytes) where Bytes.Element == UInt8 {
        self = secret.withContiguousStorageIfAvailable { SecretHash(of: UnsafeRawBufferPointer($0)) }
            ?? Array(secret).withUnsafeBytes { SecretHash(of: $0) }
    }

    public init(of secret: UnsafeRawBufferPointer) {
        Sodium.ensureReady()
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { out in
            _ = crypto_hash_sha256(out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                   secret.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(secret.count))
        }
        self.words = words
    }

    public init?(stored bytes: [UInt8]) {
        guard bytes.count == Self.size else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyBytes(from: bytes) }
        self.words = words
    }

    /// The 32 bytes of the digest, as stored and indexed.
    public var bytes: [UInt8] { withUnsafeBytes(of: words) { Array($0) } }

    /// The 32 bytes in place, without an array.
    @inline(__always)
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var copy = words
        return try withUnsafeBytes(of: &copy) { (raw) throws(E) -> R in try body(raw) }
    }

    public static func == (a: SecretHash, b: SecretHash) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
    }

    /// Constant-time comparison, for any place that compares hashes itself.
    public func matches(_ other: SecretHash) -> Bool {
        withUnsafeBytes(of: words) { a in
            withUnsafeBytes(of: other.words) { b in
                sodium_memcmp(a.baseAddress!, b.baseAddress!, Self.size) == 0
            }
        }
    }
}
