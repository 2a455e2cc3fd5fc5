import CPapaoursSystem
#if canImport(Glibc)
import Glibc
#endif

/// A plain POSIX thread running one closure; the loops and the writer each own one.
final class OSThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: @Sendable () -> Void
    private let name: String

    /// A detached thread is never joined; its resources go back when it ends.
    @discardableResult
    init(name: String, detached: Bool = false, _ body: @escaping @Sendable () -> Void) {
        self.body = body
        self.name = name
        let box = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { arg in
            let me = Unmanaged<OSThread>.fromOpaque(arg!).takeRetainedValue()
            papa_set_thread_name(me.name)
            me.body()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        if detached { pthread_detach(thread) }
    }

    func join() { pthread_join(thread, nil) }
}

/// Monotonic milliseconds, for timeouts.
func monotonicMilliseconds() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
}

/// Monotonic nanoseconds, for latencies.
func monotonicNanoseconds() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
}
