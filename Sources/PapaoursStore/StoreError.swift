import PapaoursCore
#if canImport(Glibc)
import Glibc
#endif

/// Why a store operation did not happen. `code` maps to the protocol's NO codes.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notFound = "not-found"
        case exists
        case invalid
        /// The writer's grants do not cover it (a protected record, an organisation outside its scope).
        case forbidden
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

    init(_ error: LMDBError) {
        self.init(error.isUnavailable ? .unavailable : .corrupt, error.description)
    }

    /// A failed write or copy, said in the admin's terms: a full disk with its free space, a
    /// full map with the setting to raise.
    init(failure error: LMDBError, directory: String) {
        switch error.code {
        case .system(ENOSPC), .system(EDQUOT):
            var fs = statvfs()
            let free = statvfs(directory, &fs) == 0 ? " (\(UInt64(fs.f_bavail) * UInt64(fs.f_frsize)) bytes free)" : ""
            self.init(.unavailable, "the disk holding \(directory) is full\(free): free some space; reads still work")
        case .mapFull:
            self.init(.unavailable, "the store in \(directory) reached its map size: raise map-size in papaoursd.conf and restart; reads still work")
        default:
            self.init(error)
        }
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

    /// A refusal by the rules (the request's fault), as against a failure of the store itself.
    public var isRefusal: Bool {
        switch code {
        case .notFound, .exists, .invalid, .forbidden: true
        case .unavailable, .cannotOpen, .corrupt: false
        }
    }

    public var description: String { message }
}
