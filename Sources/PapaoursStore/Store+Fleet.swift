import PapaoursCore
import Synchronization

/// The store as a fleet's replica: the change stream applied in order (again without harm),
/// the fleet it belongs to, and a whole copy swapped in at once.
extension Store {
    /// Applies the fleet's change sets that come after the sequence reached, passing over
    /// those already applied (by the writer's own catch-up, or a poll that raced a
    /// notification); returns the sequence reached.
    @discardableResult
    public func follow(_ sets: [ChangeSet]) throws(StoreError) -> UInt64 {
        try apply(sets, skippingApplied: true) { _ in }
    }

    /// The fleet this store replicates, nil for a lone host's.
    public func fleetID() throws(StoreError) -> String? {
        try read { snapshot in try meta.get(Schema.fleetKey, in: snapshot).map { String(decoding: $0, as: UTF8.self) } }
    }

    /// Marks the store as the replica of `fleet` (after `--cluster-init` copied it there).
    public func join(fleet: String) throws(StoreError) {
        try committing { txn in try meta.put(Schema.fleetKey, Array(fleet.utf8), in: txn) }
    }

    /// Whether the store holds nothing yet: no machine, role, group nor event.
    public func isEmpty() throws(StoreError) -> Bool {
        try read { snapshot in
            try machines.count(in: snapshot) == 0 && roles.count(in: snapshot) == 0
                && groups.count(in: snapshot) == 0 && audit.count(in: snapshot) == 0
        }
    }

    /// Replaces everything with `copy` (the fleet's state at `copy.sequence`, as puts and
    /// events) in one commit: readers see the old state until then, the new one after.
    public func replace(with copy: ChangeSet, fleet: String) throws(StoreError) {
        try committing { txn in
            for database in [secrets, keyIDs, machineKeyIDs, keyUsage, machines, machineNames, audit, auditMachines,
                             roles, groups, roleMachines, groupMachines, usageDays, usageHours, keyAddresses, alerts] {
                try database.clear(in: txn)
            }
            try apply(copy, in: txn)
            try meta.put(Schema.changeSequenceKey, RecordCoding.sequenceKey(copy.sequence), in: txn)
            try meta.put(Schema.fleetKey, Array(fleet.utf8), in: txn)
        }
        lastApplied.store(copy.sequence, ordering: .releasing)
        commits.add(1, ordering: .releasing)
    }

    /// `body` in one write transaction, committed; LMDB's failures said as the store's.
    private func committing(_ body: (borrowing WriteTransaction) throws -> Void) throws(StoreError) {
        do {
            let txn = try environment.beginWrite()
            try body(txn)
            try txn.commit()
        } catch let error as LMDBError {
            throw StoreError(failure: error, directory: directory)
        } catch {
            throw StoreError(any: error)
        }
    }
}
