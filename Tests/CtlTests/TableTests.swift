import Testing
@testable import PapaoursCtlKit

@Suite struct TableTests {
    @Test func columnsAreSizedToContentInCharacters() {
        let table = Table(header: ["ID", "Name", "Status"], rows: [
            ["m_1", "été", Cell("Active", style: .green)],
            ["m_22", "🐻 papa", Cell("Inactive", style: .red)],
        ])
        #expect(table.render(color: false) == """
            ID    Name    Status
            m_1   été     Active
            m_22  🐻 papa  Inactive

            """)
    }

    @Test func colourDoesNotMoveColumns() {
        let table = Table(rows: [[Cell("Active", style: .green), "x"], ["Inactive", "y"]])
        let plain = table.render(color: false)
        let coloured = table.render(color: true)
        #expect(coloured.contains("\u{1B}[32mActive\u{1B}[0m"))
        #expect(coloured.replacingEscapes() == plain)
    }

    @Test func multilineCellsAndSanitising() {
        let table = Table(rows: [["Description", "line one\nline two"], ["Name", "a\u{1B}[31mb\tc"]])
        #expect(table.render(color: false) == """
            Description  line one
                         line two
            Name         a?[31mb c

            """)
    }

    @Test func lastColumnIsNotPadded() {
        let rendered = Table(header: ["A", "B"], rows: [["x", ""], ["y", "long"]]).render(color: false)
        for line in rendered.split(separator: "\n") { #expect(line.last != " ") }
    }
}

extension String {
    /// The text without ANSI colour sequences.
    func replacingEscapes() -> String {
        var out = ""
        var inEscape = false
        for character in self {
            if character == "\u{1B}" { inEscape = true; continue }
            if inEscape { if character == "m" { inEscape = false }; continue }
            out.append(character)
        }
        return out
    }
}
