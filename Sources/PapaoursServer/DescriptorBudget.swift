#if canImport(Glibc)
import Glibc
#endif

/// `max-connections` within what RLIMIT_NOFILE allows: the count check must answer `NO busy`
/// before descriptors run out, after which a new client would wait in the backlog unanswered.
enum DescriptorBudget {
    /// Descriptors for all but connections: standard streams, listener, store files, BACKUP
    /// files in flight, the spare kept to refuse a client when out of descriptors.
    static let fixed = 64

    /// Raises the soft limit to the hard one, once at start; returns the limit in force.
    static func raiseLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return Int.max }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)  // RLIM_INFINITY is UInt64.max: clamped to Int.max
    }

    /// `configuration` with max-connections lowered to what `limit` leaves room for, and why.
    static func fit(_ configuration: Configuration, limit: Int, loops: Int) -> (Configuration, String?) {
        let room = max(1, limit - fixed - 2 * loops)  // each loop holds an epoll and an eventfd
        guard configuration.maxConnections > room else { return (configuration, nil) }
        var fitted = configuration
        fitted.maxConnections = room
        if let reserved = fitted.reservedConnections, reserved >= room { fitted.reservedConnections = room - 1 }
        let why = "max-connections \(configuration.maxConnections) lowered to \(room): the descriptor limit (RLIMIT_NOFILE) is \(limit); raise it (LimitNOFILE= in the unit) to serve more"
        return (fitted, why)
    }
}
