import Foundation
import PostgresHarness

/// The directory holding the built products (papaoursd) next to the test bundle.
func productsDirectory() -> String {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = (exe as NSString).deletingLastPathComponent
    if dir.hasSuffix(".xctest") { dir = (dir as NSString).deletingLastPathComponent }
    return dir
}

/// Runs papaoursd with `arguments`; its exit status and what it wrote (stdout and stderr).
func papaoursd(_ arguments: [String]) throws -> Run {
    try spawn([productsDirectory() + "/papaoursd"] + arguments)
}
