@testable import PapaoursServer
import Testing

/// The settled point of issue 17: a log line is one line, whatever text it carries.
@Suite struct LogTests {
    @Test func textIsWrittenAsAToken() {
        #expect(Log.token("web") == "web")
        #expect(Log.token("billing api") == #""billing api""#)
        #expect(Log.token("a\nb") == #""a\nb""#)
        #expect(Log.token("") == #""""#)
    }

    @Test func noControlCharacterReachesTheLog() {
        let line = String(decoding: Log.oneLine("label a\nfake: line\r\u{1B}[31m\u{7F}"), as: UTF8.self)
        #expect(line == #"label a\nfake: line\r\x1B[31m\x7F"#)
    }

    @Test func theLogLineOfAWriteQuotesWhatItNames() throws {
        let line = WriteOperation.createKey(machine: "web\nx", label: "a\nb", expires: "").logName
        #expect(line.contains(#"on "web\nx" label "a\nb""#))
        #expect(!line.contains("\n"))
    }
}
