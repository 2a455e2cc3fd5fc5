import CLMDB
import PapaoursCore

/// Lookups over any transaction, read-only or not, shared by snapshots and `apply`.
extension Store {
    static func decoded<R>(_ bytes: UnsafeRawBufferPointer, _ what: @autoclosure () -> String,
                           _ decoder: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        do { return try decoder(bytes) } catch { throw StoreError(.corrupt, "\(what()) record is corrupt") }
    }

    func machine<T: Transaction & ~Copyable>(id: MachineID, in txn: borrowing T) throws -> MachineRecord? {
        try machine(idBytes: id.stored, in: txn)
    }

    func machine<T: Transaction & ~Copyable>(idBytes: [UInt8], in txn: borrowing T) throws -> MachineRecord? {
        guard let bytes = try machines.get(idBytes, in: txn) else { return nil }
        return try bytes.withUnsafeBytes { try Store.decoded($0, "machine", RecordCoding.decodeMachine) }
    }

    /// A key's hash: `key-ids` holds its first 16 bytes; the record in `secrets` is the first at
    /// or after them, and must be this key's.
    func hash<T: Transaction & ~Copyable>(of id: KeyID, in txn: borrowing T) throws -> SecretHash? {
        guard let prefix = try keyIDs.get(id.stored, in: txn) else { return nil }
        let cursor = try Cursor(secrets, in: txn)
        var found = try cursor.seek(prefix, MDB_SET_RANGE)
        // Two hashes sharing 16 bytes are not expected (2^-128), but are not a reason to fail.
        while let (hashBytes, value) = found, hashBytes.starts(with: prefix) {
            let isThisKey = try value.withUnsafeBytes { bytes -> Bool in
                var reader = RecordReader(bytes)
                return try KeyView(reading: &reader).id.elementsEqual(id.stored)
            }
            if isThisKey, let hash = SecretHash(stored: hashBytes) { return hash }
            found = try cursor.get(MDB_NEXT)
        }
        throw StoreError(.corrupt, "key \(id) is indexed but its record is missing")
    }

    func key<T: Transaction & ~Copyable>(id: KeyID, in txn: borrowing T) throws -> KeyRecord? {
        guard let hash = try hash(of: id, in: txn) else { return nil }
        guard let record = try key(hash: hash, in: txn) else { throw StoreError(.corrupt, "key \(id) is indexed but missing") }
        return record
    }

    func key<T: Transaction & ~Copyable>(hash: SecretHash, in txn: borrowing T) throws -> KeyRecord? {
        guard let bytes = try secrets.get(hash.bytes, in: txn) else { return nil }
        let partial = try bytes.withUnsafeBytes { try Store.decoded($0, "key", { try RecordCoding.decodeKey($0, hash: hash, usage: .none) }) }
        var record = partial
        let usage = try usage(of: record.id, in: txn)
        record.uses = usage.uses
        record.lastUsed = usage.lastUsed
        record.lastIP = usage.lastIP
        return record
    }

    func usage<T: Transaction & ~Copyable>(of id: KeyID, in txn: borrowing T) throws -> KeyUsage {
        guard let bytes = try keyUsage.get(id.stored, in: txn) else { return .none }
        return try bytes.withUnsafeBytes { try Store.decoded($0, "usage of key \(id)", RecordCoding.decodeUsage) }
    }
}
