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
    /// What its grants allow, and where (scoped grants); renewed on SIGHUP.
    var access: Access
    var permissions: Permissions { access.permissions }

    var input: [UInt8] = []
    /// Where the unconsumed input starts, and how far it was searched for LF.
    var inputStart = 0
    var scanned = 0
    var output: [UInt8] = []
    var outputSent = 0

    /// Where the connection stands between its requests and its replies.
    enum Phase {
        /// Reading and answering requests.
        case serving
        /// Writes (a group of them, or a backup) are with the writer: later requests wait, to keep order.
        case awaitingWriter
        /// A listing is being sent part by part; later requests wait for its end.
        case streaming(Listing)
        /// To be closed once the output is flushed (QUIT, BAD too-long, end of input).
        case closing
    }

    var phase = Phase.serving
    /// The peer will send no more (EOF seen); the phase decides when that closes the connection.
    var inputEnded = false
    /// Monotonic ms of the last byte read, and since when a partial line is pending.
    var lastActivity: Int64
    var partialSince: Int64 = 0
    /// Events registered with epoll now.
    var interest: UInt32 = 0
    /// A file passed with SCM_RIGHTS along with a BACKUP line not yet answered, and the one
    /// of the line being answered (PassedDescriptor.swift).
    var pendingDescriptor: PassedDescriptor?
    var lineDescriptor: Int32?
    /// Bytes dropped from the front of `input` so far: input[0] is byte `inputBase` of the connection.
    var inputBase = 0
    /// Monotonic ms of the last byte the peer took: a peer that takes none is dropped.
    var lastSent: Int64 = 0
    /// What this connection's staged records hold of the daemon's import staging.
    var importCharge = 0
    /// Records staged between IMPORT BEGIN and IMPORT COMMIT.
    var importBatch: ImportBatch?
    /// Set on the HTTP gate's connections, which speak HTTP/1.1 instead of lines (HTTPGate.swift).
    var gate: GateState?

    init(fd: Int32, serial: UInt64, peer: PeerCredentials, access: Access, now: Int64) {
        self.fd = fd
        self.serial = serial
        self.peer = peer
        self.access = access
        self.lastActivity = now
    }

    var isServing: Bool { if case .serving = phase { true } else { false } }
    var isAwaitingWriter: Bool { if case .awaitingWriter = phase { true } else { false } }
    var isClosing: Bool { if case .closing = phase { true } else { false } }
    var listing: Listing? { if case .streaming(let listing) = phase { listing } else { nil } }

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

    /// Drops the open import, if any, and gives back what it held of the staging.
    func endImport(releasing staging: ImportStaging) {
        importBatch = nil
        staging.release(importCharge)
        importCharge = 0
    }

    /// Where reading stands, to put a line back that must wait (see EventLoop.process).
    var readMark: (start: Int, scanned: Int) { (inputStart, scanned) }

    func rewind(to mark: (start: Int, scanned: Int)) {
        inputStart = mark.start
        scanned = mark.scanned
    }

    /// Appends bytes read (VERIFY lines hold secrets).
    func appendInput(_ bytes: UnsafeRawBufferPointer) { Connection.append(bytes, to: &input) }

    /// Appends a reply (KEY CREATE's holds a secret).
    func appendOutput(_ bytes: [UInt8]) { bytes.withUnsafeBytes { Connection.append($0, to: &output) } }

    /// When `buffer` must grow, the old storage is wiped before it is freed.
    static func append(_ bytes: UnsafeRawBufferPointer, to buffer: inout [UInt8]) {
        if buffer.count + bytes.count > buffer.capacity {
            var grown: [UInt8] = []
            grown.reserveCapacity(max(buffer.capacity * 2, buffer.count + bytes.count))
            grown.append(contentsOf: buffer)
            Wipe.zero(&buffer)
            buffer = grown
        }
        buffer.append(contentsOf: bytes)
    }

    /// Drops consumed input so the buffer does not grow, wiping it.
    func compactInput() {
        if inputStart == input.count {
            inputBase += input.count
            Wipe.zero(&input)
            input.removeAll(keepingCapacity: input.capacity <= 65536)
            inputStart = 0
            scanned = 0
        } else if inputStart > 16384 {
            inputBase += inputStart
            Connection.dropFront(inputStart, of: &input)
            scanned -= inputStart
            inputStart = 0
        }
    }

    /// Drops sent output, wiping it (a KEY CREATE reply holds the new secret).
    func compactOutput() {
        if outputSent == output.count {
            Wipe.zero(&output)
            output.removeAll(keepingCapacity: output.capacity <= 65536)
            outputSent = 0
        } else if outputSent > 65536 {
            Connection.dropFront(outputSent, of: &output)
            outputSent = 0
        }
    }

    /// Removes the first `n` bytes, leaving no copy of any byte in the storage past the new end.
    static func dropFront(_ n: Int, of bytes: inout [UInt8]) {
        let kept = bytes.count - n
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            memmove(base, base + n, kept)
            Wipe.zero(UnsafeMutableRawBufferPointer(start: base + kept, count: n))
        }
        bytes.removeLast(n)
    }
}
