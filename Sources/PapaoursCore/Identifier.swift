/// Alphabet of the random part of ids: `[a-z0-9]`, 16 characters (~82 bits).
private let idAlphabet: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
private let idRandomLength = 16

/// Shared shape of `m_…` and `k_…` ids: a prefix, then 16 of `[a-z0-9]`.
public protocol PrefixedIdentifier: Hashable, Sendable, CustomStringConvertible, Comparable {
    static var prefix: String { get }
    var value: String { get }
    init(unchecked value: String)
}

extension PrefixedIdentifier {
    public static var length: Int { prefix.utf8.count + idRandomLength }

    public static func random() -> Self {
        Self(unchecked: prefix + String(decoding: SecureRandom.string(count: idRandomLength, alphabet: idAlphabet), as: UTF8.self))
    }

    /// Parses an id, or nil when the text does not have the id's exact form.
    public init?(_ text: String) {
        let utf8 = text.utf8
        guard utf8.count == Self.length, text.hasPrefix(Self.prefix) else { return nil }
        for byte in utf8.dropFirst(Self.prefix.utf8.count) {
            guard (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) else { return nil }
        }
        self.init(unchecked: text)
    }

    public var description: String { value }
    public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
}

public struct MachineID: PrefixedIdentifier {
    public static let prefix = "m_"
    public let value: String
    public init(unchecked value: String) { self.value = value }
}

public struct KeyID: PrefixedIdentifier {
    public static let prefix = "k_"
    public let value: String
    public init(unchecked value: String) { self.value = value }
}
