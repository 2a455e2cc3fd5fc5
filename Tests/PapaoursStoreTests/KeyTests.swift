import Testing
import PapaoursCore
@testable import PapaoursStore

@Suite("Store: keys and VERIFY")
struct KeyTests {
    @Test("create, list, show, edit keys; the hash finds the key")
    func lifecycle() throws {
        try withStore { store, _ in
            let now = Timestamp.now()
            let machine = try store.makeMachine("web")
            let secret = Secret.generate()
            let expires = Timestamp(seconds: now.seconds + 86_400)
            let key = try store.withWrite { txn in
                try store.createKey(machine: "web", label: "Clé production", expires: expires.description, secret: secret,
                                    by: alice, at: now, in: txn)
            }
            #expect(KeyID(key.id.value) != nil)
            #expect(key.machine == machine.id)
            #expect(key.label == "Clé production")
            #expect(key.status == .active)
            #expect(key.created == now)
            #expect(key.updated == now)
            #expect(key.createdBy == "alice")
            #expect(key.expires == expires)
            #expect(key.lastUsed == nil)
            #expect(key.uses == 0)
            #expect(key.lastIP == "")
            #expect(key.hash == secret.hash)

            let second = try store.makeKey(machine.id.value, label: "second")
            #expect(try store.showKey(key.id) == key)
            #expect(try store.withRead { txn in try store.key(ref: key.id.value, in: txn) } == key)
            #expect(try store.withRead { txn in try store.key(ref: "not-an-id", in: txn) } == nil)
            #expect(try store.withRead { txn in try store.key(hash: secret.hash, in: txn) } == key)
            #expect(try store.withRead { txn in try store.key(hash: Secret.generate().hash, in: txn) } == nil)
            #expect(try store.withRead { txn in try store.key(hash: SecretHash(of: secret.bytes.dropLast()), in: txn) } == nil)
            #expect(try store.withRead { txn in try store.keys(machine: machine.id, in: txn) }.map(\.id) == [key.id, second.id].sorted())
            #expect(try store.withRead { txn in try store.keyIDs(machine: machine.id, in: txn) } == [key.id, second.id].sorted())
            #expect(try store.withRead { txn in try store.keyCount(machine: machine.id, in: txn) } == 2)
            #expect(try store.withRead { txn in try store.counts(in: txn) }.keys == 2)

            let later = Timestamp(seconds: now.seconds + 5)
            let relabeled = try store.withWrite { txn in
                try store.editKey(key.id.value, KeyChanges(label: "renamed"), by: root, at: later, in: txn)
            }
            #expect(relabeled.label == "renamed")
            #expect(relabeled.status == .active)
            #expect(relabeled.updated == later)
            #expect(relabeled.created == now)
            #expect(relabeled.hash == secret.hash, "the secret never changes")
            let disabled = try store.withWrite { txn in
                try store.editKey(key.id.value, KeyChanges(status: "inactive"), by: root, at: later, in: txn)
            }
            #expect(disabled.status == .inactive)
            #expect(disabled.label == "renamed")
            #expect(try store.showKey(key.id) == disabled)
            #expect(try store.withRead { txn in try store.key(hash: secret.hash, in: txn) } == disabled)
        }
    }

    @Test("keys of one machine are not listed under another")
    func keysPerMachine() throws {
        try withStore { store, _ in
            let a = try store.makeMachine("a")
            let b = try store.makeMachine("b")
            let ka = try store.makeKey("a")
            let kb1 = try store.makeKey("b")
            let kb2 = try store.makeKey(b.id.value)
            #expect(try store.withRead { txn in try store.keyIDs(machine: a.id, in: txn) } == [ka.id])
            #expect(try store.withRead { txn in try store.keyIDs(machine: b.id, in: txn) } == [kb1.id, kb2.id].sorted())
        }
    }

    @Test("label bounds and expiry checks", arguments: [
        ("", "", "label"),
        (String(repeating: "l", count: 101), "", "label"),
        ("tab\there", "", "label"),
        ("ok", "2020-01-01T00:00:00Z", "expires"),
        ("ok", "not a time", "expires"),
        ("ok", "2027-02-30T00:00:00Z", "expires"),
    ])
    func invalidKey(label: String, expires: String, field: String) throws {
        try withStore { store, _ in
            try store.makeMachine("web")
            let error = try #require(storeError { try store.makeKey("web", label: label, expires: expires) })
            #expect(error.code == .invalid)
            #expect(error.message.hasPrefix(field + " "), "\(error.message)")
            #expect(try store.withRead { txn in try store.counts(in: txn) }.keys == 0)
        }
    }

    @Test("an expiry equal to now is refused, one second later is accepted; 100-character labels are fine")
    func expiryBounds() throws {
        try withStore { store, _ in
            try store.makeMachine("web")
            let now = Timestamp(seconds: 1_795_905_998)
            #expect(storeError { try store.makeKey("web", expires: now.description, at: now) }?.code == .invalid)
            let key = try store.makeKey("web", label: String(repeating: "l", count: 100),
                                        expires: "2026-11-28T23:46:39+01:00", at: now)
            #expect(key.expires == Timestamp(seconds: now.seconds + 1))
            #expect(try store.makeKey("web", expires: "").expires == nil)
        }
    }

    @Test("invalid key edits", arguments: [(KeyChanges(label: ""), "label"), (KeyChanges(status: "disabled"), "status")])
    func invalidKeyEdit(changes: KeyChanges, field: String) throws {
        try withStore { store, _ in
            try store.makeMachine("web")
            let key = try store.makeKey("web")
            let error = try #require(storeError {
                try store.withWrite { txn in try store.editKey(key.id.value, changes, by: root, at: .now(), in: txn) }
            })
            #expect(error.code == .invalid)
            #expect(error.message.hasPrefix(field + " "))
            #expect(try store.showKey(key.id) == key)
        }
    }

    @Test("the same secret cannot be stored twice")
    func duplicateSecret() throws {
        try withStore { store, _ in
            try store.makeMachine("a")
            try store.makeMachine("b")
            let secret = Secret.generate()
            let first = try store.makeKey("a", secret: secret)
            #expect(storeError { try store.makeKey("b", secret: secret) }?.code == .exists)
            #expect(try store.withRead { txn in try store.key(hash: secret.hash, in: txn) }?.id == first.id)
        }
    }

    @Test("VERIFY outcomes, in protocol order: unknown, inactive key, expired, inactive machine, valid")
    func verifyOrder() throws {
        try withStore { store, _ in
            let now = Timestamp.now()
            let expiry = Timestamp(seconds: now.seconds + 3600)
            let machine = try store.makeMachine("web", roles: "api")
            let plainSecret = Secret.generate()
            let expiringSecret = Secret.generate()
            let plain = try store.makeKey("web", label: "plain", secret: plainSecret, at: now)
            let expiring = try store.makeKey("web", label: "expiring", expires: expiry.description, secret: expiringSecret, at: now)

            #expect(try store.outcome(Secret.generate().hash, at: now).name == "unknownKey")

            let k = try store.outcome(plainSecret.hash, at: now)
            #expect(k.outcome == .valid)
            #expect(k.key == plain.id && k.label == plain.label && k.expires == nil)
            #expect(k.machine == machine)
            #expect(try store.outcome(expiringSecret.hash, at: now).name == "valid")
            #expect(try store.outcome(expiringSecret.hash, at: Timestamp(seconds: expiry.seconds - 1)).name == "valid")
            #expect(try store.outcome(expiringSecret.hash, at: expiry).outcome == .expiredKey(expiring.expires!))
            #expect(try store.outcome(expiringSecret.hash, at: Timestamp(seconds: expiry.seconds + 999_999)).name == "expiredKey")

            // Inactive key comes before expiry.
            _ = try store.withWrite { txn in try store.editKey(expiring.id.value, KeyChanges(status: "inactive"), by: root, at: now, in: txn) }
            #expect(try store.outcome(expiringSecret.hash, at: expiry).name == "inactiveKey")
            _ = try store.withWrite { txn in try store.editKey(expiring.id.value, KeyChanges(status: "active"), by: root, at: now, in: txn) }

            // Inactive machine comes after the key's own checks.
            _ = try store.withWrite { txn in try store.editMachine("web", MachineChanges(status: "inactive"), by: root, at: now, in: txn) }
            let im = try store.outcome(plainSecret.hash, at: now)
            #expect(im.outcome == .inactiveMachine && im.key == plain.id)
            #expect(try store.outcome(expiringSecret.hash, at: expiry).name == "expiredKey")
            #expect(try store.outcome(expiringSecret.hash, at: now).name == "inactiveMachine")
            _ = try store.withWrite { txn in try store.editKey(plain.id.value, KeyChanges(status: "inactive"), by: root, at: now, in: txn) }
            #expect(try store.outcome(plainSecret.hash, at: now).name == "inactiveKey")

            // Back to active: valid again.
            _ = try store.withWrite { txn in try store.editMachine("web", MachineChanges(status: "active"), by: root, at: now, in: txn) }
            _ = try store.withWrite { txn in try store.editKey(plain.id.value, KeyChanges(status: "active"), by: root, at: now, in: txn) }
            #expect(try store.outcome(plainSecret.hash, at: now).name == "valid")
        }
    }

    @Test("foreign secrets are stored and verified by their hash too")
    func foreignSecret() throws {
        try withStore { store, _ in
            try store.makeMachine("web")
            let secret = try Secret(validating: Array("imported-legacy-key-0123456789".utf8))
            let key = try store.makeKey("web", secret: secret)
            let k = try store.outcome(SecretHash(of: Array("imported-legacy-key-0123456789".utf8)), at: .now())
            #expect(k.outcome == .valid && k.key == key.id)
        }
    }

    @Test("deleting a machine removes its keys and their hashes, and frees its name")
    func deleteCascade() throws {
        try withStore { store, _ in
            let machine = try store.makeMachine("web")
            let other = try store.makeMachine("other")
            let secrets = (0..<5).map { _ in Secret.generate() }
            let keys = try secrets.map { try store.makeKey("web", secret: $0) }
            let otherSecret = Secret.generate()
            let otherKey = try store.makeKey("other", secret: otherSecret)

            let deleted = try store.withWrite { txn in try store.deleteMachine("web", by: root, at: .now(), in: txn) }
            #expect(deleted.machine.id == machine.id)
            #expect(Set(deleted.keys) == Set(keys.map(\.id)))

            try store.withRead { txn throws in
                for (secret, key) in zip(secrets, keys) {
                    #expect(try store.key(hash: secret.hash, in: txn) == nil)
                    #expect(try store.key(id: key.id, in: txn) == nil)
                    #expect(try txn.verdict(secret.hash, at: .now()).name == "unknownKey")
                }
                #expect(try store.keyIDs(machine: machine.id, in: txn).isEmpty)
                #expect(try store.keys(machine: machine.id, in: txn).isEmpty)
                #expect(try store.machine(id: machine.id, in: txn) == nil)
                #expect(try store.counts(in: txn).machines == 1)
                #expect(try store.counts(in: txn).keys == 1)
                #expect(try store.key(hash: otherSecret.hash, in: txn) == otherKey)
                #expect(try store.keyIDs(machine: other.id, in: txn) == [otherKey.id])
                // Nothing of the deleted keys is left in any index.
                #expect(try store.secrets.count(in: txn) == 1)
                #expect(try store.keyIDs.count(in: txn) == 1)
                #expect(try store.machineKeyIDs.count(in: txn) == 1)
                #expect(try store.machineNames.count(in: txn) == 1)
                #expect(try txn.integrityProblems().isEmpty)
            }
            let reborn = try store.makeMachine("WEB")
            #expect(try store.withRead { txn in try store.keyIDs(machine: reborn.id, in: txn) }.isEmpty)
            // A deleted key's secret can be stored again (its hash is gone).
            try store.makeKey("WEB", secret: secrets[0])
        }
    }

    @Test("applyUsage adds uses, keeps the latest use and its ip, ignores unknown keys")
    func usage() throws {
        try withStore { store, _ in
            try store.makeMachine("web")
            let key = try store.makeKey("web")
            let untouched = try store.makeKey("web")
            let t1 = Timestamp(seconds: key.created.seconds + 10)
            let t0 = Timestamp(seconds: key.created.seconds + 5)
            let sequence = try store.withRead { txn in try store.lastAuditSequence(in: txn) }

            try store.withWrite { txn in
                try store.applyUsage([key.id: UsageDelta(uses: 3, lastUsed: t1, lastIP: "192.0.2.1"),
                                      KeyID.random(): UsageDelta(uses: 9, lastUsed: t1, lastIP: "x")], in: txn)
            }
            var after = try #require(try store.showKey(key.id))
            #expect(after.uses == 3)
            #expect(after.lastUsed == t1)
            #expect(after.lastIP == "192.0.2.1")
            #expect(after.updated == key.updated, "usage is not an edit")
            #expect(after.label == key.label)
            #expect(after.hash == key.hash)

            // An older batch adds its uses but keeps the latest use.
            try store.withWrite { txn in
                try store.applyUsage([key.id: UsageDelta(uses: 2, lastUsed: t0, lastIP: "192.0.2.2")], in: txn)
            }
            after = try #require(try store.showKey(key.id))
            #expect(after.uses == 5)
            #expect(after.lastUsed == t1)
            #expect(after.lastIP == "192.0.2.1")

            #expect(try store.showKey(untouched.id) == untouched)
            #expect(try store.withRead { txn in try store.counts(in: txn) }.keys == 2, "unknown ids are not created")
            #expect(try store.withRead { txn in try store.lastAuditSequence(in: txn) } == sequence, "usage is not journaled")
        }
    }
}

@Suite("Store: machine cache for VERIFY")
struct MachineCacheTests {
    @Test func entriesHoldOnlyForTheSnapshotTheyWereReadIn() throws {
        let cache = MachineCache<String>()
        let id = try #require(StoredID(MachineID.random()))
        #expect(cache.entry(id, generation: 3) == nil)
        cache.remember(id, "web")
        #expect(cache.entry(id, generation: 3) == "web")
        #expect(cache.entry(id, generation: 4) == nil, "a newer snapshot drops what an older one read")
    }

    @Test func storedIDsRoundTrip() throws {
        let key = KeyID.random()
        let stored = try #require(StoredID(key))
        #expect(stored.id(as: KeyID.self) == key)
        #expect(StoredID(MachineID.random()) != stored)
    }
}
