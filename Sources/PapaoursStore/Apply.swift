import PapaoursCore

/// How a change set becomes records: mechanical, with no rule of its own. Indexes are kept
/// from the records the transaction already holds, so a set means the same on every store.
extension Store {
    func apply(_ set: ChangeSet, in txn: borrowing WriteTransaction) throws {
        for change in set.changes {
            switch change {
            case .putMachine(let record): try put(record, in: txn)
            case .deleteMachine(let id): try deleteMachine(id, in: txn)
            case .putKey(let record): try put(record, in: txn)
            case .deleteKey(let id): try deleteKey(id, in: txn)
            case .addUsage(let id, let delta): try addUsage(delta, to: id, in: txn)
            case .putRole(let record): try roles.put(Array(record.name.utf8), RecordCoding.encode(record), in: txn)
            case .deleteRole(let name): try roles.delete(Array(name.utf8), in: txn)
            case .putGroup(let record): try groups.put(Array(record.name.utf8), RecordCoding.encode(record), in: txn)
            case .deleteGroup(let name): try groups.delete(Array(name.utf8), in: txn)
            case .addActivity(let id, let change): try addActivity(change, to: id, in: txn)
            case .putAlert(let alert): try put(alert, in: txn)
            case .pruneAlerts(let before, let limit): try pruneAlerts(before: before, limit: limit, in: txn)
            case .pruneHistory(let keys, let days, let hours):
                for key in keys { try pruneHistory(of: key.stored, keepDaysFrom: days, keepHoursFrom: hours, in: txn) }
            }
        }
        for event in set.events { try append(event, in: txn) }
    }

    private func put(_ record: MachineRecord, in txn: borrowing WriteTransaction) throws {
        let id = record.id.stored
        let old = try machine(id: record.id, in: txn)
        if let old, Validation.nameFoldKey(old.name) != Validation.nameFoldKey(record.name) {
            try machineNames.delete(Array(Validation.nameFoldKey(old.name).utf8), in: txn)
        }
        try machines.put(id, RecordCoding.encode(record), in: txn)
        try machineNames.put(Array(Validation.nameFoldKey(record.name).utf8), id, in: txn)
        try index(id, holding: (record.roles, record.groups), held: (old?.roles ?? [], old?.groups ?? []), in: txn)
    }

    private func deleteMachine(_ id: MachineID, in txn: borrowing WriteTransaction) throws {
        guard let old = try machine(id: id, in: txn) else { return }
        try machineNames.delete(Array(Validation.nameFoldKey(old.name).utf8), in: txn)
        try machines.delete(id.stored, in: txn)
        try index(id.stored, holding: ([], []), held: (old.roles, old.groups), in: txn)
    }

    /// Keeps role-machines and group-machines: the names a machine no longer holds lose it.
    func index(_ id: [UInt8], holding new: (roles: [String], groups: [String]), held old: (roles: [String], groups: [String]),
               in txn: borrowing WriteTransaction) throws {
        for (database, now, before) in [(roleMachines, new.roles, old.roles), (groupMachines, new.groups, old.groups)] {
            for name in before where !now.contains(name) { try database.delete(Array(name.utf8), value: id, in: txn) }
            for name in now where !before.contains(name) { try database.put(Array(name.utf8), id, in: txn) }
        }
    }

    private func put(_ record: KeyRecord, in txn: borrowing WriteTransaction) throws {
        let id = record.id.stored
        try secrets.put(record.hash.bytes, RecordCoding.encode(record), in: txn)
        try keyIDs.put(id, Schema.hashPrefix(record.hash), in: txn)
        try machineKeyIDs.put(record.machine.stored, id, in: txn)
    }

    private func deleteKey(_ id: KeyID, in txn: borrowing WriteTransaction) throws {
        guard let old = try key(id: id, in: txn) else { return }
        let idBytes = id.stored
        try secrets.delete(old.hash.bytes, in: txn)
        try keyIDs.delete(idBytes, in: txn)
        try keyUsage.delete(idBytes, in: txn)
        try deleteHistory(of: idBytes, in: txn)
        try machineKeyIDs.delete(old.machine.stored, value: idBytes, in: txn)
    }

    private func addUsage(_ delta: UsageDelta, to id: KeyID, in txn: borrowing WriteTransaction) throws {
        let idBytes = id.stored
        guard try keyIDs.get(idBytes, in: txn) != nil else { return }
        var usage = try self.usage(of: id, in: txn)
        usage.add(delta)
        try keyUsage.put(idBytes, RecordCoding.encode(usage), in: txn)
    }

    private func append(_ event: AuditEvent, in txn: borrowing WriteTransaction) throws {
        let key = RecordCoding.sequenceKey(event.seq)
        try audit.put(key, RecordCoding.encode(event), append: true, in: txn)
        if let machine = event.machine { try auditMachines.put(machine.stored, key, in: txn) }
    }
}
