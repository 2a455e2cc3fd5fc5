import Synchronization

/// What the imports being staged (IMPORT BEGIN … COMMIT) hold, over every connection, against
/// `import-staging-limit`: no set of peers can make the daemon hold more than that.
final class ImportStaging: Sendable {
    /// About what a staged record costs in memory for each byte of its request line.
    static let bytesPerLineByte = 4
    private let staged = Atomic<Int>(0)
    let limit: Atomic<Int>

    init(limit: Int) { self.limit = Atomic(limit) }

    /// Takes room for a record of `lineBytes`; false when the staging is full.
    func charge(lineBytes: Int) -> Int? {
        let cost = lineBytes * ImportStaging.bytesPerLineByte
        let total = staged.add(cost, ordering: .relaxed).newValue
        guard total <= limit.load(ordering: .relaxed) else {
            staged.subtract(cost, ordering: .relaxed)
            return nil
        }
        return cost
    }

    func release(_ cost: Int) {
        if cost > 0 { staged.subtract(cost, ordering: .relaxed) }
    }

    var bytes: Int { staged.load(ordering: .relaxed) }
}
