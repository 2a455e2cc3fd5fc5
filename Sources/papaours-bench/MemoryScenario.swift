#if canImport(Glibc)
import Glibc
#endif

/// papaoursd's resident memory: idle after start, then with 1,000 idle connections.
struct MemoryScenario {
    static let idleConnections = 1000
    let launcher: Launcher

    struct Sample {
        let label: String
        let rss: Int
        let anonymous: Int
        let file: Int
    }

    /// Expects a daemon that has just become ready.
    func run(daemon: Child) throws -> [Sample] {
        var samples: [Sample] = []
        Clock.sleep(seconds: 0.5)
        guard let idle = daemon.memory() else { throw BenchError("cannot read /proc/\(daemon.pid)/status") }
        samples.append(Sample(label: "idle after start", rss: idle.rss, anonymous: idle.anonymous, file: idle.file))

        raiseFileLimit(to: MemoryScenario.idleConnections + 256)
        var fds: [Int32] = []
        defer { for fd in fds { close(fd) } }
        for i in 0..<MemoryScenario.idleConnections {
            let fd = try BlockingIO.connect(launcher.daemonSocket)
            fds.append(fd)
            let reply = try BlockingIO.request(fd, "HELLO")
            guard reply.hasPrefix("OK ") else { throw BenchError("connection \(i + 1): HELLO answered \(reply)") }
        }
        Clock.sleep(seconds: 0.5)
        guard let busy = daemon.memory() else { throw BenchError("cannot read /proc/\(daemon.pid)/status") }
        samples.append(Sample(label: "\(MemoryScenario.idleConnections) idle connections", rss: busy.rss,
                              anonymous: busy.anonymous, file: busy.file))
        return samples
    }
}
