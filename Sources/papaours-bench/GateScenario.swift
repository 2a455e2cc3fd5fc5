#if canImport(Glibc)
import Glibc
#endif

/// The HTTP gate alone against the line protocol's VERIFY, same cell, same run; then nginx
/// with a location behind the gate (auth_request) against one without.
struct GateScenario {
    enum Target: String, CaseIterable {
        case lineVerify = "line VERIFY"
        case gate = "gate /verify"
        case nginxOpen = "nginx unprotected"
        case nginxProtected = "nginx protected"
    }

    static let cell = Options.Cell(clients: 8, depth: 1)

    let options: Options
    let launcher: Launcher
    let keys: KeySet

    /// results[run][target]
    func run(daemon: Child, output: Output) throws -> [[Target: BatchResult]] {
        var targets: [Target] = [.lineVerify, .gate]
        var nginx: Child?
        if Launcher.nginxAvailable {
            nginx = try launcher.startNginx()
            targets += [.nginxOpen, .nginxProtected]
        } else {
            output.note("nginx is not on PATH: the nginx comparison is skipped (make gate-deps installs it).")
        }
        defer { nginx?.stop() }
        var runs: [[Target: BatchResult]] = []
        for r in 0..<options.runs {
            var results: [Target: BatchResult] = [:]
            for target in targets {
                guard daemon.isRunning else { throw BenchError("papaoursd died:\n\(daemon.logTail())") }
                results[target] = try batch(target)
                output.batch("gate run \(r + 1)/\(options.runs) \(GateScenario.cell)", target.rawValue, results[target]!)
            }
            runs.append(results)
        }
        return runs
    }

    func batch(_ target: Target) throws -> BatchResult {
        let c = GateScenario.cell
        switch target {
        case .lineVerify:
            return try LoadGenerator.run(path: launcher.daemonSocket, workload: VerifyWorkload(keys: keys, floor: false, requiring: false),
                                         clients: c.clients, depth: c.depth, seconds: options.seconds)
        case .gate:
            return try LoadGenerator.run(path: launcher.gateSocket, workload: GateWorkload(keys: keys, mode: .gate),
                                         clients: c.clients, depth: c.depth, seconds: options.seconds)
        case .nginxOpen:
            return try LoadGenerator.run(path: launcher.nginxSocket, workload: GateWorkload(keys: keys, mode: .open),
                                         clients: c.clients, depth: c.depth, seconds: options.seconds)
        case .nginxProtected:
            return try LoadGenerator.run(path: launcher.nginxSocket, workload: GateWorkload(keys: keys, mode: .protected),
                                         clients: c.clients, depth: c.depth, seconds: options.seconds)
        }
    }
}

extension Launcher {
    var gateSocket: String { directory + "/http.sock" }
    var nginxSocket: String { directory + "/nginx.sock" }

    static var nginxAvailable: Bool {
        let places: [String] = ["/usr/sbin/nginx", "/usr/local/sbin/nginx"]
        return places.contains { access($0, X_OK) == 0 }
    }

    /// nginx on a Unix socket: /open proxies to a trivial service, /protected does the same
    /// after an auth_request to papaoursd's gate (as etc/nginx-papaours.conf does), both with
    /// keep-alive upstream connections; one worker.
    func startNginx() throws -> Child {
        let dir = directory + "/nginx"
        mkdir(dir, 0o755)
        let keepAlive = "proxy_http_version 1.1; proxy_set_header Connection \"\";"
        let config = """
        daemon off;
        worker_processes 1;
        \(getuid() == 0 ? "user root;" : "")
        pid \(dir)/nginx.pid;
        error_log \(dir)/error.log warn;
        events { worker_connections 1024; }
        http {
            access_log off;
            client_body_temp_path \(dir)/body;
            proxy_temp_path \(dir)/proxy;
            fastcgi_temp_path \(dir)/fastcgi;
            uwsgi_temp_path \(dir)/uwsgi;
            scgi_temp_path \(dir)/scgi;
            upstream papaours_gate { server unix:\(gateSocket); keepalive 16; }
            upstream service { server unix:\(dir)/service.sock; keepalive 16; }
            keepalive_requests 100000000;
            keepalive_timeout 600s;
            server {
                listen unix:\(nginxSocket);
                location = /_papaours_verify {
                    internal;
                    proxy_pass http://papaours_gate/verify;
                    \(keepAlive)
                    proxy_pass_request_body off;
                    proxy_set_header Content-Length "";
                }
                location /protected { auth_request /_papaours_verify; proxy_pass http://service; \(keepAlive) }
                location /open { proxy_pass http://service; \(keepAlive) }
            }
            server {
                listen unix:\(dir)/service.sock;
                location / { return 200 "ok\\n"; }
            }
        }

        """
        try Launcher.writeFile(dir + "/nginx.conf", config)
        let child = try Child(name: "nginx", executable: "nginx", arguments: ["-p", dir, "-c", dir + "/nginx.conf", "-e", dir + "/error.log"],
                              logPath: dir + "/stdout.log", searchPath: true)
        try waitForSocket(nginxSocket, child: child, probe: "GET /open HTTP/1.1\r\nHost: bench\r\n\r\n", expect: "HTTP/1.1 200")
        return child
    }
}
