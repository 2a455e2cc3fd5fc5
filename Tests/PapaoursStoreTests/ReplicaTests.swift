import Testing
import PapaoursCore
@testable import PapaoursStore

/// The store as a fleet's replica (Store+Fleet.swift): the stream followed again without harm,
/// a whole copy swapped in, the fleet it belongs to.
@Suite struct ReplicaTests {
    @Test("following passes over what was applied and still refuses a gap")
    func followSkipsApplied() throws {
        try withStore { source, _ in
            let sets = try ChangeSetTests.history(on: source)
            try withStore { replica, _ in
                #expect(try replica.follow(Array(sets.prefix(2))) == 2)
                #expect(try replica.follow(Array(sets.prefix(3))) == 3, "1 and 2 passed over, 3 applied")
                #expect(try replica.follow(Array(sets.prefix(3))) == 3, "nothing new: nothing done")
                let gap = try #require(storeError { try replica.follow([sets[4]]) })
                #expect(gap.message.contains("does not follow 3"))
                #expect(try replica.follow(Array(sets.dropFirst(3))) == UInt64(sets.count))
                #expect(try ChangeSetTests.dump(replica) == ChangeSetTests.dump(source))
            }
        }
    }

    @Test("a copy replaces everything in one commit and marks the fleet")
    func replaceSwapsTheWholeStore() throws {
        try withStore { source, _ in
            let sets = try ChangeSetTests.history(on: source)
            try withStore { replica, _ in
                try replica.makeMachine("left-behind")
                #expect(try replica.fleetID() == nil)
                #expect(try !replica.isEmpty())
                // The fleet's state as one set: what FleetCopy reads from PostgreSQL.
                var copy = ChangeSet(sequence: 40)
                for set in sets { copy.changes += set.changes; copy.events += set.events }
                try replica.replace(with: copy, fleet: "f-1")
                #expect(replica.changeSequence == 40)
                #expect(try replica.fleetID() == "f-1")
                let (a, b) = (try ChangeSetTests.dump(replica), try ChangeSetTests.dump(source))
                #expect(a.filter { $0.key != "meta" } == b.filter { $0.key != "meta" }, "the machine of its own is gone")
                try replica.join(fleet: "f-2")
                #expect(try replica.fleetID() == "f-2")
            }
        }
    }
}
