/// A terminal colour or weight, applied only when colour is on.
public enum Style: Sendable {
    case green, red, bold, dim

    var escape: String {
        switch self {
        case .green: "\u{1B}[32m"
        case .red: "\u{1B}[31m"
        case .bold: "\u{1B}[1m"
        case .dim: "\u{1B}[2m"
        }
    }

    static let reset = "\u{1B}[0m"
}

/// One cell: its text and how to colour it.
public struct Cell: Sendable, Equatable, ExpressibleByStringLiteral {
    public var text: String
    public var style: Style?

    public init(_ text: String, style: Style? = nil) {
        self.text = text
        self.style = style
    }

    public init(stringLiteral text: String) { self.init(text) }
}

/// Columns aligned on content, sized in Characters; a cell may span several
/// lines (a description with line breaks). The last column is not padded.
public struct Table: Sendable {
    public var header: [String]?
    public var rows: [[Cell]]
    public var gap = 2

    public init(header: [String]? = nil, rows: [[Cell]] = []) {
        self.header = header
        self.rows = rows
    }

    public func render(color: Bool) -> String {
        var all: [[Cell]] = rows
        if let header { all.insert(header.map { Cell($0, style: .bold) }, at: 0) }
        let columns = all.map(\.count).max() ?? 0
        let split: [[[String]]] = all.map { row in row.map { Self.lines(of: $0.text) } }
        var widths = [Int](repeating: 0, count: columns)
        for row in split {
            for (column, lines) in row.enumerated() {
                widths[column] = max(widths[column], lines.map(\.count).max() ?? 0)
            }
        }
        var out = ""
        for (r, row) in all.enumerated() {
            let height = split[r].map(\.count).max() ?? 1
            for line in 0..<height {
                var text = ""
                for (column, cell) in row.enumerated() {
                    let piece = line < split[r][column].count ? split[r][column][line] : ""
                    let isLast = column == row.count - 1
                    if color, let style = cell.style, !piece.isEmpty {
                        text += style.escape + piece + Style.reset
                    } else {
                        text += piece
                    }
                    if !isLast { text += String(repeating: " ", count: widths[column] - piece.count + gap) }
                }
                while text.last == " " { text.removeLast() }
                out += text + "\n"
            }
        }
        return out
    }

    /// The cell's lines, made safe for a terminal: a tab becomes a space and
    /// other control characters (escape sequences from stored text) become "?".
    static func lines(of text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.map { character -> Character in
                guard character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return character }
                return character == "\t" ? " " : "?"
            })
        }
    }
}
