import PapaoursCore
#if canImport(Glibc)
import Glibc
#endif
import PapaoursStore

/// One client: its credentials, what it sent that is not yet answered, what it is owed.
final class Connection {
    let fd: Int32
    /// Unique for the daemon's life, unlike fds which are reused.
    let serial: UInt64
    let peer: PeerCredentials
    var permissions: Permissions

    var input: [UInt8] = []
    /// Where the unconsumed input starts, and how far it was searched for LF.
    var inputStart = 0
    var scanned = 0
    var output: [UInt8] = []
    var outputSent = 0

    /// A write of this connection is with the writer: later requests wait, to keep order.
    var awaitingWriter = false
    /// Close once the output is flushed (QUIT, BAD too-long, end of input).
    var closeAfterFlush = false
    /// The peer will send no more (EOF seen).
    var inputEnded = false
    /// Monotonic ms of the last byte read, and since when a partial line is pending.
    var lastActivity: Int64
    var partialSince: Int64 = 0
    /// Events registered with epoll now.
    var interest: UInt32 = 0
    /// Files passed with SCM_RIGHTS, waiting for the request that uses them (BACKUP).
    var passedFDs: [Int32] = []
    /// Records staged between IMPORT BEGIN and IMPORT COMMIT.
    var importBatch: ImportBatch?
    /// Set on the HTTP gate's connections, which speak HTTP/1.1 instead of lines (HTTPGate.swift).
    var gate: GateState?

    init(fd: Int32, serial: UInt64, peer: PeerCredentials, permissions: Permissions, now: Int64) {
        self.fd = fd
        self.serial = serial
        self.peer = peer
        self.permissions = permissions
        self.lastActivity = now
    }

    var actor: Actor { Actor(uid: peer.uid, user: peer.user) }

    var pendingOutput: Int { output.count - outputSent }

    var hasBufferedInput: Bool { inputStart < input.count }

    /// The next complete line (without LF and a CR before it), or nil; `tooLong` when the
    /// line (LF included) is past the limit.
    enum NextLine {
        case line(ArraySlice<UInt8>)
        case none
        case tooLong
    }

    func nextLine(limit: Int) -> NextLine {
        let searchFrom = max(scanned, inputStart)
        let found = input.withUnsafeBytes { raw -> Int? in
            guard searchFrom < raw.count, let p = memchr(raw.baseAddress! + searchFrom, 0x0A, raw.count - searchFrom) else { return nil }
            return raw.baseAddress!.distance(to: UnsafeRawPointer(p))
        }
        if let lf = found {
            let start = inputStart
            inputStart = lf + 1
            scanned = inputStart
            if lf + 1 - start > limit { return .tooLong }
            var end = lf
            if end > start && input[end - 1] == 0x0D { end -= 1 }
            return .line(input[start..<end])
        }
        scanned = input.count
        return input.count - inputStart >= limit ? .tooLong : .none
    }

    /// Where reading stands, to put a line back that must wait (see EventLoop.process).
    var readMark: (start: Int, scanned: Int) { (inputStart, scanned) }

    func rewind(to mark: (start: Int, scanned: Int)) {
        inputStart = mark.start
        scanned = mark.scanned
    }

    /// Drops consumed input so the buffer does not grow.
    func compactInput() {
        if inputStart == input.count {
            input.removeAll(keepingCapacity: input.capacity <= 65536)
            inputStart = 0
            scanned = 0
        } else if inputStart > 16384 {
            input.removeSubrange(0..<inputStart)
            scanned -= inputStart
            inputStart = 0
        }
    }

    func compactOutput() {
        if outputSent == output.count {
            output.removeAll(keepingCapacity: output.capacity <= 65536)
            outputSent = 0
        } else if outputSent > 65536 {
            output.removeSubrange(0..<outputSent)
            outputSent = 0
        }
    }
}
