import CLMDB

/// Every return code of liblmdb, as a typed error (lmdb.h, "Return Codes").
struct LMDBError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        case keyExists, notFound, pageNotFound, corrupted, panic, versionMismatch, invalid
        case mapFull, dbsFull, readersFull, tlsFull, txnFull, cursorFull, pageFull
        case mapResized, incompatible, badReaderSlot, badTransaction, badValueSize, badDBI
        /// A system error (errno), such as ENOSPC or EACCES.
        case system(Int32)
    }

    let code: Code
    let rawValue: Int32
    /// What was being done, for the message.
    let operation: String

    init(_ rc: Int32, _ operation: String) {
        self.rawValue = rc
        self.operation = operation
        switch rc {
        case MDB_KEYEXIST: code = .keyExists
        case MDB_NOTFOUND: code = .notFound
        case MDB_PAGE_NOTFOUND: code = .pageNotFound
        case MDB_CORRUPTED: code = .corrupted
        case MDB_PANIC: code = .panic
        case MDB_VERSION_MISMATCH: code = .versionMismatch
        case MDB_INVALID: code = .invalid
        case MDB_MAP_FULL: code = .mapFull
        case MDB_DBS_FULL: code = .dbsFull
        case MDB_READERS_FULL: code = .readersFull
        case MDB_TLS_FULL: code = .tlsFull
        case MDB_TXN_FULL: code = .txnFull
        case MDB_CURSOR_FULL: code = .cursorFull
        case MDB_PAGE_FULL: code = .pageFull
        case MDB_MAP_RESIZED: code = .mapResized
        case MDB_INCOMPATIBLE: code = .incompatible
        case MDB_BAD_RSLOT: code = .badReaderSlot
        case MDB_BAD_TXN: code = .badTransaction
        case MDB_BAD_VALSIZE: code = .badValueSize
        case MDB_BAD_DBI: code = .badDBI
        default: code = .system(rc)
        }
    }

    /// The store cannot take this write now, but reads still work (disk full, read-only, I/O error).
    var isUnavailable: Bool {
        if case .system = code { return true }
        return code == .txnFull || code == .mapFull
    }

    var description: String {
        "\(operation): \(String(cString: mdb_strerror(rawValue)))"
    }

    @inline(__always)
    static func check(_ rc: Int32, _ operation: @autoclosure () -> String) throws(LMDBError) {
        if rc != 0 { throw LMDBError(rc, operation()) }
    }
}
