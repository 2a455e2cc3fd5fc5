import PapaoursCore

/// Records read back from an export, to be imported together.
public struct ImportBatch: Sendable {
    public var machines: [MachineRecord] = []
    public var keys: [KeyRecord] = []
    public var events: [AuditEvent] = []

    public init() {}

    public var count: Int { machines.count + keys.count + events.count }
}

/// What an import did: added, or skipped as already present.
public struct ImportReport: Sendable, Equatable {
    public var machinesAdded = 0, machinesSkipped = 0
    public var keysAdded = 0, keysSkipped = 0
    public var eventsAdded = 0, eventsSkipped = 0
}

extension Store {
    /// Imports a batch in the caller's transaction. Records already present (same id, or for
    /// events the same sequence and content) are skipped; any conflict refuses the whole batch.
    public func importRecords(_ batch: ImportBatch, in txn: borrowing WriteTransaction) throws -> ImportReport {
        var report = ImportReport()
        var refused: [String] = []
        var incomingMachines = Set<MachineID>()
        for m in batch.machines {
            if try machine(id: m.id, in: txn) != nil { report.machinesSkipped += 1; continue }
            if let owner = try machineNames.get(Array(Validation.nameFoldKey(m.name).utf8), in: txn) {
                refused.append("machine \(m.id): the name \(ChangeLog.quoted(m.name)) belongs to \(String(decoding: owner, as: UTF8.self))")
                continue
            }
            try putMachine(m, in: txn)
            try machineNames.put(Array(Validation.nameFoldKey(m.name).utf8), Array(m.id.value.utf8), in: txn)
            incomingMachines.insert(m.id)
            report.machinesAdded += 1
        }
        for k in batch.keys {
            if try key(id: k.id, in: txn) != nil { report.keysSkipped += 1; continue }
            if let other = try keyHashes.get(k.hash.bytes, in: txn) {
                refused.append("key \(k.id): its secret is already key \(String(decoding: other, as: UTF8.self))")
                continue
            }
            guard try machine(id: k.machine, in: txn) != nil else {
                refused.append("key \(k.id): machine \(k.machine) is neither in the store nor in the import")
                continue
            }
            try putKey(k, in: txn)
            try keyHashes.put(k.hash.bytes, Array(k.id.value.utf8), in: txn)
            try machineKeys.put(Array(k.machine.value.utf8) + Array(k.id.value.utf8), [], in: txn)
            report.keysAdded += 1
        }
        for var e in batch.events {
            if let bytes = try audit.get(RecordCoding.sequenceKey(e.seq), in: txn),
               try Store.decoded(bytes, "audit event", RecordCoding.decodeEvent) == e {
                report.eventsSkipped += 1
                continue
            }
            let last = try lastAuditSequence(in: txn)
            if e.seq <= last { e.seq = last + 1 }
            let key = RecordCoding.sequenceKey(e.seq)
            try audit.put(key, RecordCoding.encode(e), noOverwrite: true, in: txn)
            if let machine = e.machine { try auditByMachine.put(Array(machine.value.utf8) + key, [], in: txn) }
            report.eventsAdded += 1
        }
        if !refused.isEmpty {
            let shown = refused.prefix(5).joined(separator: "; ")
            throw StoreError(.exists, "import refused, nothing imported: \(refused.count) conflicting record(s): \(shown)")
        }
        return report
    }

    /// Every record, for EXPORT: machines, keys, then the journal in order.
    public func exportRecords<T: Transaction & ~Copyable>(in txn: borrowing T) throws -> ImportBatch {
        var batch = ImportBatch()
        batch.machines = try allMachines(in: txn)
        for m in batch.machines { batch.keys += try keys(machine: m.id, in: txn) }
        var after: UInt64 = 0
        while true {
            let page = try auditEvents(after: after, machine: nil, limit: 10_000, in: txn)
            guard let last = page.last else { break }
            batch.events += page
            after = last.seq
        }
        return batch
    }
}
