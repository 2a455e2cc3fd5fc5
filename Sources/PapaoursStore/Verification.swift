import PapaoursCore

/// What the store says of a presented secret whose form is right (protocol.md, VERIFY order).
public enum VerifyOutcome: Sendable, Equatable {
    case valid
    case unknownKey
    case inactiveKey
    case expiredKey(Timestamp)
    case inactiveMachine
}

/// A 16-character id as stored (its random part), held in two words: a dictionary key that
/// hashes and compares without allocating.
public struct StoredID: Hashable, Sendable {
    private let words: (UInt64, UInt64)

    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 16 else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
        self.words = words
    }

    public init?<ID: PrefixedIdentifier>(_ id: ID) {
        guard let made = id.stored.withUnsafeBytes({ StoredID($0) }) else { return nil }
        self = made
    }

    public static func == (a: StoredID, b: StoredID) -> Bool { a.words.0 == b.words.0 && a.words.1 == b.words.1 }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
    }

    /// The id's 16 characters.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = words
        return try withUnsafeBytes(of: &copy, body)
    }

    public func id<ID: PrefixedIdentifier>(as _: ID.Type = ID.self) -> ID { withBytes { ID(stored: $0) } }
}

/// One reader's view of machines for VERIFY, valid for one snapshot: whatever its owner makes
/// of a machine record (the server keeps the reply's machine part ready), by stored id.
public final class MachineCache<Entry> {
    public static var capacity: Int { 100_000 }
    private var generation = UInt64.max
    private var entries: [StoredID: Entry] = [:]

    public init() {}

    /// The entry for `id`, kept since this snapshot began; entries of older snapshots are dropped.
    func entry(_ id: StoredID, generation: UInt64) -> Entry? {
        if generation != self.generation {
            entries.removeAll(keepingCapacity: true)
            self.generation = generation
            return nil
        }
        return entries[id]
    }

    func remember(_ id: StoredID, _ entry: Entry) {
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[id] = entry
    }
}

extension Snapshot {
    /// Key by hash (one lookup, read in place), then its status, its expiry, its machine's status,
    /// in that order. `body` gets the outcome, the key (valid until it returns) and, once the key's
    /// own checks pass, its machine's entry from `machines` (made by `describe` on a miss).
    public func verify<Entry, R>(_ hash: SecretHash, at now: Timestamp, machines: MachineCache<Entry>,
                                 describe: (MachineRecord) -> Entry, isActive: (Entry) -> Bool,
                                 _ body: (VerifyOutcome, KeyView?, Entry?) throws -> R) throws -> R {
        let answer: R? = try hash.withBytes { k in
            try store.secrets.get(k, in: self) { bytes -> R in
                var reader = RecordReader(bytes)
                guard let view = try? KeyView(reading: &reader), let machineID = StoredID(view.machine) else {
                    throw StoreError(.corrupt, "a key record is corrupt")
                }
                guard view.status == .active else { return try body(.inactiveKey, view, nil) }
                if let expires = view.expires, expires <= now { return try body(.expiredKey(expires), view, nil) }
                let entry: Entry
                if let cached = machines.entry(machineID, generation: generation) {
                    entry = cached
                } else {
                    guard let record = try machineID.withBytes({ try store.machine(idBytes: Array($0), in: self) }) else {
                        throw StoreError(.corrupt, "a key belongs to a missing machine")
                    }
                    entry = describe(record)
                    machines.remember(machineID, entry)
                }
                return try body(isActive(entry) ? .valid : .inactiveMachine, view, entry)
            }
        }
        if let answer { return answer }
        return try body(.unknownKey, nil, nil)
    }
}
