import CSodium

/// SHA-256 of a secret: the only trace of it the store keeps.
public struct SecretHash: Sendable, Hashable {
    public static let size = 32
    public let bytes: [UInt8]

    public init<Bytes: Collection>(of secret: Bytes) where Bytes.Element == UInt8 {
        Sodium.ensureReady()
        let input = Array(secret)
        var digest = [UInt8](repeating: 0, count: Self.size)
        _ = digest.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { inp in
                crypto_hash_sha256(out.baseAddress!, inp.baseAddress, UInt64(inp.count))
            }
        }
        self.bytes = digest
    }

    public init?(stored bytes: [UInt8]) {
        guard bytes.count == Self.size else { return nil }
        self.bytes = bytes
    }

    /// Constant-time comparison, for any place that compares hashes itself.
    public func matches(_ other: SecretHash) -> Bool {
        bytes.withUnsafeBufferPointer { a in
            other.bytes.withUnsafeBufferPointer { b in
                sodium_memcmp(a.baseAddress!, b.baseAddress!, Self.size) == 0
            }
        }
    }
}
