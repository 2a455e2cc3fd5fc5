#if canImport(Glibc)
import Glibc
#endif
import PapaoursCore
import PapaoursStore

/// The keys the load draws from, kept in memory: secrets, their machines, which are inactive.
final class KeySet: @unchecked Sendable {
    static let keysPerMachine = 100
    static let secretLength = Secret.length
    /// Every tenth key is made inactive.
    static func isInactive(_ index: Int) -> Bool { index % 10 == 9 }

    let count: Int
    /// `secretLength` bytes per key, key i at i * secretLength.
    let secrets: [UInt8]
    /// `MachineIDLength.value` bytes per machine; key i belongs to machine i / keysPerMachine.
    let machineIDs: [UInt8]
    let active: [UInt32]
    let inactive: [UInt32]
    /// Well-formed secrets (Secret.generate()) the store does not hold.
    let unknown: [UInt8]
    let unknownCount: Int

    init(secrets: [UInt8], machineIDs: [UInt8], unknownCount: Int = 8192) {
        self.secrets = secrets
        self.machineIDs = machineIDs
        count = secrets.count / KeySet.secretLength
        var active: [UInt32] = []
        var inactive: [UInt32] = []
        active.reserveCapacity(count)
        for i in 0..<count {
            if KeySet.isInactive(i) { inactive.append(UInt32(i)) } else { active.append(UInt32(i)) }
        }
        self.active = active
        self.inactive = inactive
        var unknown: [UInt8] = []
        unknown.reserveCapacity(unknownCount * KeySet.secretLength)
        for _ in 0..<unknownCount { unknown += Secret.generate().bytes }
        self.unknown = unknown
        self.unknownCount = unknownCount
    }

    var machineCount: Int { machineIDs.count / MachineIDLength.value }

    func machineID(_ index: Int) -> String {
        let start = index * MachineIDLength.value
        return String(decoding: machineIDs[start..<(start + MachineIDLength.value)], as: UTF8.self)
    }
}

/// Fills a fresh database directly through the Store, before any daemon runs: large write
/// transactions, one machine per 100 keys, every tenth key made inactive.
enum BulkLoad {
    static let keysPerTransaction = 20_000
    /// Every machine holds the role `api`, which gives this right in the machines' organisation:
    /// VERIFY replies carry rights, and `require=` has one to check.
    static let right = "bench:read"

    static func load(count: Int, into directory: String) throws -> KeySet {
        let started = Clock.now()
        let store = try Store(directory: directory)
        defer { store.close() }
        let actor = Actor(uid: 0, user: "bench")
        var secrets: [UInt8] = []
        secrets.reserveCapacity(count * KeySet.secretLength)
        var machineIDs: [UInt8] = []
        var start = 0
        let snapshot = try Snapshot(store: store)
        while start < count {
            let end = min(count, start + keysPerTransaction)
            let batch = (start..<end).map { _ in Secret.generate() }
            let now = Timestamp.now()
            // The same decisions as the writer's, applied in one commit per batch.
            try snapshot.refresh()
            let view = BatchView(over: snapshot)
            var sets: [ChangeSet] = []
            func decided<V>(_ decision: Decision<V>) throws -> V {
                try view.absorb(decision.changes)
                sets.append(decision.changes)
                return decision.value
            }
            var made: [String] = []
            var machine = ""
            if start == 0 {
                _ = try decided(Decisions.createRole(RoleDraft(name: "api", members: "\(right),bench:write", perimeter: "Bench"),
                                                     authority: .full, by: actor, at: now, reading: view))
            }
            for i in start..<end {
                if i % KeySet.keysPerMachine == 0 || machine.isEmpty {
                    let name = "bench-\(i / KeySet.keysPerMachine)"
                    machine = try decided(Decisions.createMachine(MachineDraft(name: name, organization: "Bench", roles: "api"),
                                                                  by: actor, at: now, reading: view)).id.value
                    made.append(machine)
                }
                let key = try decided(Decisions.createKey(machine: machine, label: "bench key \(i)", expires: "",
                                                          secret: batch[i - start], by: actor, at: now, reading: view))
                if KeySet.isInactive(i) {
                    _ = try decided(Decisions.editKey(key.id.value, KeyChanges(status: "inactive"), by: actor, at: now, reading: view))
                }
            }
            snapshot.end()
            try store.apply(sets)
            for id in made { machineIDs += Array(id.utf8) }
            for secret in batch { secrets += secret.bytes }
            start = end
            if count >= 100_000 { progress("loaded \(end) of \(count) keys") }
        }
        let seconds = Double(Clock.now() - started) / 1e9
        var info = stat()
        let size = stat(directory + "/data.mdb", &info) == 0 ? Double(info.st_size) / 1048576 : .nan
        progress("loaded \(count) keys on \(machineIDs.count / MachineIDLength.value) machines in \(fixed(seconds, 1)) s"
            + " (data.mdb \(fixed(size, 0)) MiB)")
        return KeySet(secrets: secrets, machineIDs: machineIDs)
    }
}
