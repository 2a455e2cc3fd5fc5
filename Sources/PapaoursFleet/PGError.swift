import CLibPQ

/// A PostgreSQL failure: the server's SQLSTATE when it sent one (nil for libpq's own
/// failures, such as a connection refused or lost), its message, and whether the connection
/// is gone, in which case it must be made anew.
public struct PGError: Error, Sendable, CustomStringConvertible {
    public let sqlState: String?
    public let message: String
    public let connectionLost: Bool

    public init(sqlState: String?, message: String, connectionLost: Bool) {
        self.sqlState = sqlState
        self.message = message
        self.connectionLost = connectionLost
    }

    public var description: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }

    // The SQLSTATEs the fleet acts on (PostgreSQL, Appendix A).
    public static let duplicateSchema = "42P06"
    public static let duplicateTable = "42P07"
    public static let uniqueViolation = "23505"
    public static let serializationFailure = "40001"

    /// libpq's last message on `conn`, its trailing newline dropped.
    static func message(of conn: OpaquePointer?) -> String {
        guard let conn, let text = PQerrorMessage(conn) else { return "no connection" }
        var message = String(cString: text)
        while message.last == "\n" { message.removeLast() }
        return message.isEmpty ? "unknown libpq error" : message
    }
}
