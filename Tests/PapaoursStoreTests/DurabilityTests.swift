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
        #expect(try second.events(machine: machine.id) == events.filter { $0.machine == machine.id })
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

    @Test("a store whose map is full refuses writes, says why, loses nothing and keeps serving reads")
    func mapFull() throws {
        let directory = TemporaryDirectory()
        let store = try Store(directory: directory.database, mapSize: 256 * 1024)
        let description = String(repeating: "d", count: 900)
        var made = 0
        var refusal: StoreError?
        for batch in 0..<100 where refusal == nil {
            refusal = storeError {
                try store.withWrite { txn in
                    for i in 0..<20 {
                        _ = try store.createMachine(MachineDraft(name: "machine-\(batch)-\(i)", description: description),
                                                    by: root, at: .now(), in: txn)
                    }
                }
            }
            if refusal == nil { made += 20 }
        }
        let error = try #require(refusal)
        #expect(error.code == .unavailable)
        #expect(error.message.contains("map size"), "\(error.message)")
        #expect(made > 0)
        #expect(try store.list().count == made, "the refused batch left nothing, the others everything")
        #expect(try store.show("machine-0-0")?.description == description)
        store.close()

        // With a bigger map the same store takes writes again.
        let reopened = try Store(directory: directory.database, mapSize: 4 << 20)
        defer { reopened.close() }
        #expect(try reopened.list().count == made)
        try reopened.makeMachine("one more", description: description)
        #expect(try reopened.read { try $0.integrityProblems() }.isEmpty)
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

@Suite("Store: schema and migration")
struct SchemaTests {
    @Test("a new store is at the current schema version")
    func fresh() throws {
        try withStore { store, _ throws in
            #expect(try store.rawVersion() == Schema.version)
            #expect(Schema.version == 4)
        }
    }

    @Test("a store of a newer schema is refused")
    func newer() throws {
        let directory = TemporaryDirectory()
        let store = try Store(directory: directory.database)
        try store.makeMachine("web")
        try store.rawWrite { txn in try store.meta.put(Schema.versionKey, [0, 0, 0, 99], in: txn) }
        store.close()
        for _ in 0..<2 {  // and the refusal releases the lock: the second try fails the same way
            let error = try #require(openError(directory.database))
            #expect(error.code == .cannotOpen)
            #expect(error.message.contains("schema version 99"), "\(error.message)")
        }
    }

    @Test("a schema 2 store made by version 1.0 is migrated to 3 with nothing lost")
    func fromSchema2() throws {
        let directory = try Schema2Fixture.copy()
        let store = try Store(directory: directory.database)
        defer { store.close() }
        try Schema2Fixture.expectMigrated(store)
    }

    @Test("a migration stopped before its commit leaves the schema 2 store whole; the next start migrates it")
    func stoppedBeforeCommit() throws {
        let directory = try Schema2Fixture.copy()
        let error = try #require(storeError { try Store(directory: directory.database, migrationStop: .beforeCommit) })
        #expect(error.message.contains("before its commit"))
        #expect(try Schema2Fixture.databaseNames(directory.database).isSuperset(of: Schema.version2Databases),
                "schema 2's databases are still there")
        let store = try Store(directory: directory.database)
        defer { store.close() }
        try Schema2Fixture.expectMigrated(store)
    }

    @Test("a migration stopped right after its commit is complete: the next start does not migrate again")
    func stoppedAfterCommit() throws {
        let directory = try Schema2Fixture.copy()
        _ = storeError { try Store(directory: directory.database, migrationStop: .afterCommit) }
        #expect(try Schema2Fixture.databaseNames(directory.database).isDisjoint(with: Schema.version2Databases))
        let store = try Store(directory: directory.database, migrationStop: .beforeCommit)
        defer { store.close() }
        try Schema2Fixture.expectMigrated(store)
    }

    @Test("a store with data but no version is schema 1 (no audit index by machine) and is migrated")
    func fromSchema1() throws {
        let directory = try Schema2Fixture.copy()
        try Schema2Fixture.downgradeToSchema1(directory.database)
        let store = try Store(directory: directory.database)
        defer { store.close() }
        try Schema2Fixture.expectMigrated(store)
    }
}
