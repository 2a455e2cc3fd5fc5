import CLMDB
import Foundation
import Testing
import PapaoursCore
@testable import PapaoursStore

/// A store made by papaoursd 1.0 (schema 2) through its protocol: five machines (one renamed
/// and made inactive, one deleted with its key, names with accents, ß and a line break), five
/// keys (one with an expiry, edited inactive), three VERIFYs, two refusals journaled as
/// `denied`; and that daemon's EXPORT of it. No secret is kept: keys are checked by hash.
enum Schema2Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/schema2").path

    /// A fresh copy of the fixture's database, to migrate.
    static func copy() throws -> TemporaryDirectory {
        let temporary = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: temporary.database, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        try FileManager.default.copyItem(atPath: directory + "/data.mdb", toPath: temporary.database + "/data.mdb")
        return temporary
    }

    /// The EXPORT lines the 1.0 daemon sent, as name → attributes.
    static func exported() throws -> [(type: String, attributes: [String: String])] {
        let text = try String(contentsOfFile: directory + "/export.txt", encoding: .utf8)
        return text.split(separator: "\n").map { line in
            let type = String(line.prefix { $0 != " " })
            var attributes: [String: String] = [:]
            for match in line.matches(of: /([a-z-]+)=("(?:[^"\\]|\\.)*"|\S*)/) {
                var value = String(match.2)
                if value.hasPrefix("\"") { value = String(value.dropFirst().dropLast()) }
                attributes[String(match.1)] = value.replacingOccurrences(of: "\\\"", with: "\"")
            }
            return (type, attributes)
        }
    }

    /// Everything the 1.0 store held is in the migrated one, and reads as before.
    static func expectMigrated(_ store: Store) throws {
        #expect(try store.rawVersion() == Schema.version)
        let lines = try exported()
        try store.read { snapshot in
            #expect(try snapshot.integrityProblems() == [])
            let counts = try snapshot.counts()
            #expect(counts.machines == lines.filter { $0.type == "MACHINE" }.count)
            #expect(counts.keys == lines.filter { $0.type == "KEY" }.count)
            for (type, a) in lines where type == "MACHINE" {
                let machine = try #require(try snapshot.machine(id: MachineID(unchecked: a["id"]!)))
                #expect(machine.name == a["name"]!.replacingOccurrences(of: "\\n", with: "\n"))
                #expect(machine.status.rawValue == a["status"])
                #expect(machine.organization == a["organization"])
                #expect(try snapshot.machine(ref: machine.name)?.id == machine.id, "found by its name")
                #expect(try snapshot.keyCount(machine: machine.id) == Int(a["keys"]!))
                #expect(machine.roles.joined(separator: ",") == a["roles"], "VERIFY's roles= is unchanged")
                #expect(machine.groups.isEmpty && !machine.protected && machine.rights.isEmpty)
                // Schema 4: every free-text role is a role with no rights and perimeter `*`, held by its machines.
                for name in machine.roles {
                    let role = try #require(try snapshot.role(name: name))
                    #expect(role.rights.isEmpty && role.perimeter == .everywhere && !role.protected)
                    #expect(try snapshot.machineIDs(role: name).contains(machine.id))
                }
            }
            let named = Set(lines.filter { $0.type == "MACHINE" }.flatMap { ($0.attributes["roles"] ?? "").split(separator: ",").map(String.init) })
            #expect(Set(try snapshot.allRoles().map(\.name)) == named, "one role per name, no other")
            for (type, a) in lines where type == "KEY" {
                let key = try #require(try snapshot.key(id: KeyID(unchecked: a["id"]!)))
                #expect(Hex.encode(key.hash.bytes) == a["hash"])
                #expect(key.label == a["label"] && key.status.rawValue == a["status"])
                #expect(key.uses == UInt64(a["uses"]!) && key.lastIP == a["last-ip"])
                #expect((key.lastUsed?.description ?? "never") == a["last-used"])
                #expect((key.expires?.description ?? "") == a["expires"])
                let outcome = try snapshot.verdict(key.hash, at: .now())
                let machineActive = try snapshot.machine(id: key.machine)?.status == .active
                #expect(outcome.name == (key.status == .inactive ? "inactiveKey" : machineActive ? "valid" : "inactiveMachine"))
            }
            let events = try snapshot.auditEvents(.after(0), machine: nil, limit: 1000)
            let exportedEvents = lines.filter { $0.type == "EVENT" }
            #expect(events.map(\.seq) == exportedEvents.map { UInt64($0.attributes["seq"]!)! })
            for (event, a) in zip(events, exportedEvents.map(\.attributes)) {
                #expect(event.action.rawValue == a["action"] && event.user == a["user"] && event.target == a["target"])
                #expect(event.time.description == a["time"] && event.machine?.value == a["machine"])
                #expect(event.changes.isEmpty, "1.0's events carry details only")
            }
            // The index by machine, deleted machines included.
            for machine in Set(events.compactMap(\.machine)) {
                #expect(try snapshot.auditEvents(.after(0), machine: machine, limit: 1000) == events.filter { $0.machine == machine })
            }
        }
    }

    /// Names of the databases in the file (the keys of LMDB's main database).
    static func databaseNames(_ path: String) throws -> Set<String> {
        try withEnvironment(path) { env in
            let txn = try env.beginWrite()
            var names: Set<String> = []
            let main = try #require(try Database(existing: nil, in: txn))
            try main.scan(in: txn) { key, _ in names.insert(String(decoding: key, as: UTF8.self)); return true }
            txn.abort()
            return names
        }
    }

    /// Makes the copy look like schema 1: no version in meta, no audit index by machine.
    static func downgradeToSchema1(_ path: String) throws {
        try withEnvironment(path) { env in
            let txn = try env.beginWrite()
            let meta = try #require(try Database(existing: "meta", in: txn))
            #expect(try meta.delete(Schema.versionKey, in: txn))
            try #require(try Database(existing: "audit-by-machine", in: txn)).drop(in: txn)
            try txn.commit()
        }
    }

    private static func withEnvironment<R>(_ path: String, _ body: (Environment) throws -> R) throws -> R {
        let env = try Environment(path: path, mapSize: 16 << 20, maxDatabases: 32, maxReaders: 8)
        defer { env.close() }
        return try body(env)
    }
}

extension Store {
    func rawWrite(_ body: (borrowing WriteTransaction) throws -> Void) throws {
        let txn = try environment.beginWrite()
        try body(txn)
        try txn.commit()
    }

    func rawVersion() throws -> UInt32? {
        let txn = try environment.beginRead()
        return try schemaVersion(in: txn)
    }
}
