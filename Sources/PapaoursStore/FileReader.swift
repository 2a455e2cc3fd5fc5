#if canImport(Glibc)
import Glibc
#endif

/// pread at offsets of a data file LMDB must not be trusted to read; nil or false past the end.
struct FileReader {
    let fd: Int32

    func read(into buffer: inout [UInt8], at offset: Int) -> Bool {
        buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) } == buffer.count
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Bool {
        pread(fd, buffer.baseAddress, buffer.count, off_t(offset)) == buffer.count
    }

    func value<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T? {
        var value: T = 0
        let n = withUnsafeMutableBytes(of: &value) { pread(fd, $0.baseAddress, MemoryLayout<T>.size, off_t(offset)) }
        return n == MemoryLayout<T>.size ? T(littleEndian: value) : nil
    }

    func u32(_ offset: Int) -> UInt32? { value(offset, UInt32.self) }
    func u64(_ offset: Int) -> UInt64? { value(offset, UInt64.self) }
}
