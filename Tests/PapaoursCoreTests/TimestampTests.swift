import Testing
@testable import PapaoursCore

@Suite("Timestamp")
struct TimestampTests {
    @Test("description is RFC 3339 UTC with Z", arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (Int64(1_795_905_998), "2026-11-28T22:46:38Z"),
        (Int64(951_782_400), "2000-02-29T00:00:00Z"),
        (Int64(1_709_251_199), "2024-02-29T23:59:59Z"),
        (Int64(253_402_300_799), "9999-12-31T23:59:59Z"),
        (Int64(-1), "1969-12-31T23:59:59Z"),
    ])
    func description(seconds: Int64, expected: String) {
        #expect(Timestamp(seconds: seconds).description == expected)
        #expect("\(Timestamp(seconds: seconds))" == expected)
    }

    @Test("RFC 3339 parsing", arguments: [
        ("2026-11-28T22:46:38Z", Int64(1_795_905_998)),
        ("2026-11-28t22:46:38z", 1_795_905_998),
        ("2026-11-28T23:46:38+01:00", 1_795_905_998),
        ("2026-11-28T20:16:38-02:30", 1_795_905_998),
        ("2026-11-29T04:46:38+06:00", 1_795_905_998),
        ("2026-11-28T22:46:38+00:00", 1_795_905_998),
        ("2026-11-28T22:46:38-00:00", 1_795_905_998),
        ("2026-11-28T22:46:38.5Z", 1_795_905_998),
        ("2026-11-28T22:46:38.999999999Z", 1_795_905_998),
        ("2026-11-28T23:46:38.123+01:00", 1_795_905_998),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T00:00:00Z", 1_709_164_800),
        ("2000-02-29T00:00:00Z", 951_782_400),
        ("2027-01-31T00:00:00Z", 1_801_353_600),
        ("2026-12-31T23:59:59Z", 1_798_761_599),
    ])
    func parse(text: String, seconds: Int64) {
        #expect(Timestamp(rfc3339: text)?.seconds == seconds)
    }

    @Test("invalid or foreign forms are refused", arguments: [
        "", "garbage", "2026-11-28", "2026-11-28T22:46:38", "2026-11-28 22:46:38Z", "2026-11-28T22:46Z",
        "2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "1900-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z",
        "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:61Z",
        "2026-11-28T22:46:38.Z", "2026-11-28T22:46:38+0100", "2026-11-28T22:46:38+01", "2026-11-28T22:46:38+24:00",
        "2026-11-28T22:46:38+01:60", "2026-11-28T22:46:38Z ", " 2026-11-28T22:46:38Z", "2026-11-28T22:46:38ZZ",
        "2026-11-28T22:46:38+01:00Z", "2026/11/28T22:46:38Z", "26-11-28T22:46:38Z", "2026-1-28T22:46:38Z",
        "+026-11-28T22:46:38Z", "2026-11-28T22:46:3aZ", "2026-11-28T22:46:38UTC", "２026-11-28T22:46:38Z",
    ])
    func invalid(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    /// Issue 17, item 13: 9999-12-31T23:59:59-23:59 is in year 10000, which no export could carry.
    @Test("times outside 1970 to 9999 are refused, and said to be", arguments: [
        "9999-12-31T23:59:59-23:59", "9999-12-31T23:59:59-00:01", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00+00:01",
    ])
    func outOfBounds(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
        #expect(Timestamp.isOutOfBounds(rfc3339: text))
    }

    @Test("the bounds themselves are times a record can carry")
    func bounds() {
        #expect(Timestamp(rfc3339: "9999-12-31T23:59:59Z") == Timestamp.latest)
        #expect(Timestamp(rfc3339: "9999-12-31T23:59:59+23:59") != nil)
        #expect(Timestamp(rfc3339: "1970-01-01T00:00:00Z") == Timestamp.earliest)
        #expect(Timestamp(rfc3339: Timestamp.latest.description) == Timestamp.latest)
        #expect(!Timestamp.isOutOfBounds(rfc3339: "garbage"))
    }

    @Test("description parses back to the same moment")
    func roundTrip() {
        for _ in 0..<1000 {
            let t = Timestamp(seconds: Int64.random(in: 0...4_102_444_800))
            #expect(Timestamp(rfc3339: t.description) == t, "\(t.seconds)")
        }
        let now = Timestamp.now()
        #expect(Timestamp(rfc3339: now.description) == now)
    }

    @Test("now() is the current time in whole seconds")
    func now() {
        let now = Timestamp.now()
        #expect(now.seconds > 1_700_000_000)
        #expect(now <= Timestamp.now())
    }

    @Test("ordering")
    func ordering() {
        #expect(Timestamp(seconds: 1) < Timestamp(seconds: 2))
        #expect(!(Timestamp(seconds: 2) < Timestamp(seconds: 2)))
        #expect(Timestamp(seconds: 2) == Timestamp(seconds: 2))
    }
}
