@testable import PapaoursServer
import Testing

@Suite struct ConnectionBufferTests {
    @Test func dropFrontKeepsTheRestInOrder() {
        var bytes = Array("consumed|kept".utf8)
        Connection.dropFront(9, of: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "kept")
    }

    @Test func growingKeepsWhatWasThere() {
        var buffer: [UInt8] = Array("abc".utf8)
        let more = Array(String(repeating: "x", count: 1000).utf8)
        more.withUnsafeBytes { Connection.append($0, to: &buffer) }
        #expect(buffer.count == 1003 && buffer.starts(with: Array("abcx".utf8)))
    }

    /// Which line may bring a descriptor: a BACKUP line, whole or cut after its first bytes.
    @Test(arguments: [("BACKUP\n", true), ("backup", true), ("  Backup\r\n", true), ("BAC", true), ("BACKUP extra\n", true),
                      ("BACKUPS\n", false), ("PING\n", false), ("", false), ("\n", false), ("VERIFY x\n", false)])
    func backupLines(line: String, isBackup: Bool) {
        #expect(Connection.isBackupRequest(Array(line.utf8)[...]) == isBackup)
    }
}
