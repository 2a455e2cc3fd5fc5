/// A request that was not understood: the reply is `BAD <code> <message>`.
public struct ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case syntax
        case unknownCommand = "unknown-command"
        case tooLong = "too-long"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "BAD \(code.rawValue) \(message)" }
}
