import PapaoursCore
import PapaoursProtocol
@testable import PapaoursServer
import PapaoursStore
import Testing

/// EXPORT's DAY, IP and ALERT lines read back by IMPORT as the values they were made from.
@Suite struct ImportUsageParsingTests {
    /// A data line sent as the `IMPORT <type>` request it becomes.
    static func request(_ line: [UInt8]) throws -> Request {
        try Request.parse(Array("IMPORT ".utf8) + line.dropLast())
    }

    let key = KeyID("k_0123456789abcdef")!

    @Test func dayRoundTrips() throws {
        let day = KeyDay(key: key, day: DayCount(day: UsageClock.day(Timestamp(rfc3339: "2026-12-01T13:00:00Z")!), ok: 12, denied: 3))
        let line = ReplyFormat.item("DAY") {
            $0.attribute("key", day.key.value)
            ReplyFormat.day(day.day, into: &$0)
        }
        #expect(String(decoding: line, as: UTF8.self) == "DAY key=k_0123456789abcdef date=2026-12-01 ok=12 denied=3\n")
        #expect(try ImportParsing.day(Self.request(line)) == day)
    }

    @Test func addressRoundTrips() throws {
        let use = AddressUse(ip: "fe80::1 %eth0", first: Timestamp(seconds: 1_800_000_000), last: Timestamp(seconds: 1_800_003_600), count: 7)
        let line = ReplyFormat.item("IP") {
            $0.attribute("key", key.value)
            ReplyFormat.address(use, into: &$0)
        }
        #expect(try ImportParsing.address(Self.request(line)) == KeyAddress(key: key, use: use))
    }

    @Test(arguments: [
        Alert(seq: 4, time: Timestamp(seconds: 1_800_000_000), kind: .newIP, key: KeyID("k_0123456789abcdef"),
              machine: MachineID("m_0123456789abcdef"), ip: "10.0.0.3", details: "the key was used from \"10.0.0.3\", never seen for it"),
        Alert(seq: 9, time: Timestamp(seconds: 1_800_000_000), kind: .failures, key: nil, machine: nil, ip: "", details: "20 refusals"),
    ]) func alertRoundTrips(_ alert: Alert) throws {
        let line = ReplyFormat.item("ALERT") { ReplyFormat.alert(alert, into: &$0) }
        #expect(try ImportParsing.alert(Self.request(line)) == alert)
    }

    @Test func badValuesSayWhatIsWrong() throws {
        func problem(_ line: String) -> String {
            do {
                _ = try ImportParsing.day(Request.parse(Array(line.utf8)))
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(problem("IMPORT DAY key=k_0123456789abcdef date=2026-02-30").hasPrefix("date must be a day"))
        #expect(problem("IMPORT DAY key=k_0123456789abcdef date=2026-12-01 ok=-1").hasPrefix("ok must be a count"))
        #expect(problem("IMPORT DAY key=nope date=2026-12-01").hasPrefix("key must be k_"))
    }
}
