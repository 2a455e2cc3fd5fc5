import CLibPQ

/// The rows of one statement, cleared once when it ends. Values are read by row and column;
/// a result asked for in binary holds bytea as its bytes and int8 as eight big-endian bytes.
public struct PGResult: ~Copyable {
    let handle: OpaquePointer
    public let isBinary: Bool

    init(_ handle: OpaquePointer, binary: Bool) {
        self.handle = handle
        isBinary = binary
    }

    deinit { PQclear(handle) }

    public var rows: Int { Int(PQntuples(handle)) }
    public var columns: Int { Int(PQnfields(handle)) }
    /// How many rows an INSERT, UPDATE or DELETE touched.
    public var affected: Int { Int(String(cString: PQcmdTuples(handle))) ?? 0 }

    public func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(handle, Int32(row), Int32(column)) == 1 }

    public func bytes(_ row: Int, _ column: Int) -> [UInt8] {
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        guard length > 0, let value = PQgetvalue(handle, Int32(row), Int32(column)) else { return [] }
        return value.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    public func text(_ row: Int, _ column: Int) -> String { String(decoding: bytes(row, column), as: UTF8.self) }

    /// An integer column (int2, int4, int8) in either format; nil for NULL or what is not one.
    public func int64(_ row: Int, _ column: Int) -> Int64? {
        guard !isNull(row, column) else { return nil }
        let value = bytes(row, column)
        guard isBinary else { return Int64(String(decoding: value, as: UTF8.self)) }
        guard [2, 4, 8].contains(value.count) else { return nil }
        let raw = value.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let shift = UInt64(64 - value.count * 8)
        return Int64(bitPattern: raw << shift) >> Int64(shift)
    }
}
