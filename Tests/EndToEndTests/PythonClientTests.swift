import Foundation
import Testing

/// clients/python/papaours.py, by its own unittest suite against the built papaoursd
/// (python3 is in the Makefile's DEPS: without it, this fails rather than skips).
@Suite struct PythonClientTests {
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
