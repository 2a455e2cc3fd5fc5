import CPapaoursSystem
#if canImport(Glibc)
import Glibc
#endif

/// The floor: a line server that answers `OK\n` to every line and does nothing else, with
/// papaoursd's shape (one epoll loop per thread, EPOLLEXCLUSIVE on the listener). What the
/// socket, the kernel and the generator cost, without any work.
enum FloorServer {
    static func serve(path: String, threads: Int) -> Never {
        watchParent()
        papa_ignore_sigpipe()
        unlink(path)
        let listenFD = papa_unix_listen(path, 1024)
        guard listenFD >= 0 else {
            progress("floor: cannot listen on \(path): \(errorText())")
            exit(1)
        }
        let count = threads > 0 ? threads : Launcher.cpuCount
        let loops = (0..<count).map { i in BenchThread(name: "floor\(i)") { loop(listenFD: listenFD) } }
        for loop in loops { loop.join() }
        exit(0)
    }

    /// Exits when the bench that started it is gone (it is then reparented).
    static func watchParent() {
        let parent = getppid()
        _ = BenchThread(name: "floor-parent") {
            while getppid() == parent { Clock.sleep(seconds: 0.2) }
            _exit(0)
        }
    }

    /// `OK\n` repeated: replies are written straight from it.
    static let replies: [UInt8] = Array(repeating: Array("OK\n".utf8), count: 8192).flatMap { $0 }

    final class Client {
        let fd: Int32
        /// Bytes of `OK\n…` owed to the client and not yet written.
        var owed = 0
        var watchingOutput = false
        init(fd: Int32) { self.fd = fd }
    }

    static func loop(listenFD: Int32) {
        let epfd = papa_epoll_create()
        _ = papa_epoll_ctl(epfd, 1, listenFD, PAPA_EPOLLIN | PAPA_EPOLLEXCLUSIVE, UInt64.max)
        var clients: [Int32: Client] = [:]
        var events = [papa_event](repeating: papa_event(), count: 256)
        var buffer = [UInt8](repeating: 0, count: 65536)

        func drop(_ client: Client) {
            close(client.fd)
            clients[client.fd] = nil
        }

        func answer(_ client: Client) {
            while client.owed > 0 {
                // What is owed is the tail of a run of `OK\n`: it starts this far into one.
                let offset = (3 - client.owed % 3) % 3
                let chunk = min(client.owed, replies.count - offset)
                let n = replies.withUnsafeBytes { write(client.fd, $0.baseAddress! + offset, chunk) }
                if n > 0 { client.owed -= n; continue }
                if n < 0 && errno == EINTR { continue }
                if n < 0 && errno == EAGAIN { break }
                drop(client)
                return
            }
            let want = client.owed > 0
            if want != client.watchingOutput {
                client.watchingOutput = want
                _ = papa_epoll_ctl(epfd, 3, client.fd, want ? (PAPA_EPOLLIN | PAPA_EPOLLOUT) : PAPA_EPOLLIN, UInt64(client.fd))
            }
        }

        while true {
            let n = papa_epoll_wait(epfd, &events, Int32(events.count), -1)
            if n < 0 { if papa_errno() == EINTR { continue }; return }
            for e in 0..<Int(n) {
                let event = events[e]
                if event.data == UInt64.max {
                    while true {
                        let fd = papa_accept(listenFD)
                        if fd < 0 { break }
                        clients[fd] = Client(fd: fd)
                        _ = papa_epoll_ctl(epfd, 1, fd, PAPA_EPOLLIN, UInt64(fd))
                    }
                    continue
                }
                guard let client = clients[Int32(truncatingIfNeeded: event.data)] else { continue }
                if event.events & PAPA_EPOLLOUT != 0 { answer(client) }
                guard clients[client.fd] != nil else { continue }
                if event.events & (PAPA_EPOLLIN | PAPA_EPOLLERR | PAPA_EPOLLHUP) != 0 {
                    let got = buffer.withUnsafeMutableBytes { read(client.fd, $0.baseAddress, $0.count) }
                    if got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR) { drop(client); continue }
                    if got > 0 {
                        var lines = 0
                        buffer.withUnsafeBufferPointer { b in
                            for i in 0..<got where b[i] == 10 { lines += 1 }
                        }
                        client.owed += lines * 3
                        answer(client)
                    }
                }
            }
        }
    }
}
