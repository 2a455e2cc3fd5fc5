import PapaoursHTTP
import Testing

@Suite struct ChunkedBodyTests {
    /// Feeds `text` in pieces of `step` bytes; returns the bytes consumed and the last progress.
    func skip(_ text: String, step: Int = .max) -> (Int, ChunkedBodySkipper.Progress) {
        let bytes = Array(text.utf8)
        var skipper = ChunkedBodySkipper()
        var at = 0
        var last = ChunkedBodySkipper.Progress.needMore
        while at < bytes.count {
            let end = min(bytes.count, at + min(step, bytes.count))
            let (consumed, progress) = bytes[at..<end].withUnsafeBytes { skipper.skip($0) }
            at += consumed
            last = progress
            if progress != .needMore { break }
        }
        return (at, last)
    }

    let body = "5\r\nhello\r\n1A;name=\"x\"\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: t\r\n\r\n"

    @Test func aWholeBodyAndNotOneByteMore() {
        let (consumed, progress) = skip(body + "GET / HTTP/1.1\r\n")
        #expect(progress == .done && consumed == body.utf8.count)
    }

    @Test func byteByByte() {
        for step in [1, 2, 3, 7] {
            let (consumed, progress) = skip(body, step: step)
            #expect(progress == .done && consumed == body.utf8.count, "step \(step)")
        }
    }

    @Test func bareLineFeedsAndNoTrailer() {
        #expect(skip("3\nabc\n0\n\n").1 == .done)
        #expect(skip("0\r\n\r\n").1 == .done)
        #expect(skip("3\r\nab").1 == .needMore)
    }

    @Test(arguments: ["x\r\n", "\r\n", "3\r\nabcd\r\n", "3\rx", "FFFFFFFFFFFFFFFFF\r\n", "3;\u{01}\r\n",
                      "1;" + String(repeating: "e", count: 1100) + "\r\n"])
    func notAChunkedBody(text: String) {
        guard case .invalid(let error) = skip(text).1 else {
            Issue.record("accepted \(text.debugDescription)")
            return
        }
        #expect(error.message.hasPrefix("chunked body: "))
    }
}
