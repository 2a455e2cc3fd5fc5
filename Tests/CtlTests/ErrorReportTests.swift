import Glibc
import PapaoursClient
import PapaoursCore
import Testing
@testable import PapaoursCtlKit

@Suite struct ErrorReportTests {
    let english = Localizer(.en), french = Localizer(.fr)
    let path = "/run/papaours/papaoursd.sock"

    @Test func unreachableDaemonNamesThePathAndTheCause() {
        let missing = ClientError(.notRunning, detail: "No such file or directory", errno: ENOENT, socketPath: path)
        #expect(ErrorReport.describe(missing, text: english, socketPath: path)
            == ("cannot reach papaoursd at /run/papaours/papaoursd.sock: no such socket — is papaoursd running?", .unreachable))
        let denied = ClientError(.permissionDenied, detail: "Permission denied", errno: EACCES, socketPath: path)
        #expect(ErrorReport.describe(denied, text: english, socketPath: path)
            == ("cannot reach papaoursd at /run/papaours/papaoursd.sock: permission denied — are you in the papaours group?", .unreachable))
        let refused = ClientError(.notRunning, detail: "Connection refused", errno: ECONNREFUSED, socketPath: path)
        #expect(ErrorReport.describe(refused, text: french, socketPath: path).0.hasSuffix("connexion refusée — papaoursd est-il lancé ?"))
        #expect(ErrorReport.describe(ClientError(.pathTooLong, detail: ""), text: english, socketPath: path).1 == .unreachable)
    }

    @Test func refusalsAreTranslatedWithTheServersDetail() {
        #expect(ErrorReport.describe(.refused("not-found", "no machine named x"), text: english, socketPath: path)
            == ("not found: no machine named x", .refused))
        #expect(ErrorReport.describe(.refused("exists", "a machine named x exists"), text: french, socketPath: path)
            == ("existe déjà : a machine named x exists", .refused))
        for code in ["forbidden", "not-found", "exists", "invalid", "busy", "unavailable"] + VerifyRefusal.Reason.allCases.map(\.rawValue) {
            #expect(ErrorReport.refusal(code, "", english) != english(.noOther, code), "\(code) has its own sentence")
        }
        #expect(ErrorReport.refusal("new-code", "why", english) == "refused (new-code): why")
    }

    @Test func badAndBrokenProtocolExitWithFour() {
        #expect(ErrorReport.describe(.bad("syntax", "oops"), text: english, socketPath: path).1 == .failure)
        #expect(ErrorReport.describe(ClientError(.protocolViolation, detail: "x"), text: english, socketPath: path).1 == .failure)
        #expect(ErrorReport.describe(ClientError(.connectionLost, detail: "x"), text: english, socketPath: path).1 == .unreachable)
    }

    @Test func expiryForms() {
        let now = Timestamp(seconds: 1_000_000)
        #expect(Expiry.parse("2027-01-31T00:00:00Z", now: now) == Timestamp(rfc3339: "2027-01-31T00:00:00Z"))
        #expect(Expiry.parse("2027-01-31", now: now) == Timestamp(rfc3339: "2027-01-31T00:00:00Z"))
        #expect(Expiry.parse("90d", now: now) == Timestamp(seconds: 1_000_000 + 90 * 86400))
        #expect(Expiry.parse("12h", now: now) == Timestamp(seconds: 1_000_000 + 12 * 3600))
        #expect(Expiry.parse("2w", now: now) == Timestamp(seconds: 1_000_000 + 14 * 86400))
        for wrong in ["", "tomorrow", "0d", "-3d", "5m", "99999999999999999d", "2027-02-30"] {
            #expect(Expiry.parse(wrong, now: now) == nil, "\(wrong)")
        }
    }
}
