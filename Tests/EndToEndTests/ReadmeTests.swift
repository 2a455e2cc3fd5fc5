import Foundation
import Testing

/// README.md's blocks marked `<!-- tested … -->`, run as written, in a directory laid out as a
/// checkout after `make run`: papaoursd started on `run/papaoursd.conf` as the Makefile writes it,
/// `.build/debug` and `clients/python` beside it. The shell blocks run in one bash, in order;
/// the Python block with the key the walk-through made.
@Suite struct ReadmeTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// (language, code) of every block that follows a `<!-- tested` line, in order.
    static func testedBlocks(of markdown: String) -> [(String, String)] {
        var blocks: [(String, String)] = []
        var lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = lines.popFirst() {
            guard line.hasPrefix("<!-- tested"), let fence = lines.popFirst(), fence.hasPrefix("```") else { continue }
            var code: [Substring] = []
            while let next = lines.popFirst(), !next.hasPrefix("```") { code.append(next) }
            blocks.append((String(fence.dropFirst(3)), code.joined(separator: "\n") + "\n"))
        }
        return blocks
    }

    @Test func theWalkThroughRunsAsPasted() throws {
        let readme = try String(contentsOfFile: Self.repository + "/README.md", encoding: .utf8)
        let blocks = Self.testedBlocks(of: readme)
        #expect(blocks.map(\.0) == ["sh", "sh", "sh", "sh", "sh", "python"],
                "the setup, the walk-through, a grant, rights, VERIFY by hand, Python")
        let shell = blocks.filter { $0.0 == "sh" }.map(\.1).joined()
        #expect(shell.range(of: "<[A-Za-z_-]+>", options: .regularExpression) == nil, "no <placeholder>, which bash takes for a redirection")

        let scratch = try Daemon(start: false)  // only its temporary directory, removed at the end
        let checkout = scratch.directory + "/checkout", run = checkout + "/run"
        let files = FileManager.default
        try files.createDirectory(atPath: run, withIntermediateDirectories: true)
        try files.createDirectory(atPath: checkout + "/.build", withIntermediateDirectories: true)
        try files.createSymbolicLink(atPath: checkout + "/.build/debug", withDestinationPath: productsDirectory())
        try files.createSymbolicLink(atPath: checkout + "/clients", withDestinationPath: Self.repository + "/clients")
        // What `make run` writes and starts.
        try """
            socket "\(run)/papaoursd.sock"
            socket-mode 0666
            database "\(run)/db"
            grant user root all

            """.write(toFile: run + "/papaoursd.conf", atomically: true, encoding: .utf8)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: checkout + "/.build/debug/papaoursd")
        daemon.arguments = ["--config", run + "/papaoursd.conf"]
        _ = files.createFile(atPath: run + "/log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: run + "/log"))
        daemon.standardOutput = log
        daemon.standardError = log
        try daemon.run()
        defer {
            daemon.terminate()
            daemon.waitUntilExit()
        }
        for _ in 0..<300 where !files.fileExists(atPath: run + "/papaoursd.sock") { usleep(20_000) }

        let base = ["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": scratch.directory]
        let walk = try runProgram("/bin/bash", ["-euo", "pipefail", "-c", shell], environment: base, stdin: nil, directory: checkout)
        #expect(walk.status == 0, "\(walk)")
        #expect(walk.stdout.contains("refused, exit 1\n"), "the disabled key is refused: \(walk)")
        #expect(walk.stderr.contains("papaoursctl: this API key is disabled\n"))
        #expect(walk.stdout.contains("Libellé") && walk.stdout.contains("Statut"), "the key list in French")
        #expect(walk.stdout.contains("\nLast address  "), "key show has the last address")
        // The guide's example: where each right comes from, in French and in English; 403's answer.
        #expect(walk.stdout.contains("Droits d'accès") && walk.stdout.contains("rôle lecteur-contrats, par le groupe facturation"))
        #expect(walk.stdout.contains("role facturier, through group facturation") && walk.stdout.contains("écriture"))
        #expect(walk.stdout.contains("not allowed, exit 1\n"), "formations:read is refused: \(walk)")
        #expect(walk.stderr.contains("papaoursctl: this key's machine lacks a right that was required\n"), "\(walk.stderr)")
        #expect(walk.stdout.contains("\nOK machine=m_") && walk.stdout.contains(#"label="Clé production" organization=Acme roles=api"#),
                "VERIFY by hand")
        var reloaded = false
        for _ in 0..<100 where !reloaded {
            reloaded = (try? String(contentsOfFile: run + "/log", encoding: .utf8))?.contains("configuration reloaded") == true
            if !reloaded { usleep(50_000) }
        }
        #expect(reloaded, "kill -HUP reached make run's daemon")

        let key = try String(contentsOfFile: checkout + "/web.key", encoding: .utf8).split(separator: "\n")[0]
        let python = try #require(blocks.first { $0.0 == "python" }).1
        let environment = base.merging(["KEY": String(key), "PAPAOURS_SOCKET": run + "/papaoursd.sock",
                                        "PYTHONPATH": checkout + "/clients/python", "PYTHONDONTWRITEBYTECODE": "1"]) { $1 }
        let snippet = try runProgram("/usr/bin/python3", ["-"], environment: environment, stdin: python, directory: checkout)
        #expect(snippet.status == 0 && snippet.stdout == "machine web roles ('api',)\n", "\(snippet)")
    }
}
