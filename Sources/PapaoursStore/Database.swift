import CLMDB

/// A named database of the environment (an MDB_dbi), with typed get/put/delete.
public struct Database: Sendable {
    public let dbi: MDB_dbi
    public let name: String

    init(name: String, flags: Int32, in txn: borrowing WriteTransaction) throws(LMDBError) {
        var dbi: MDB_dbi = 0
        try LMDBError.check(mdb_dbi_open(txn.handle, name, UInt32(flags | MDB_CREATE), &dbi), "open database \(name)")
        self.dbi = dbi
        self.name = name
    }

    /// The value for `key`, copied out of the map before the transaction can end.
    public func get<T: Transaction & ~Copyable>(_ key: [UInt8], in txn: borrowing T) throws(LMDBError) -> [UInt8]? {
        try get(key, in: txn) { Array($0) }
    }

    /// Reads the value for `key` in place; `body` must not let the buffer escape.
    public func get<T: Transaction & ~Copyable, R>(_ key: [UInt8], in txn: borrowing T,
                                                   _ body: (UnsafeRawBufferPointer) -> R) throws(LMDBError) -> R? {
        var result: R?
        var rc: Int32 = 0
        key.withUnsafeBytes { k in
            var mk = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
            var mv = MDB_val()
            rc = mdb_get(txn.handle, dbi, &mk, &mv)
            if rc == 0 { result = body(UnsafeRawBufferPointer(start: mv.mv_data, count: mv.mv_size)) }
        }
        if rc == MDB_NOTFOUND { return nil }
        try LMDBError.check(rc, "get from \(name)")
        return result
    }

    /// Stores `value` under `key`; with `noOverwrite`, an existing key throws `.keyExists`.
    public func put(_ key: [UInt8], _ value: [UInt8], noOverwrite: Bool = false, in txn: borrowing WriteTransaction) throws(LMDBError) {
        var rc: Int32 = 0
        key.withUnsafeBytes { k in
            value.withUnsafeBytes { v in
                var mk = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
                var mv = MDB_val(mv_size: v.count, mv_data: UnsafeMutableRawPointer(mutating: v.baseAddress))
                rc = mdb_put(txn.handle, dbi, &mk, &mv, noOverwrite ? UInt32(MDB_NOOVERWRITE) : 0)
            }
        }
        try LMDBError.check(rc, "put into \(name)")
    }

    /// Deletes `key`; returns false when it was not there.
    @discardableResult
    public func delete(_ key: [UInt8], in txn: borrowing WriteTransaction) throws(LMDBError) -> Bool {
        var rc: Int32 = 0
        key.withUnsafeBytes { k in
            var mk = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
            rc = mdb_del(txn.handle, dbi, &mk, nil)
        }
        if rc == MDB_NOTFOUND { return false }
        try LMDBError.check(rc, "delete from \(name)")
        return true
    }

    /// Entries whose key starts with `prefix` (all when empty), from `start` on, in key order;
    /// `body` returns false to stop. Keys and values are copied out.
    public func scan<T: Transaction & ~Copyable>(prefix: [UInt8] = [], from start: [UInt8]? = nil, in txn: borrowing T,
                                                 _ body: ([UInt8], [UInt8]) -> Bool) throws(LMDBError) {
        var cursor: OpaquePointer?
        try LMDBError.check(mdb_cursor_open(txn.handle, dbi, &cursor), "open cursor on \(name)")
        defer { mdb_cursor_close(cursor) }
        let first = start ?? prefix
        var mk = MDB_val()
        var mv = MDB_val()
        var rc: Int32 = first.withUnsafeBytes { k in
            mk = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
            return first.isEmpty ? mdb_cursor_get(cursor, &mk, &mv, MDB_FIRST) : mdb_cursor_get(cursor, &mk, &mv, MDB_SET_RANGE)
        }
        while rc == 0 {
            let key = Array(UnsafeRawBufferPointer(start: mk.mv_data, count: mk.mv_size))
            guard key.starts(with: prefix) else { return }
            let value = Array(UnsafeRawBufferPointer(start: mv.mv_data, count: mv.mv_size))
            guard body(key, value) else { return }
            rc = mdb_cursor_get(cursor, &mk, &mv, MDB_NEXT)
        }
        if rc != MDB_NOTFOUND { try LMDBError.check(rc, "scan \(name)") }
    }

    /// The last key, or nil when empty.
    public func lastKey<T: Transaction & ~Copyable>(in txn: borrowing T) throws(LMDBError) -> [UInt8]? {
        var cursor: OpaquePointer?
        try LMDBError.check(mdb_cursor_open(txn.handle, dbi, &cursor), "open cursor on \(name)")
        defer { mdb_cursor_close(cursor) }
        var mk = MDB_val()
        var mv = MDB_val()
        let rc = mdb_cursor_get(cursor, &mk, &mv, MDB_LAST)
        if rc == MDB_NOTFOUND { return nil }
        try LMDBError.check(rc, "last of \(name)")
        return Array(UnsafeRawBufferPointer(start: mk.mv_data, count: mk.mv_size))
    }

    /// Number of entries.
    public func count<T: Transaction & ~Copyable>(in txn: borrowing T) throws(LMDBError) -> Int {
        var stat = MDB_stat()
        try LMDBError.check(mdb_stat(txn.handle, dbi, &stat), "stat \(name)")
        return stat.ms_entries
    }

    /// Removes every entry.
    public func clear(in txn: borrowing WriteTransaction) throws(LMDBError) {
        try LMDBError.check(mdb_drop(txn.handle, dbi, 0), "clear \(name)")
    }
}
