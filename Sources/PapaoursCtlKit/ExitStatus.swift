/// papaoursctl's exit statuses.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    /// papaoursd answered NO (or a key was refused, or the user said no).
    case refused = 1
    /// The command line is wrong.
    case usage = 2
    /// papaoursd cannot be reached, or the connection broke.
    case unreachable = 3
    /// BAD, a reply that is not the protocol, or an internal error.
    case failure = 4
}

/// A command that ends without success, its message already phrased
/// (or already printed, when `message` is nil).
struct CommandFailure: Error {
    let status: ExitStatus
    let message: Message?
    let arguments: [String]

    init(_ status: ExitStatus, _ message: Message? = nil, _ arguments: [String] = []) {
        self.status = status
        self.message = message
        self.arguments = arguments
    }
}
