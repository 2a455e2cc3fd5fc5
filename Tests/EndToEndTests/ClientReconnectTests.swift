import Foundation
import PapaoursClient
import PapaoursProtocol
import Testing

/// How one PapaoursClient lives through connections the real daemon closes or loses.
@Suite(.serialized)
struct ClientReconnectTests {
    @Test func aRestartedDaemonIsReconnectedToEvenForACreate() throws {
        let daemon = try Daemon()
        let client = daemon.client
        _ = try client.machineCreate("before")
        daemon.stop()
        try daemon.start()
        // The first write fails with EPIPE: nothing was sent, so even a create is safe to send again.
        _ = try client.machineCreate("after")
        #expect(try client.machineList().map(\.name).sorted() == ["after", "before"])
    }

    @Test func anIdleConnectionClosedByTheDaemonIsReopened() throws {
        let daemon = try Daemon(config: ["idle-timeout 1"])
        let client = daemon.client
        try client.ping()
        usleep(2_500_000)
        _ = try client.machineCreate("once")
        #expect(try client.machineList().map(\.name) == ["once"])
        #expect(try client.audit().count == 1, "the create was sent once")
    }

    @Test func quitClosesAndTheNextRequestOpensANewConnection() throws {
        let daemon = try Daemon()
        let client = daemon.client
        #expect(try client.send(Request(verb: .quit)).isOK)
        try client.ping()
        // What follows QUIT in a batch is dropped by the daemon, then sent again on a new connection, once.
        let replies = try client.send(pipelined: [Request(verb: .quit), Request(verb: .machineCreate, arguments: ["after-quit"])])
        #expect(replies.map(\.isOK) == [true, true])
        #expect(try client.machineList().map(\.name) == ["after-quit"])
    }

    /// A request the daemon took but died before reading: sent again to the next daemon only when that is harmless.
    @Test func aRequestCutOffIsRetriedOnlyWhenIdempotent() throws {
        let first = try Daemon(), second = try Daemon()
        let link = first.directory + "/current.sock"
        func point(to daemon: Daemon) {
            unlink(link)
            symlink(daemon.socketPath, link)
        }
        point(to: first)
        let client = PapaoursClient(socketPath: link)
        try client.ping()
        _ = try second.client.machineCreate("on-second")
        point(to: second)
        let listed = try whileDying(first) { try client.machineList() }
        #expect(listed.map(\.name) == ["on-second"], "MACHINE LIST was sent again, to the second daemon")

        try first.start()
        point(to: first)
        let cut = #expect(throws: ClientError.self) { try whileDying(second) { try client.machineCreate("cut-off") } }
        #expect(cut?.code == .connectionLost)
        #expect(try first.client.machineList().isEmpty, "MACHINE CREATE was not sent again")
        try client.ping()
    }

    @Test func aBusyDaemonSaysSoInsteadOfLookingBroken() throws {
        let daemon = try Daemon(config: ["max-connections 1"])
        let holder = try daemon.holdOnlyConnection()
        for _ in 0..<20 {
            let busy = #expect(throws: ClientError.self) { try daemon.client.ping() }
            #expect(busy?.code == .refused && busy?.replyCode == "busy", "\(String(describing: busy))")
        }
        #expect(holder.request("PING") == ["OK"], "the connection in place is still served")
    }

    /// Runs `body` against a stopped daemon, which is killed while `body` waits for its reply.
    private func whileDying<T>(_ daemon: Daemon, _ body: () throws -> T) throws -> T {
        daemon.signal(SIGSTOP)
        // kill() returns before every thread has stopped: wait until the kernel says it has.
        let pid = daemon.process!.processIdentifier
        for _ in 0..<200 {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            if stat.split(separator: ")").last?.split(separator: " ").first == "T" { break }
            usleep(5_000)
        }
        let killed = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
            daemon.kill9()
            killed.signal()
        }
        defer { killed.wait() }
        return try body()
    }
}
