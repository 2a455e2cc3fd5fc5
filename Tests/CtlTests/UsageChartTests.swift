import PapaoursClient
import PapaoursProtocol
import Testing
@testable import PapaoursCtlKit

@Suite struct UsageChartTests {
    @Test func barsScaleToTheBusiestDayAndFitTheWidth() {
        #expect(UsageCommands.bar(ok: 10, denied: 0, most: 10, width: 20, ascii: true) == String(repeating: "#", count: 20))
        #expect(UsageCommands.bar(ok: 5, denied: 5, most: 10, width: 20, ascii: true) == String(repeating: "#", count: 10) + String(repeating: "x", count: 10))
        #expect(UsageCommands.bar(ok: 0, denied: 0, most: 10, width: 20, ascii: true) == "")
        // A single call on a busy chart still shows.
        #expect(UsageCommands.bar(ok: 1, denied: 0, most: 100_000, width: 20, ascii: true) == "#")
        #expect(UsageCommands.bar(ok: 1, denied: 0, most: 100_000, width: 20, ascii: false) == "▏")
        // Eighths of a cell in Unicode.
        #expect(UsageCommands.bar(ok: 3, denied: 0, most: 8, width: 2, ascii: false) == "▊")
        #expect(UsageCommands.bar(ok: 8, denied: 1, most: 9, width: 9, ascii: false) == "████████░")
    }

    @Test(arguments: Language.allCases) func theChartHasOneRowADayAndFitsTheTerminal(_ language: Language) throws {
        let days = try [("2026-12-01", 120, 3), ("2026-11-30", 0, 0), ("2026-11-29", 60, 0)].map { date, ok, denied in
            try UsageDay(ReplyLine(kind: .item(type: "DAY"), attributes: [("date", date), ("ok", String(ok)), ("denied", String(denied))]))
        }
        let chart = UsageCommands.dayChart(days, width: 50, ascii: true, text: Localizer(language))
        let lines = chart.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.allSatisfy { $0.count <= 50 }, "\(chart)")
        #expect(lines[1].hasPrefix("2026-12-01") && lines[1].hasSuffix("x"))
        #expect(lines[2].hasSuffix(" 0"), "a day without calls has no bar")
        #expect(UsageCommands.isDuration("7d") && UsageCommands.isDuration("0s") && !UsageCommands.isDuration("1w") && !UsageCommands.isDuration("d"))
    }
}
