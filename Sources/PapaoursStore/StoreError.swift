import PapaoursCore

/// Why a store operation did not happen. `code` maps to the protocol's NO codes.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notFound = "not-found"
        case exists
        case invalid
        /// The store cannot take writes now (disk full, read-only, I/O error).
        case unavailable
        /// The database cannot be opened as it is (newer schema, wrong owner, locked, corrupt).
        case cannotOpen = "cannot-open"
        case corrupt
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public init(_ error: ValidationError) { self.init(.invalid, error.description) }

    public init(_ error: LMDBError) {
        self.init(error.isUnavailable ? .unavailable : .corrupt, error.description)
    }

    /// Any error of the store's operations, in the protocol's terms.
    public init(any error: any Error) {
        switch error {
        case let error as StoreError: self = error
        case let error as LMDBError: self.init(error)
        case let error as ValidationError: self.init(error)
        default: self.init(.corrupt, "\(error)")
        }
    }

    public var description: String { message }
}
