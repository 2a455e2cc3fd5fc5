/// An API key's value. It exists only in memory, between its creation or
/// arrival and its hashing; its description never shows it.
public struct Secret: Sendable, CustomStringConvertible {
    public static let prefix: [UInt8] = Array("papa_".utf8)
    public static let randomLength = 32
    public static let checksumLength = 6
    public static let length = 5 + randomLength + checksumLength  // 43
    /// Bounds of a secret issued elsewhere and imported (protocol.md, VERIFY).
    public static let foreignLength = 20...256

    public let bytes: [UInt8]

    /// How a secret was judged before any lookup.
    public enum Form: Sendable, Equatable {
        case papaours
        case foreign
    }

    /// Why a presented value is not a secret at all.
    public enum Malformation: Error, Sendable, Equatable, CustomStringConvertible {
        case wrongLength, wrongAlphabet, wrongChecksum

        public var description: String {
            switch self {
            case .wrongLength: "wrong length"
            case .wrongAlphabet: "character outside the key alphabet"
            case .wrongChecksum: "checksum does not match"
            }
        }
    }

    /// A fresh secret from the OS CSPRNG: `papa_` + 32 base62 + 6 base62 of CRC-32.
    public static func generate() -> Secret {
        var body = prefix + SecureRandom.string(count: randomLength, alphabet: Base62.alphabet)
        body += Base62.encode(CRC32.checksum(body), width: checksumLength)
        return Secret(trusted: body)
    }

    private init(trusted bytes: [UInt8]) { self.bytes = bytes }

    /// Checks the form of a presented value without touching the store.
    public static func classify<Bytes: Collection>(_ value: Bytes) -> Result<Form, Malformation> where Bytes.Element == UInt8 {
        value.withContiguousStorageIfAvailable { classify(UnsafeRawBufferPointer($0)) }
            ?? Array(value).withUnsafeBytes { classify($0) }
    }

    /// The same on raw bytes: no generics on VERIFY's path.
    public static func classify(_ value: UnsafeRawBufferPointer) -> Result<Form, Malformation> {
        if value.starts(with: prefix) {
            guard value.count == length else { return .failure(.wrongLength) }
            for i in prefix.count..<length where !Base62.isDigit(value[i]) { return .failure(.wrongAlphabet) }
            var checksum = CRC32.checksum(UnsafeRawBufferPointer(rebasing: value[0..<(length - checksumLength)]))
            // Compare the base-62 digits from the last one, without building them.
            for i in stride(from: length - 1, through: length - checksumLength, by: -1) {
                guard value[i] == Base62.alphabet[Int(checksum % 62)] else { return .failure(.wrongChecksum) }
                checksum /= 62
            }
            return checksum == 0 ? .success(.papaours) : .failure(.wrongChecksum)
        }
        guard foreignLength.contains(value.count) else { return .failure(.wrongLength) }
        for byte in value where byte < 0x21 || byte > 0x7E { return .failure(.wrongAlphabet) }
        return .success(.foreign)
    }

    /// A presented value, once its form is known to be right.
    public init<Bytes: Collection>(validating value: Bytes) throws(Malformation) where Bytes.Element == UInt8 {
        switch Secret.classify(value) {
        case .success: self.bytes = Array(value)
        case .failure(let error): throw error
        }
    }

    public var form: Form { bytes.starts(with: Secret.prefix) ? .papaours : .foreign }

    public var hash: SecretHash { SecretHash(of: bytes) }

    /// The value itself, for the one reply that hands it out.
    public var revealed: String { String(decoding: bytes, as: UTF8.self) }

    public var description: String { "<secret>" }
}
