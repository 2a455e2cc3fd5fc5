import PapaoursCore

/// Cross-checks of the store's indexes, for tests and `papaoursd --check-database`.
extension Store {
    /// What is inconsistent, in words; empty when every index agrees with the records.
    public func integrityProblems<T: Transaction & ~Copyable>(in txn: borrowing T) throws -> [String] {
        var problems: [String] = []
        var hashes: [([UInt8], [UInt8])] = []
        try keyHashes.scan(in: txn) { k, v in hashes.append((k, v)); return true }
        for (hash, idBytes) in hashes {
            let id = KeyID(unchecked: String(decoding: idBytes, as: UTF8.self))
            guard let key = try key(id: id, in: txn) else { problems.append("hash indexes missing key \(id)"); continue }
            if key.hash.bytes != hash { problems.append("hash index of \(id) does not match its record") }
        }
        var keyValues: [[UInt8]] = []
        try keys.scan(in: txn) { _, v in keyValues.append(v); return true }
        for value in keyValues {
            let key = try Store.decoded(value, "key", RecordCoding.decodeKey)
            if try keyHashes.get(key.hash.bytes, in: txn) == nil { problems.append("key \(key.id) has no hash index") }
            if try machine(id: key.machine, in: txn) == nil { problems.append("key \(key.id) belongs to missing machine \(key.machine)") }
            if try machineKeys.get(Array(key.machine.value.utf8) + Array(key.id.value.utf8), in: txn) == nil {
                problems.append("key \(key.id) is not listed under its machine")
            }
        }
        var listed = 0
        for machine in try allMachines(in: txn) {
            let ids = try keyIDs(machine: machine.id, in: txn)
            listed += ids.count
            for id in ids where try key(id: id, in: txn)?.machine != machine.id {
                problems.append("machine \(machine.id) lists key \(id), which is missing or another machine's")
            }
            let nameOwner = try machineNames.get(Array(Validation.nameFoldKey(machine.name).utf8), in: txn)
            if nameOwner != Array(machine.id.value.utf8) { problems.append("name of machine \(machine.id) is not indexed to it") }
        }
        if listed != keyValues.count { problems.append("machines list \(listed) keys, the store holds \(keyValues.count)") }
        if try machineNames.count(in: txn) != machines.count(in: txn) { problems.append("name index and machines differ in count") }
        return problems
    }
}
