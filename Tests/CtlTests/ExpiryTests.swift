import PapaoursCore
import Testing
@testable import PapaoursCtlKit

@Suite struct ExpiryTests {
    let now = Timestamp(seconds: 1_800_000_000)

    @Test func timesDatesAndDurationsInBothLanguages() {
        #expect(Expiry.parse("2027-01-31T00:00:00Z", now: now) == .time(Timestamp(rfc3339: "2027-01-31T00:00:00Z")!))
        #expect(Expiry.parse("2027-01-31", now: now) == .time(Timestamp(rfc3339: "2027-01-31T00:00:00Z")!))
        for (text, seconds) in [("90d", 90 * 86400), ("90j", 90 * 86400), ("12h", 12 * 3600), ("4w", 28 * 86400), ("4sem", 28 * 86400)] {
            #expect(Expiry.parse(text, now: now) == .time(Timestamp(seconds: now.seconds + Int64(seconds))), "\(text)")
        }
    }

    @Test func eachMistakeHasItsOwnMessage() {
        #expect(Expiry.parse("0d", now: now) == .wrong(.durationZero))
        #expect(Expiry.parse("0sem", now: now) == .wrong(.durationZero))
        #expect(Expiry.parse("99999999d", now: now) == .wrong(.durationTooLong))
        #expect(Expiry.parse("99999999999999999999j", now: now) == .wrong(.durationTooLong))
        #expect(Expiry.parse("2020-01-01", now: now) == .wrong(.expiresInPast))
        for wrong in ["", "tomorrow", "-3d", "+3d", "5m", "d", "j", "3 d", "2027-02-30", "٣d"] {
            #expect(Expiry.parse(wrong, now: now) == .wrong(.notATime), "\(wrong)")
        }
    }

    @Test func theUsageErrorReadsInTheUsersLanguage() {
        let error = UsageError(.durationZero, ["0d"], command: ["key", "create"])
        #expect(error.rendered(Localizer(.fr)) == "« 0d » ne laisse aucun délai : une durée compte au moins 1")
        #expect(error.rendered(Localizer(.en)) == "'0d' leaves no time: a duration counts at least 1")
        #expect(UsageError(.notATime, ["x"]).rendered(Localizer(.fr)).hasSuffix("comme 90j, 12h, 4sem"))
    }
}
