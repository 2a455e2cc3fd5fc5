import PapaoursCore

/// What the store says of a presented secret whose form is right (protocol.md, VERIFY order).
public enum VerifyOutcome: Sendable {
    case valid(KeyRecord, MachineRecord)
    case unknownKey
    case inactiveKey(KeyRecord)
    case expiredKey(KeyRecord)
    case inactiveMachine(KeyRecord)
}

extension Store {
    /// Key by hash, then its status, its expiry, its machine's status, in that order.
    public func verify<T: Transaction & ~Copyable>(_ hash: SecretHash, at now: Timestamp,
                                                   in txn: borrowing T) throws -> VerifyOutcome {
        guard let key = try key(hash: hash, in: txn) else { return .unknownKey }
        guard key.status == .active else { return .inactiveKey(key) }
        guard !key.isExpired(at: now) else { return .expiredKey(key) }
        guard let machine = try machine(id: key.machine, in: txn) else {
            throw StoreError(.corrupt, "key \(key.id) belongs to missing machine \(key.machine)")
        }
        guard machine.status == .active else { return .inactiveMachine(key) }
        return .valid(key, machine)
    }
}
