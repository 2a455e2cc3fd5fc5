import Foundation
import PapaoursProtocol
import Testing

/// The HTTP gate of protocol.md against the real daemon: verdicts, framing, limits, endpoints.
@Suite(.serialized)
struct HTTPGateTests {
    /// A daemon with a TCP gate and an http-socket, a machine and a key on it.
    final class Gate {
        let daemon: Daemon
        let port = freePort()
        let httpSocket: String
        let machine: String
        let key: String
        let secret: String

        init(extra: [String] = []) throws {
            let placeholder = try Daemon(start: false)
            httpSocket = placeholder.directory + "/http.sock"
            try placeholder.writeConfig(["http-listen 127.0.0.1:\(port)", "http-socket \(httpSocket)", "usage-flush-interval 1"] + extra)
            try placeholder.start()
            daemon = placeholder
            let c = try daemon.connect()
            #expect(c.call("ROLE CREATE lecteur-contrats rights=contrats:read,contrats:write").isOK)
            #expect(c.call("GROUP CREATE contrats roles=lecteur-contrats").isOK)
            machine = try #require(c.call(#"MACHINE CREATE web organization="Acmé 100%" roles=api,billing groups=contrats"#)["id"])
            let created = c.call("KEY CREATE \(machine) label=prod")
            key = try #require(created["id"])
            secret = try #require(created["secret"])
        }

        /// A connection to the TCP gate, waiting for it to listen (it opens just after the main socket).
        func connect() throws -> HTTPConnection {
            let deadline = Date().addingTimeInterval(5)
            while true {
                if let c = try? HTTPConnection(port: port) { return c }
                if Date() > deadline { throw DaemonError(message: "the gate is not listening on \(port)") }
                usleep(20_000)
            }
        }

        func line(_ request: String) throws -> ReplyLine { try daemon.connect().call(request) }
    }

    @Test func verdictsAsStatusesAndHeaders() throws {
        let gate = try Gate()
        let c = try gate.connect()
        let ok = try #require(c.get("/verify", ["X-API-KEY": gate.secret]))
        #expect(ok.status == 200)
        #expect(ok.value("X-Papaours-Machine") == gate.machine)
        #expect(ok.value("X-Papaours-Machine-Name") == "web")
        #expect(ok.value("X-Papaours-Organization") == "Acm%C3%A9 100%25")
        #expect(ok.value("X-Papaours-Roles") == "api,billing")
        #expect(ok.value("X-Papaours-Groups") == "contrats" && ok.value("X-Papaours-Rights") == "contrats:read,contrats:write")
        #expect(ok.value("X-Papaours-Key") == gate.key && ok.value("X-Papaours-Key-Label") == "prod")
        #expect(try #require(c.get("/verify", ["authorization": "bearer \(gate.secret)"])).status == 200)

        let missing = try #require(c.get("/verify"))
        #expect(missing.status == 401 && missing.reason == "missing-key")
        #expect(missing.value("WWW-Authenticate") == #"ApiKey realm="papaours", header="X-API-KEY""#)
        #expect(missing.body.hasPrefix(#"{"error":"missing-key","message":""#) && missing.body.hasSuffix("\"}\n"))
        #expect(try #require(c.get("/verify", ["X-API-KEY": "papa_short"])).reason == "malformed-key")
        let unknown = try #require(c.get("/verify", ["X-API-KEY": String(repeating: "z", count: 30)]))
        #expect(unknown.status == 401 && unknown.reason == "unknown-key" && unknown.body.contains("no such key"))

        // A right the machine holds passes, one it lacks is 403, a malformed one is a bad request.
        #expect(try #require(c.get("/verify?require=contrats:read", ["X-API-KEY": gate.secret, "X-Papaours-Require": "contrats:write"])).status == 200)
        let forbidden = try #require(c.get("/verify?require=contrats:read,contrats:delete", ["X-API-KEY": gate.secret]))
        #expect(forbidden.status == 403 && forbidden.reason == "missing-right" && forbidden.value("WWW-Authenticate") == nil)
        #expect(try #require(c.get("/verify", ["X-API-KEY": gate.secret, "X-Papaours-Require": "factures:write"])).status == 403)
        let malformed = try #require(c.get("/verify?require=contrats:lire", ["X-API-KEY": gate.secret]))
        #expect(malformed.status == 400 && malformed.reason == "bad-request" && malformed.body.contains("contrats:lire"))
        #expect(c.isClosedByPeer(), "a 400 closes the connection")

        let d = try gate.connect()
        #expect(try gate.line("KEY EDIT \(gate.key) status=inactive").isOK)
        #expect(try #require(d.get("/verify", ["X-API-KEY": gate.secret])).reason == "inactive-key")
        #expect(try gate.line("KEY EDIT \(gate.key) status=active").isOK)
        #expect(try #require(d.get("/verify", ["X-API-KEY": gate.secret])).status == 200)
        #expect(try gate.line("MACHINE EDIT \(gate.machine) status=inactive").isOK)
        #expect(try #require(d.get("/verify", ["X-API-KEY": gate.secret])).reason == "inactive-machine")
        #expect(!gate.daemon.log.contains(gate.secret), "the secret never reaches the log")
    }

    @Test func gateVerificationsAreCountedAsUses() throws {
        let gate = try Gate()
        let c = try gate.connect()
        for _ in 0..<3 { #expect(try #require(c.get("/verify", ["X-API-KEY": gate.secret, "X-Forwarded-For": "203.0.113.7, 10.0.0.1"])).status == 200) }
        _ = c.get("/verify?require=a:read", ["X-API-KEY": gate.secret])
        var shown = try gate.line("KEY SHOW \(gate.key)")
        let deadline = Date().addingTimeInterval(10)
        while shown["uses"] != "3" && Date() < deadline {
            usleep(200_000)
            shown = try gate.line("KEY SHOW \(gate.key)")
        }
        #expect(shown["uses"] == "3", "three accepted; the 403 is not a use")
        #expect(shown["last-ip"] == "203.0.113.7")
        let stats = try gate.line("STATS")
        #expect(stats["verify-ok"] == "3" && stats["verify-denied"] == "1")
    }

    @Test func pipelinedKeepAliveAndBodies() throws {
        let gate = try Gate()
        let c = try gate.connect()
        c.send(HTTPConnection.request("/verify", ["X-API-KEY": gate.secret])
               + "POST /verify HTTP/1.1\r\nX-API-KEY: \(gate.secret)\r\nContent-Length: 11\r\n\r\nhello world"
               + HTTPConnection.request("/nowhere") + HTTPConnection.request("/health"))
        let statuses = (0..<4).compactMap { _ in c.readReply()?.status }
        #expect(statuses == [200, 200, 404, 200])
        // A body that comes later is still skipped before the next request is read.
        c.send("POST /verify HTTP/1.1\r\nContent-Length: 5\r\n\r\nab")
        #expect(c.readReply()?.reason == "missing-key")
        c.send("cde" + HTTPConnection.request("/verify", ["X-API-KEY": gate.secret]))
        #expect(c.readReply()?.status == 200)
        // A chunked body, in two sends, is skipped to its last chunk.
        c.send("POST /verify HTTP/1.1\r\nX-API-KEY: \(gate.secret)\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab")
        #expect(c.readReply()?.status == 200)
        c.send("cd\r\n0\r\n\r\n" + HTTPConnection.request("/nowhere"))
        #expect(c.readReply()?.status == 404)
        // HTTP/1.0 closes unless asked to keep the connection; Connection: close is honoured.
        c.send("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n")
        let closing = try #require(c.readReply())
        #expect(closing.status == 200 && closing.value("connection") == "close")
        #expect(c.isClosedByPeer())
        let old = try gate.connect()
        old.send("GET /health HTTP/1.0\r\n\r\n")
        #expect(old.readReply()?.status == 200)
        #expect(old.isClosedByPeer())
    }

    @Test func aClientThatReadsLateGetsEveryAnswer() throws {
        let gate = try Gate(extra: ["output-limit 65536"])
        let c = try gate.connect()
        // 1,500 pipelined requests (about 50 KiB, read at once) owe megabytes of answers: past output-limit.
        let count = 1500
        c.send(String(repeating: "GET /metrics HTTP/1.1\r\nHost: g\r\n\r\n", count: count))
        // And it says it will send no more: every request it sent is still answered.
        shutdown(c.fd, Int32(SHUT_WR))
        usleep(300_000)
        var answered = 0
        while answered < count, let reply = c.readReply(timeout: 5), reply.status == 200 { answered += 1 }
        #expect(answered == count)
        #expect(c.isClosedByPeer())
    }

    @Test func slowClientsAndLimits() throws {
        let gate = try Gate()
        let slow = try gate.connect()
        for piece in ["GET /ver", "ify HTTP/1.1\r\nX-AP", "I-KEY: \(gate.secret)\r", "\n\r\n"] {
            slow.send(piece)
            usleep(300_000)
        }
        #expect(slow.readReply()?.status == 200)

        let big = try gate.connect()
        big.send("GET /verify HTTP/1.1\r\nX-Filler: " + String(repeating: "a", count: 9 * 1024) + "\r\n\r\n")
        let tooBig = try #require(big.readReply())
        #expect(tooBig.status == 400 && tooBig.body.contains("8192"))
        #expect(big.isClosedByPeer())

        let many = try gate.connect()
        many.send("GET /verify HTTP/1.1\r\nHost: gate\r\n" + (1...100).map { "X-F\($0): v\r\n" }.joined() + "\r\n")
        #expect(many.readReply()?.body.contains("more than 100 header fields") == true)

        let badChunks = try gate.connect()
        badChunks.send("POST /verify HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
        #expect(badChunks.readReply()?.status == 401, "answered before the body is read")
        let chunkError = try #require(badChunks.readReply())
        #expect(chunkError.status == 400 && chunkError.body.contains("chunked body"))
        #expect(badChunks.isClosedByPeer())

        let garbage = try gate.connect()
        garbage.send([0x16, 0x03, 0x01, 0x00, 0xFF, 0x0A] + Array("\r\n".utf8))
        #expect(garbage.readReply()?.status == 400)
        #expect(garbage.isClosedByPeer())

        let vanishing = try gate.connect()
        vanishing.send("GET /verify HTTP/1.1\r\nX-API-")
        _ = vanishing
        // The daemon keeps serving everybody else.
        #expect(try gate.connect().get("/verify", ["X-API-KEY": gate.secret])?.status == 200)
        #expect(try gate.line("PING").isOK)
    }

    @Test func halfRequestsDoNotKeepTheDaemonBusy() throws {
        let gate = try Gate()
        let pid = try #require(gate.daemon.process?.processIdentifier)
        let http = try gate.connect()
        http.send("GET /verify HTTP/1.1\r\nX-API-")
        let line = try gate.daemon.connect()
        line.send("PI")
        usleep(200_000)
        let before = try cpuTicks(pid)
        sleep(1)
        let used = try cpuTicks(pid) - before
        #expect(used < 20, "\(used) ticks of CPU in 1 s with nothing to do but wait for the rest")
        http.send("KEY: \(gate.secret)\r\n\r\n")
        #expect(http.readReply()?.status == 200)
        line.send("NG\n")
        #expect(line.readLine() == "OK")
    }

    /// utime + stime of a process, in clock ticks (/proc/PID/stat).
    func cpuTicks(_ pid: Int32) throws -> Int {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[stat.range(of: ") ")!.upperBound...].split(separator: " ")
        return Int(fields[11])! + Int(fields[12])!
    }

    @Test func aHalfRequestIsDroppedAfterTheLineTimeout() throws {
        let gate = try Gate(extra: ["line-timeout 1"])
        let c = try gate.connect()
        c.send("GET /verify HTTP/1.1\r\n")
        #expect(c.isClosedByPeer(timeout: 5))
    }

    @Test func connectionLimitsAndIdleTimeoutAsForLines() throws {
        let gate = try Gate(extra: ["max-connections 2", "idle-timeout 1"])
        let line = try gate.daemon.connect()
        // The set-up's connections are closed, but the daemon may not have seen it yet.
        let deadline = Date().addingTimeInterval(5)
        while line.call("STATS")["connections"] != "1" && Date() < deadline { usleep(20_000) }
        let first = try HTTPConnection(port: gate.port)
        #expect(first.get("/health")?.status == 200)
        let third = try gate.connect()
        let busy = try #require(third.readReply())
        #expect(busy.status == 503 && busy.reason == "unavailable" && busy.body.contains("too many connections"))
        #expect(third.isClosedByPeer())
        // Idle for longer than idle-timeout: closed, like a line connection.
        #expect(first.isClosedByPeer(timeout: 4))
        #expect(line.isClosedByPeer(timeout: 4))
    }

    @Test func headHasNoBody() throws {
        let gate = try Gate()
        let c = try gate.connect()
        c.send("HEAD /verify HTTP/1.1\r\n\r\n" + HTTPConnection.request("/health"))
        let head = try #require(c.readReply(head: true))
        #expect(head.status == 401 && head.reason == "missing-key" && head.value("content-length") != "0")
        #expect(c.readReply()?.status == 200, "no body came between the two answers")
    }

    @Test func healthAndMetrics() throws {
        let gate = try Gate()
        let c = try gate.connect()
        let health = try #require(c.get("/health"))
        #expect(health.status == 200 && health.body == "{\"status\":\"ok\"}\n")
        _ = c.get("/verify", ["X-API-KEY": gate.secret])
        _ = c.get("/verify", ["X-API-KEY": "papa_bad"])
        let metrics = try #require(c.get("/metrics"))
        #expect(metrics.status == 200 && metrics.value("content-type") == "text/plain; version=0.0.4")
        let lines = metrics.body.split(separator: "\n")
        // Every sample line is NAME{LABELS} VALUE, and every family has HELP and TYPE.
        let sample = /^[a-z_]+(\{[a-z]+="[^"]*"(,[a-z]+="[^"]*")*\})? [0-9.e+-]+$/
        for line in lines where !line.hasPrefix("#") { #expect(line.wholeMatch(of: sample) != nil, "\(line)") }
        for family in ["papaours_verify_total", "papaours_connections", "papaours_writes_total",
                       "papaours_commit_duration_seconds", "papaours_replication_state"] {
            #expect(lines.contains("# TYPE \(family) \(family.hasSuffix("_total") ? "counter" : family.hasSuffix("_seconds") ? "histogram" : "gauge")"))
        }
        #expect(lines.contains(#"papaours_verify_total{result="ok"} 1"#))
        #expect(lines.contains(#"papaours_verify_total{result="malformed-key"} 1"#))
        #expect(lines.contains("papaours_writes_total 4"), "the role, the group, the machine and the key")
        let commits = lines.first { $0.hasPrefix("papaours_commit_duration_seconds_count ") }?.split(separator: " ").last
        #expect(commits.flatMap { Int($0) }.map { $0 >= 2 } == true, "two writes, and usage flushes, were committed")
        #expect(!metrics.body.contains(gate.secret) && !metrics.body.contains(gate.key))
    }

    @Test func aProxyWithoutKeysVerifyOnTheHTTPSocketGets500() throws {
        let gate = try Gate()
        _ = try gate.connect()
        let reply = try runAsUser(uid: PermissionTests.nobody, gid: PermissionTests.nobody, socket: gate.httpSocket,
                                  lines: ["GET /verify HTTP/1.1", "X-API-KEY: \(gate.secret)", "Connection: close", ""])
        let text = reply.joined(separator: "\n")
        #expect(text.hasPrefix("HTTP/1.1 500 Internal Server Error\r\n"))
        #expect(text.contains("\r\nX-Papaours-Reason: gate-forbidden\r\n"))
        #expect(gate.daemon.log.contains("without permission keys.verify"))
        // Root holds every permission: the same request over the socket is answered.
        let root = try HTTPConnection(path: gate.httpSocket)
        #expect(root.get("/verify", ["X-API-KEY": gate.secret])?.status == 200)
    }

    @Test func systemdHandsOverTheGateSocketNamedHTTP() throws {
        let daemon = try Daemon(start: false)
        let main = daemon.directory + "/activated.sock", http = daemon.directory + "/activated-http.sock"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-socket-activate")
        p.arguments = ["-l", main, "-l", http, "--fdname=papaoursd.socket:http",
                       productsDirectory() + "/papaoursd", "--config", daemon.configPath]
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { p.terminate(); p.waitUntilExit() }
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: http) && Date() < deadline { usleep(20_000) }
        let gate = try HTTPConnection(path: http)
        #expect(gate.get("/health")?.status == 200, "HTTP on the socket named http")
        #expect(try LineConnection(path: main).call("PING").isOK, "the line protocol on the other")
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath), "no socket of its own bound")
    }

    @Test func aNonLoopbackListenerIsAConfigurationError() throws {
        let daemon = try Daemon(config: ["http-listen 0.0.0.0:8181"], start: false)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: productsDirectory() + "/papaoursd")
        p.arguments = ["--config", daemon.configPath, "--check-config"]
        let output = Pipe()
        p.standardError = output
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 1)
        #expect(text.contains("\(daemon.configPath):5: http-listen: 0.0.0.0 is not a loopback address"))
    }
}
