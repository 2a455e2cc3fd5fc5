#if canImport(Glibc)
import Glibc
#endif

/// A file descriptor a peer passed (SCM_RIGHTS), and the line it came with: only a BACKUP line
/// may bring one, and only that line may use it (papaours-protocol(7), BACKUP).
struct PassedDescriptor {
    let fd: Int32
    /// Where its line starts, counted in bytes from the start of the connection.
    let lineStart: Int
}

extension Connection {
    /// Takes a descriptor received with the bytes read from `chunkStart` on. The kernel ends a
    /// read with the message that carried it, so its line is the last one of the chunk: kept
    /// when that line is a BACKUP request, closed at once otherwise.
    func receive(descriptor fd: Int32, withBytesFrom chunkStart: Int) {
        guard chunkStart < input.count else { close(fd); return }
        var start = input.count - 1
        if input[start] == 0x0A { start -= 1 }
        while start >= 0 && input[start] != 0x0A { start -= 1 }
        start += 1
        guard Connection.isBackupRequest(input[start...]) else { close(fd); return }
        if let earlier = pendingDescriptor { close(earlier.fd) }
        pendingDescriptor = PassedDescriptor(fd: fd, lineStart: inputBase + start)
    }

    /// Before the line at `index` of the buffer is answered: the descriptor that came with it,
    /// if any, becomes the line's; one that came with an earlier line is closed.
    func bindDescriptor(toLineAt index: Int) {
        guard let pending = pendingDescriptor else { return }
        let start = inputBase + index
        if pending.lineStart == start {
            lineDescriptor = pending.fd
            pendingDescriptor = nil
        } else if pending.lineStart < start {
            close(pending.fd)
            pendingDescriptor = nil
        }
    }

    /// The descriptor passed with the line being answered, now the caller's to close.
    func takeLineDescriptor() -> Int32? {
        defer { lineDescriptor = nil }
        return lineDescriptor
    }

    /// A line put back unanswered (it waits for the writes sent before it) keeps its descriptor
    /// for when it is read again.
    func unbindDescriptor(toLineAt index: Int) {
        guard let fd = lineDescriptor else { return }
        pendingDescriptor = PassedDescriptor(fd: fd, lineStart: inputBase + index)
        lineDescriptor = nil
    }

    /// After a line is answered: a descriptor it did not use is closed.
    func releaseLineDescriptor() {
        if let fd = lineDescriptor { close(fd) }
        lineDescriptor = nil
    }

    func closeDescriptors() {
        releaseLineDescriptor()
        if let pending = pendingDescriptor { close(pending.fd) }
        pendingDescriptor = nil
    }

    /// Whether `line` (whole or its beginning) is `BACKUP`, in any case, after spaces.
    static func isBackupRequest(_ line: ArraySlice<UInt8>) -> Bool {
        let verb = Array("BACKUP".utf8)
        let text = line.drop { $0 == UInt8(ascii: " ") }
        guard let first = text.first, first != 0x0A, first != 0x0D else { return false }
        for (offset, byte) in text.prefix(verb.count + 1).enumerated() {
            if offset == verb.count { return byte == UInt8(ascii: " ") || byte == 0x0D || byte == 0x0A }
            guard byte & 0xDF == verb[offset] else { return false }
        }
        return true
    }
}
