import Foundation

public struct Run: Sendable {
    public let status: Int32
    public let output: String
}

/// Runs `argv` to its end with posix_spawn and waitpid, stdout and stderr into one file read
/// back after: Foundation's Process can miss the exit of a child whose own child (pg_ctl's
/// postmaster) lives on.
/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34), which Swift's Glibc module does not
/// show: a child must not inherit the test process's other descriptors — a pipe another test
/// reads to its end would never end while a long-lived child (the watcher, the postmaster)
/// holds its write end.
private let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()

/// Closes every descriptor above the standard three in the child.
private func closeOthers(_ actions: inout posix_spawn_file_actions_t) {
    _ = addCloseFrom?(&actions, 3)
}

public func spawn(_ argv: [String], in directory: String? = nil) throws -> Run {
    var template = Array("/tmp/papaours-spawn-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw POSIXError(.EIO) }
    let outputPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    defer { close(fd); unlink(outputPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, fd, 1)
    posix_spawn_file_actions_adddup2(&actions, fd, 2)
    closeOthers(&actions)
    // env -C: the child's working directory (posix_spawn's own chdir is not in Glibc's module).
    let argv = directory.map { ["/usr/bin/env", "-C", $0] + argv } ?? argv
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { for arg in cArgs { free(arg) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
    guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    let exited = (status & 0x7F) == 0
    return Run(status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), output: output)
}

/// Starts `argv` and leaves it running, its output to /dev/null (reaped by init once we exit);
/// give it a session of its own (setsid) to outlive a kill of our process group.
public func spawnDetached(_ argv: [String]) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
    closeOthers(&actions)
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { for arg in cArgs { free(arg) } }
    var pid: pid_t = 0
    _ = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
}
