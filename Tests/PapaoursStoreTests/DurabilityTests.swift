import Foundation
import Testing
import PapaoursCore
@testable import PapaoursStore

@Suite("Store: files, locking, growth")
struct DurabilityTests {
    @Test("reopening the store after close keeps everything")
    func reopen() throws {
        let directory = TemporaryDirectory()
        let first = try Store(directory: directory.database)
        let machine = try first.makeMachine("web", description: "line\nbreak", organization: "acme", roles: "a,b")
        let secret = Secret.generate()
        let key = try first.makeKey("web", label: "prod", expires: "2099-01-01T00:00:00Z", secret: secret)
        try first.withWrite { txn in
            try first.applyUsage([key.id: UsageDelta(uses: 4, lastUsed: .now(), lastIP: "::1")], in: txn)
        }
        let keyAfterUsage = try #require(try first.showKey(key.id))
        let events = try first.events()
        first.close()

        let second = try Store(directory: directory.database)
        defer { second.close() }
        #expect(try second.show("web") == machine)
        #expect(try second.list() == [machine])
        #expect(try second.showKey(key.id) == keyAfterUsage)
        #expect(try second.withRead { txn in try second.key(hash: secret.hash, in: txn) } == keyAfterUsage)
        #expect(try second.events() == events)
        #expect(try second.events(machine: machine.id) == events)
        #expect(storeError { try second.makeMachine("WEB") }?.code == .exists)
    }

    @Test("a second Store on an open directory is refused: the daemon lock")
    func secondStoreRefused() throws {
        let directory = TemporaryDirectory()
        let first = try Store(directory: directory.database)
        try first.makeMachine("web")
        let error = try #require(openError(directory.database))
        #expect(error.code == .cannotOpen)
        #expect(error.message.contains("in use"))
        // The refused opening did not disturb the first store.
        try first.makeMachine("db")
        #expect(try first.list().count == 2)
        first.close()
        // Once closed, the directory opens again.
        let again = try Store(directory: directory.database)
        defer { again.close() }
        #expect(try again.list().count == 2)
    }

    @Test("the database directory is 0700 and its files 0600")
    func fileModes() throws {
        try withStore { store, directory in
            try store.makeMachine("web")
            #expect(try mode(directory.database) == 0o700)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.database)
            #expect(files.contains("data.mdb"))
            #expect(files.contains("lock.mdb"))
            #expect(files.contains("papaoursd.lock"))
            for file in files {
                #expect(try mode(directory.database + "/" + file) == 0o600, "\(file)")
            }
        }
    }

    @Test("an existing directory open to others is made owner-only")
    func existingDirectoryTightened() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.database, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o755])
        #expect(try mode(directory.database) == 0o755)
        let store = try Store(directory: directory.database)
        store.close()
        #expect(try mode(directory.database) == 0o700)
    }

    @Test("a directory owned by another user is refused", .enabled(if: geteuid() == 0, "needs root to chown"))
    func foreignOwner() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.database, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        #expect(chown(directory.database, 65534, 65534) == 0)
        let error = try #require(openError(directory.database))
        #expect(error.code == .cannotOpen)
        #expect(error.message.contains("owned by uid 65534"))
        #expect(!FileManager.default.fileExists(atPath: directory.database + "/data.mdb"), "nothing written into it")
    }

    @Test("a path that is not a directory is refused")
    func notADirectory() throws {
        let directory = TemporaryDirectory()
        #expect(FileManager.default.createFile(atPath: directory.database, contents: Data("x".utf8)))
        #expect(openError(directory.database)?.code == .cannotOpen)
        #expect(openError(directory.path + "/missing/deeper")?.code == .cannotOpen)
    }

    @Test("the map grows when full")
    func mapGrows() throws {
        let directory = TemporaryDirectory()
        let initial = 64 * 1024
        let store = try Store(directory: directory.database, mapSize: initial)
        let startSize = store.environment.mapSize
        #expect(startSize < 1 << 20)
        let description = String(repeating: "d", count: 900)
        for batch in 0..<20 {
            try store.withWrite { txn in
                for i in 0..<100 {
                    _ = try store.createMachine(MachineDraft(name: "machine-\(batch)-\(i)", description: description),
                                                by: root, at: .now(), in: txn)
                }
            }
        }
        #expect(store.environment.mapSize > startSize)
        #expect(store.environment.mapSize >= 2_000 * 900)
        #expect(try store.list().count == 2_000)
        #expect(try store.events().count == 2_000)
        store.close()

        // Reopened with the small size asked again, it keeps the grown map and everything in it.
        let reopened = try Store(directory: directory.database, mapSize: initial)
        defer { reopened.close() }
        #expect(reopened.environment.mapSize >= 2_000 * 900)
        #expect(try reopened.list().count == 2_000)
        #expect(try reopened.show("machine-19-99")?.description == description)
        try reopened.makeMachine("one more", description: description)
    }

    @Test("no secret value is written to the store, only its hash")
    func noSecretOnDisk() throws {
        let directory = TemporaryDirectory()
        let store = try Store(directory: directory.database)
        try store.makeMachine("web")
        var secrets: [Secret] = []
        for i in 0..<50 {
            let secret = Secret.generate()
            secrets.append(secret)
            try store.makeKey("web", label: "key \(i)", secret: secret)
        }
        let foreign = try Secret(validating: Array("legacy-imported-secret-value-42".utf8))
        try store.makeKey("web", label: "legacy", secret: foreign)
        secrets.append(foreign)
        store.close()

        let files = try FileManager.default.contentsOfDirectory(atPath: directory.database)
        #expect(files.contains("data.mdb"))
        let contents = try files.map { try Data(contentsOf: URL(fileURLWithPath: directory.database + "/" + $0)) }
        #expect(contents.reduce(0) { $0 + $1.count } > 0)
        for secret in secrets {
            let whole = Data(secret.bytes)
            let randomPart = Data(secret.bytes.count == 43 ? Array(secret.bytes[5..<37]) : secret.bytes)
            for (file, data) in zip(files, contents) {
                #expect(data.range(of: whole) == nil, "a secret is in \(file)")
                #expect(data.range(of: randomPart) == nil, "a secret's random part is in \(file)")
            }
            // The search works: the hash is there.
            #expect(contents.contains { $0.range(of: Data(secret.hash.bytes)) != nil }, "hash not found")
        }
    }
}

@Suite("Store: schema")
struct SchemaTests {
    @Test("a new store is at the current schema version")
    func fresh() throws {
        try withStore { store, _ throws in
            #expect(try store.withRead { txn in try store.schemaVersion(in: txn) } == Schema.version)
            #expect(Schema.version == 2)
        }
    }

    @Test("a store of a newer schema is refused")
    func newer() throws {
        let directory = TemporaryDirectory()
        let store = try Store(directory: directory.database)
        try store.makeMachine("web")
        try store.withWrite { txn in try store.meta.put(Schema.versionKey, [0, 0, 0, 99], in: txn) }
        store.close()
        for _ in 0..<2 {  // and the refusal releases the lock: the second try fails the same way
            let error = try #require(openError(directory.database))
            #expect(error.code == .cannotOpen)
            #expect(error.message.contains("schema version 99"), "\(error.message)")
        }
    }

    @Test("a schema 1 store is migrated to 2: the audit index by machine is rebuilt")
    func migrateFromOne() throws {
        let directory = TemporaryDirectory()
        var store = try Store(directory: directory.database)
        let m = try store.makeMachine("web")
        let other = try store.makeMachine("other")
        let k = try store.makeKey("web")
        _ = try store.withWrite { txn in try store.editKey(k.id.value, KeyChanges(label: "x"), by: root, at: .now(), in: txn) }
        try store.withWrite { txn in
            try store.recordDenied("MACHINE CREATE y", machine: nil, details: "", by: alice, at: .now(), in: txn)
        }
        let byMachine = try store.events(machine: m.id)
        #expect(byMachine.map(\.seq) == [1, 3, 4])
        try store.withWrite { txn in
            try store.meta.put(Schema.versionKey, [0, 0, 0, 1], in: txn)
            try store.auditByMachine.clear(in: txn)
        }
        #expect(try store.events(machine: m.id).isEmpty, "the index is gone, as in schema 1")
        store.close()

        store = try Store(directory: directory.database)
        defer { store.close() }
        #expect(try store.withRead { txn in try store.schemaVersion(in: txn) } == 2)
        #expect(try store.events(machine: m.id) == byMachine)
        #expect(try store.events(machine: other.id).map(\.seq) == [2])
        #expect(try store.events().count == 5)
    }

    @Test("a store with data but no version is schema 1 and is migrated")
    func noVersion() throws {
        let directory = TemporaryDirectory()
        var store = try Store(directory: directory.database)
        let m = try store.makeMachine("web")
        try store.withWrite { txn in
            #expect(try store.meta.delete(Schema.versionKey, in: txn))
            try store.auditByMachine.clear(in: txn)
        }
        store.close()
        store = try Store(directory: directory.database)
        defer { store.close() }
        #expect(try store.withRead { txn in try store.schemaVersion(in: txn) } == 2)
        #expect(try store.events(machine: m.id).map(\.action) == [.machineCreate])
    }
}
