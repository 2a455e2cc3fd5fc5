import Foundation
import Testing

/// clients/python/papaours.py, by its own unittest suite against the built papaoursd.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3 (make deps installs it)"))
struct PythonClientTests {
    /// The repository's clients/python, from this file's place in Tests/EndToEndTests.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("clients/python").path

    @Test func thePythonModulePassesItsTestsAgainstTheRealDaemon() throws {
        let run = try runProgram("/usr/bin/python3", ["-m", "unittest", "-v", "test_papaours"],
                                 environment: ["PAPAOURSD": productsDirectory() + "/papaoursd", "PYTHONDONTWRITEBYTECODE": "1",
                                               "PYTHONPATH": Self.directory],
                                 stdin: nil, directory: Self.directory)
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("Ran ") && !run.stderr.contains("skipped"), "every test ran: \(run.stderr)")
    }
}
