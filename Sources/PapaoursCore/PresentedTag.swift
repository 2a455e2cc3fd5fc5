import CSodium

/// A keyed 128-bit tag of a presented secret (SipHash-2-4, libsodium's
/// crypto_shorthash_siphashx24), under a key drawn at random for each process: what VERIFY's
/// answer cache is keyed by, so that a repeated key is answered without its SHA-256. Without
/// the process's key nobody can find two secrets with one tag, and the tag gives the secret
/// away no more than its hash does; neither leaves the process.
public struct PresentedTag: Hashable, Sendable {
    private let words: (UInt64, UInt64)

    /// The process's tag key, drawn once from the OS CSPRNG.
    private static let key: [UInt8] = {
        Sodium.ensureReady()
        var key = [UInt8](repeating: 0, count: Int(crypto_shorthash_siphashx24_KEYBYTES))
        key.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, $0.count) }
        return key
    }()

    public init(of secret: UnsafeRawBufferPointer) {
        var words: (UInt64, UInt64) = (0, 0)
        PresentedTag.key.withUnsafeBytes { key in
            withUnsafeMutableBytes(of: &words) { out in
                _ = crypto_shorthash_siphashx24(out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                secret.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(secret.count),
                                                key.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        self.words = words
    }

    public static func == (a: PresentedTag, b: PresentedTag) -> Bool { a.words.0 == b.words.0 && a.words.1 == b.words.1 }

    public func hash(into hasher: inout Hasher) { hasher.combine(words.0) }
}
