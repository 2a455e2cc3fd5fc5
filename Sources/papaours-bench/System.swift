import CPapaoursSystem
#if canImport(Glibc)
import Glibc
#endif

/// The small system pieces every part of the bench uses: clocks, progress, blocking I/O, threads.
enum Clock {
    /// Monotonic nanoseconds.
    @inline(__always)
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    static func sleep(seconds: Double) {
        var spec = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        while nanosleep(&spec, &remaining) != 0 && errno == EINTR { spec = remaining }
    }
}

/// Progress and diagnostics go to stderr; results go to stdout (print).
func progress(_ line: String) {
    let bytes = Array(("papaours-bench: " + line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Blocking helpers for set-up traffic (loading redis, HELLO on idle connections, single requests).
enum BlockingIO {
    static func connect(_ path: String) throws -> Int32 {
        let fd = papa_unix_connect(path)
        guard fd >= 0 else { throw BenchError("cannot connect to \(path): \(errorText())") }
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw BenchError("write failed: \(errorText())")
            }
            offset += n
        }
    }

    /// Reads until `done(buffer)` says how many bytes make a complete answer.
    static func readUntil(_ fd: Int32, _ buffer: inout [UInt8], _ done: ([UInt8]) -> Bool) throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !done(buffer) {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw BenchError(n == 0 ? "connection closed by the server" : "read failed: \(errorText())") }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    /// One line (LF excluded) in reply to one request line.
    static func request(_ fd: Int32, _ line: String) throws -> String {
        try writeAll(fd, Array((line + "\n").utf8))
        var buffer: [UInt8] = []
        try readUntil(fd, &buffer) { $0.contains(10) }
        let end = buffer.firstIndex(of: 10)!
        return String(decoding: buffer[..<end], as: UTF8.self)
    }
}

/// A POSIX thread running one closure.
final class BenchThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: () -> Void

    init(name: String, _ body: @escaping () -> Void) {
        self.body = { papa_set_thread_name(name); body() }
        let box = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { arg in
            let me = Unmanaged<BenchThread>.fromOpaque(arg!).takeRetainedValue()
            me.body()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
    }

    func join() { pthread_join(thread, nil) }
}

/// Raises the soft limit on open files to the hard limit (1,000 idle connections need it).
func raiseFileLimit(to wanted: Int) {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
    if limit.rlim_cur < rlim_t(wanted) {
        limit.rlim_cur = min(limit.rlim_max, rlim_t(max(wanted, 4096)))
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// A fast, non-cryptographic generator (splitmix64) for picking keys.
struct FastRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform enough in 0..<n for n far below 2^32.
    @inline(__always)
    mutating func below(_ n: Int) -> Int { Int(((next() >> 32) &* UInt64(n)) >> 32) }
}
