import PapaoursProtocol

/// Values in log lines are written with the protocol's token rules, so that a name or label
/// holding a newline shows as `\n` and can never start a line of its own.
enum LogText {
    static func quoted(_ text: String) -> String {
        var line = LineEncoder(capacity: text.utf8.count + 2)
        line.argument(text)
        return String(decoding: line.bytes, as: UTF8.self)
    }
}
