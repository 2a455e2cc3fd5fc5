import PapaoursClient
import PapaoursProtocol
import Testing
@testable import PapaoursCtlKit

/// `papaoursctl alerts` says each alert from its figures, in the user's language.
@Suite struct AlertDetailsTests {
    static func alert(_ line: String) throws -> AlertEntry {
        try AlertEntry(ReplyLine.parse(Array(("ALERT seq=1 time=2026-12-01T10:00:00Z " + line).utf8)))
    }

    static let cases: [(line: String, en: String, fr: String)] = [
        ("kind=revoked-use key=k_0123456789abcdef ip=10.0.0.7 details=x reason=inactive-key count=3",
         "the key was presented and refused as inactive-key (3 time(s) since the last count): someone still holds a key that was taken away",
         "la clé a été présentée et refusée (inactive-key) 3 fois depuis le dernier décompte : quelqu'un détient encore une clé qui a été retirée"),
        ("kind=new-ip key=k_0123456789abcdef ip=10.0.0.3 details=x created=2026-11-01T00:00:00Z others=0",
         "the key (created 2026-11-01T00:00:00Z) was used from '10.0.0.3', never seen for it",
         "la clé (créée le 2026-11-01T00:00:00Z) a été utilisée depuis « 10.0.0.3 », jamais vue pour elle"),
        ("kind=new-ip key=k_0123456789abcdef ip=10.0.0.3 details=x created=2026-11-01T00:00:00Z others=2",
         "the key (created 2026-11-01T00:00:00Z) was used from '10.0.0.3', never seen for it; 2 other new address(es) in the same count",
         "la clé (créée le 2026-11-01T00:00:00Z) a été utilisée depuis « 10.0.0.3 », jamais vue pour elle ; 2 autre(s) nouvelle(s) adresse(s) dans le même décompte"),
        ("kind=spike key=k_0123456789abcdef details=x calls=250 median=4.5",
         "250 calls in the last hour, ten times above the key's hourly median over the last seven days (4.5)",
         "250 appels dans la dernière heure, dix fois plus que la médiane horaire de la clé sur les sept derniers jours (4,5)"),
        ("kind=spike key=k_0123456789abcdef details=x calls=100 median=0.0",
         "100 calls in the last hour, ten times above the key's hourly median over the last seven days (0)",
         "100 appels dans la dernière heure, dix fois plus que la médiane horaire de la clé sur les sept derniers jours (0)"),
        ("kind=failures ip=203.0.113.9 details=x count=20",
         "20 refusals of unknown or malformed keys within a minute from '203.0.113.9'",
         "20 refus de clés inconnues ou mal formées en une minute depuis « 203.0.113.9 »"),
        ("kind=failures details=x count=25 uid=1000",
         "25 refusals of unknown or malformed keys within a minute from peer uid 1000",
         "25 refus de clés inconnues ou mal formées en une minute depuis le pair d'uid 1000"),
    ]

    @Test(arguments: Language.allCases) func eachKindIsSaidFromItsFigures(_ language: Language) throws {
        for c in Self.cases {
            #expect(AlertDetails.said(try Self.alert(c.line), Localizer(language)) == (language == .fr ? c.fr : c.en), "\(c.line)")
        }
    }

    @Test(arguments: Language.allCases) func anUnknownKindOrMissingFiguresShowTheDaemonsDetails(_ language: Language) throws {
        let text = Localizer(language)
        #expect(AlertDetails.said(try Self.alert("kind=tremor details=\"the ground shook\" count=3"), text) == "the ground shook")
        #expect(AlertDetails.said(try Self.alert("kind=spike details=\"an older daemon's words\""), text) == "an older daemon's words")
        #expect(AlertDetails.said(try Self.alert("kind=failures details=\"no source\" count=3"), text) == "no source")
    }
}
