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

    /// What `parse` says is wrong with the request `line`; empty when it takes it.
    static func problem<T>(_ line: String, _ parse: (Request) throws(ValidationError) -> T) -> String {
        do {
            _ = try parse(Request.parse(Array(line.utf8)))
            return ""
        } catch {
            return "\(error)"
        }
    }

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
        Alert(seq: 10, time: Timestamp(seconds: 1_800_000_000), kind: .spike, key: KeyID("k_0123456789abcdef"), machine: nil, ip: "",
              details: "250 calls", facts: [AlertFact("calls", "250"), AlertFact("median", "4.5")]),
        Alert(seq: 11, time: Timestamp(seconds: 1_800_000_000), kind: .failures, key: nil, machine: nil, ip: "",
              details: "from peer uid 1000", facts: [AlertFact("count", "20"), AlertFact("uid", "1000")]),
    ]) func alertRoundTrips(_ alert: Alert) throws {
        let line = ReplyFormat.item("ALERT") { ReplyFormat.alert(alert, into: &$0) }
        #expect(try ImportParsing.alert(Self.request(line)) == alert)
    }

    @Test func alertFiguresAreTheWiresAndEachKindTakesOnlyItsOwn() throws {
        #expect(ImportFields.alert == Set(["seq", "time", "kind", "key", "machine", "ip", "details"]).union(AlertKind.factNames))
        func problem(_ line: String) -> String { Self.problem(line, ImportParsing.alert) }
        let head = "IMPORT ALERT seq=1 time=2026-12-01T00:00:00Z "
        #expect(problem(head + "kind=spike calls=3 uid=4").hasPrefix("uid is not a figure of a spike alert (calls, median)"))
        #expect(problem(head + "kind=spike median=lots").hasPrefix("median must be a number"))
        #expect(problem(head + "kind=failures count=-2").hasPrefix("count must be a count"))
        #expect(problem(head + "kind=new-ip created=yesterday").hasPrefix("created "))
    }

    @Test func badValuesSayWhatIsWrong() throws {
        func problem(_ line: String) -> String { Self.problem(line, ImportParsing.day) }
        #expect(problem("IMPORT DAY key=k_0123456789abcdef date=2026-02-30").hasPrefix("date must be a day"))
        #expect(problem("IMPORT DAY key=k_0123456789abcdef date=2026-12-01 ok=-1").hasPrefix("ok must be a count"))
        #expect(problem("IMPORT DAY key=nope date=2026-12-01").hasPrefix("key must be k_"))
    }
}
