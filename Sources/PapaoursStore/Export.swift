import PapaoursCore

extension Snapshot {
    /// Every record, for EXPORT: machines, keys, then the journal in order.
    public func exportRecords() throws -> ImportBatch {
        var batch = ImportBatch()
        batch.machines = try allMachines()
        for m in batch.machines { batch.keys += try keys(machine: m.id) }
        var after: UInt64 = 0
        while true {
            let page = try auditEvents(.after(after), machine: nil, limit: 10_000)
            guard let last = page.last else { break }
            batch.events += page
            after = last.seq
        }
        return batch
    }
}
