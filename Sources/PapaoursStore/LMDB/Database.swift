import CLMDB

/// A named database of the environment (an MDB_dbi), with typed get/put/delete.
/// With `sorted duplicates` (MDB_DUPSORT | MDB_DUPFIXED) a key holds a sorted set of
/// fixed-size values: an index of many small entries under one key costs a few bytes each.
struct Database: Sendable {
    let dbi: MDB_dbi
    let name: String

    /// LMDB's limit on a key's size (lmdb.h, MDB_MAXKEYSIZE with the default build).
    static let maxKeySize = 511

    init(name: String, duplicates: Bool = false, in txn: borrowing WriteTransaction) throws(LMDBError) {
        var dbi: MDB_dbi = 0
        let flags = MDB_CREATE | (duplicates ? MDB_DUPSORT | MDB_DUPFIXED : 0)
        try LMDBError.check(mdb_dbi_open(txn.handle, name, UInt32(flags), &dbi), "open database \(name)")
        self.dbi = dbi
        self.name = name
    }

    /// A database that exists already, or nil (an older schema's, which is not created).
    /// With a nil name: LMDB's main database, whose keys are the names of the others.
    init?(existing name: String?, in txn: borrowing WriteTransaction) throws(LMDBError) {
        var dbi: MDB_dbi = 0
        let rc = mdb_dbi_open(txn.handle, name, 0, &dbi)
        if rc == MDB_NOTFOUND { return nil }
        try LMDBError.check(rc, "open database \(name)")
        self.dbi = dbi
        self.name = name ?? "(main)"
    }

    /// Whether LMDB can hold `key` at all: a lookup of any other key finds nothing.
    @inline(__always)
    static func isStorable(_ key: UnsafeRawBufferPointer) -> Bool { key.count > 0 && key.count <= maxKeySize }

    /// The value for `key`, copied out of the map before the transaction can end.
    func get<T: Transaction & ~Copyable>(_ key: [UInt8], in txn: borrowing T) throws -> [UInt8]? {
        try key.withUnsafeBytes { k in try get(k, in: txn) { Array($0) } }
    }

    /// Reads the value for `key` in place; `body` must not let the buffer escape.
    @inline(__always)
    func get<T: Transaction & ~Copyable, R>(_ key: UnsafeRawBufferPointer, in txn: borrowing T,
                                            _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        guard Database.isStorable(key) else { return nil }
        var mk = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var mv = MDB_val()
        let rc = mdb_get(txn.handle, dbi, &mk, &mv)
        if rc == MDB_NOTFOUND { return nil }
        try LMDBError.check(rc, "get from \(name)")
        return try body(UnsafeRawBufferPointer(start: mv.mv_data, count: mv.mv_size))
    }

    /// Stores `value` under `key` (for sorted duplicates: adds it to the key's set).
    /// `append`: the key sorts after every key already there (MDB_APPEND fills pages whole).
    func put(_ key: [UInt8], _ value: [UInt8], append: Bool = false, in txn: borrowing WriteTransaction) throws(LMDBError) {
        var rc: Int32 = 0
        key.withUnsafeBytes { k in
            value.withUnsafeBytes { v in
                var mk = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
                var mv = MDB_val(mv_size: v.count, mv_data: UnsafeMutableRawPointer(mutating: v.baseAddress))
                rc = mdb_put(txn.handle, dbi, &mk, &mv, append ? UInt32(MDB_APPEND) : 0)
            }
        }
        try LMDBError.check(rc, "put into \(name)")
    }

    /// Deletes `key` (with `value`: only that one of its sorted duplicates); false when absent.
    @discardableResult
    func delete(_ key: [UInt8], value: [UInt8]? = nil, in txn: borrowing WriteTransaction) throws(LMDBError) -> Bool {
        var rc: Int32 = 0
        key.withUnsafeBytes { k in
            var mk = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
            if let value {
                value.withUnsafeBytes { v in
                    var mv = MDB_val(mv_size: v.count, mv_data: UnsafeMutableRawPointer(mutating: v.baseAddress))
                    rc = mdb_del(txn.handle, dbi, &mk, &mv)
                }
            } else {
                rc = mdb_del(txn.handle, dbi, &mk, nil)
            }
        }
        if rc == MDB_NOTFOUND { return false }
        try LMDBError.check(rc, "delete from \(name)")
        return true
    }

    /// Entries whose key starts with `prefix` (all when empty), from `start` on, in key order;
    /// `body` returns false to stop. Keys and values are copied out.
    func scan<T: Transaction & ~Copyable>(prefix: [UInt8] = [], from start: [UInt8]? = nil, in txn: borrowing T,
                                          _ body: ([UInt8], [UInt8]) throws -> Bool) throws {
        let cursor = try Cursor(self, in: txn)
        let first = start ?? prefix
        var found = first.isEmpty ? try cursor.get(MDB_FIRST) : try cursor.seek(first, MDB_SET_RANGE)
        while let (key, value) = found {
            guard key.starts(with: prefix) else { return }
            guard try body(key, value) else { return }
            found = try cursor.get(MDB_NEXT)
        }
    }

    /// Entries with keys below `before` (all when nil), newest key first; `body` returns false to stop.
    func scanBackward<T: Transaction & ~Copyable>(before: [UInt8]?, in txn: borrowing T,
                                                  _ body: ([UInt8], [UInt8]) throws -> Bool) throws {
        let cursor = try Cursor(self, in: txn)
        var found: ([UInt8], [UInt8])?
        if let before, try cursor.seek(before, MDB_SET_RANGE) != nil {
            found = try cursor.get(MDB_PREV)
        } else {
            found = try cursor.get(MDB_LAST)
        }
        while let (key, value) = found {
            guard try body(key, value) else { return }
            found = try cursor.get(MDB_PREV)
        }
    }

    /// The sorted duplicates of `key`, from the first ≥ `from` forward (or, with `backward`,
    /// from the last < `before` back); `body` returns false to stop.
    func duplicates<T: Transaction & ~Copyable>(of key: [UInt8], from: [UInt8]? = nil, before: [UInt8]? = nil,
                                                in txn: borrowing T, _ body: ([UInt8]) throws -> Bool) throws {
        guard key.withUnsafeBytes(Database.isStorable) else { return }
        let cursor = try Cursor(self, in: txn)
        var found: ([UInt8], [UInt8])?
        if let before {
            // Back from the first duplicate ≥ before, or from the last when all are smaller.
            if try cursor.seek(key, value: before, MDB_GET_BOTH_RANGE) != nil {
                found = try cursor.get(MDB_PREV_DUP)
            } else if try cursor.seek(key, MDB_SET_KEY) != nil {
                found = try cursor.get(MDB_LAST_DUP)
            }
            while let (_, value) = found {
                guard try body(value) else { return }
                found = try cursor.get(MDB_PREV_DUP)
            }
            return
        }
        if let from {
            found = try cursor.seek(key, value: from, MDB_GET_BOTH_RANGE)
        } else {
            found = try cursor.seek(key, MDB_SET_KEY)
        }
        while let (_, value) = found {
            guard try body(value) else { return }
            found = try cursor.get(MDB_NEXT_DUP)
        }
    }

    /// The last key, or nil when empty.
    func lastKey<T: Transaction & ~Copyable>(in txn: borrowing T) throws(LMDBError) -> [UInt8]? {
        let cursor = try Cursor(self, in: txn)
        return try cursor.get(MDB_LAST)?.0
    }

    /// Number of entries (every duplicate counts).
    func count<T: Transaction & ~Copyable>(in txn: borrowing T) throws(LMDBError) -> Int {
        var stat = MDB_stat()
        try LMDBError.check(mdb_stat(txn.handle, dbi, &stat), "stat \(name)")
        return stat.ms_entries
    }

    /// Deletes the database itself from the environment (mdb_drop with del = 1).
    func drop(in txn: borrowing WriteTransaction) throws(LMDBError) {
        try LMDBError.check(mdb_drop(txn.handle, dbi, 1), "drop \(name)")
    }

    /// Removes every entry.
    func clear(in txn: borrowing WriteTransaction) throws(LMDBError) {
        try LMDBError.check(mdb_drop(txn.handle, dbi, 0), "clear \(name)")
    }
}

/// An MDB_cursor, closed when released; entries come out copied.
final class Cursor {
    private let handle: OpaquePointer
    private let name: String

    init<T: Transaction & ~Copyable>(_ database: Database, in txn: borrowing T) throws(LMDBError) {
        var cursor: OpaquePointer?
        try LMDBError.check(mdb_cursor_open(txn.handle, database.dbi, &cursor), "open cursor on \(database.name)")
        handle = cursor!
        name = database.name
    }

    deinit { mdb_cursor_close(handle) }

    func get(_ op: MDB_cursor_op) throws(LMDBError) -> ([UInt8], [UInt8])? {
        var mk = MDB_val()
        var mv = MDB_val()
        return try finish(mdb_cursor_get(handle, &mk, &mv, op), mk, mv)
    }

    func seek(_ key: [UInt8], value: [UInt8]? = nil, _ op: MDB_cursor_op) throws(LMDBError) -> ([UInt8], [UInt8])? {
        var mk = MDB_val()
        var mv = MDB_val()
        let rc: Int32 = key.withUnsafeBytes { k in
            mk = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
            guard let value else { return mdb_cursor_get(handle, &mk, &mv, op) }
            return value.withUnsafeBytes { v in
                mv = MDB_val(mv_size: v.count, mv_data: UnsafeMutableRawPointer(mutating: v.baseAddress))
                return mdb_cursor_get(handle, &mk, &mv, op)
            }
        }
        return try finish(rc, mk, mv)
    }

    private func finish(_ rc: Int32, _ mk: MDB_val, _ mv: MDB_val) throws(LMDBError) -> ([UInt8], [UInt8])? {
        if rc == MDB_NOTFOUND { return nil }
        try LMDBError.check(rc, "read \(name)")
        return (Array(UnsafeRawBufferPointer(start: mk.mv_data, count: mk.mv_size)),
                Array(UnsafeRawBufferPointer(start: mv.mv_data, count: mv.mv_size)))
    }
}
