import PapaoursCore

/// Cross-checks of the store's indexes, for tests and restores.
extension Snapshot {
    /// What is inconsistent, in words; empty when every index agrees with the records.
    public func integrityProblems() throws -> [String] {
        var problems: [String] = []
        var records: [KeyRecord] = []
        try store.secrets.scan(in: self) { hash, value in
            guard let digest = SecretHash(stored: hash),
                  let record = try? value.withUnsafeBytes({ try RecordCoding.decodeKey($0, hash: digest, usage: .none) }) else {
                problems.append("a key record is corrupt")
                return true
            }
            records.append(record)
            return true
        }
        for key in records {
            if try store.hash(of: key.id, in: self) != key.hash { problems.append("key \(key.id) is not indexed by its id") }
            if try machine(id: key.machine) == nil { problems.append("key \(key.id) belongs to missing machine \(key.machine)") }
            if try !keyIDs(machine: key.machine).contains(key.id) { problems.append("key \(key.id) is not listed under its machine") }
        }
        var listed = 0
        for machine in try allMachines() {
            let ids = try keyIDs(machine: machine.id)
            listed += ids.count
            for id in ids where try key(id: id)?.machine != machine.id {
                problems.append("machine \(machine.id) lists key \(id), which is missing or another machine's")
            }
            if try machineID(nameKey: Validation.nameFoldKey(machine.name)) != machine.id {
                problems.append("name of machine \(machine.id) is not indexed to it")
            }
        }
        if listed != records.count { problems.append("machines list \(listed) keys, the store holds \(records.count)") }
        if try store.keyIDs.count(in: self) != records.count { problems.append("key id index and keys differ in count") }
        if try store.machineNames.count(in: self) != store.machines.count(in: self) { problems.append("name index and machines differ in count") }
        return problems
    }
}
