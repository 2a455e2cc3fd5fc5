/// Where a batch of change sets becomes durable before this host's store applies it: the
/// fleet's PostgreSQL (PapaoursFleet), none on a lone host. The writer calls, for each batch,
/// `begin` (which locks out every other host's writer and says what they committed that
/// this store lacks), decides, then `commit` or `abandon`.
public protocol StoreOfRecord: AnyObject {
    /// The change sets committed after `sequence`, in order; the fleet's writes stay locked
    /// until `commit` or `abandon`. `unavailable` when PostgreSQL cannot be reached.
    func begin(after sequence: UInt64) throws(StoreError) -> [ChangeSet]
    /// Makes `sets` durable and releases the lock. `unavailable` when it could not: nothing
    /// was committed (or, the connection lost during COMMIT, the change stream will tell).
    func commit(_ sets: [ChangeSet]) throws(StoreError)
    /// Releases the lock, committing nothing.
    func abandon()
}

/// What keeps this host's store following the fleet's changes made elsewhere, on a thread of
/// its own: `run` until `stop`.
public protocol ChangeFollower: AnyObject, Sendable {
    func run()
    func stop()
}
