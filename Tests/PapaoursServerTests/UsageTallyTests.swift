import PapaoursCore
import PapaoursStore
@testable import PapaoursServer
import Testing

@Suite struct AddressSightingsTests {
    /// Sightings of one key, in order → its addresses least recently seen first, with counts.
    @Test(arguments: [
        (["a"], ["a:1"]),
        (["a", "a", "a"], ["a:3"]),
        (["a", "b", "a"], ["b:1", "a:2"]),
        (["10.0.0.1", "10.0.0.10", "10.0.0.1", "::1"], ["10.0.0.10:1", "10.0.0.1:2", "::1:1"]),
        (["b", "a", "c", "b", "c"], ["a:1", "b:2", "c:2"]),
        ([String(repeating: "x", count: 256), "y", String(repeating: "x", count: 256)], ["y:1", String(repeating: "x", count: 256) + ":2"]),
        // Same length, same first and last 8 bytes: only the middle tells them apart.
        (["2001:db8:aaaa:0:0:0:0:0001", "2001:db8:bbbb:0:0:0:0:0001", "2001:db8:aaaa:0:0:0:0:0001"],
         ["2001:db8:bbbb:0:0:0:0:0001:1", "2001:db8:aaaa:0:0:0:0:0001:2"]),
        (["12345678abcdefgh", "12345678abcdefgi", "1234567", "1234568"], ["12345678abcdefgh:1", "12345678abcdefgi:1", "1234567:1", "1234568:1"]),
        // Digits and dots up to 15 are their own tag; longer ones or others are not.
        (["1.2.3.4", "1.2.3.40", "01.2.3.4", "1.2.3.4", "...", "123456789012345", "1234567890123456", "123456789012345"],
         ["1.2.3.40:1", "01.2.3.4:1", "1.2.3.4:2", "...:1", "1234567890123456:1", "123456789012345:2"]),
        (["9", "0", "9.", ".9", "9"], ["0:1", "9.:1", ".9:1", "9:2"]),
    ])
    func orderAndCounts(seen: [String], expected: [String]) {
        var sightings = AddressSightings()
        var list = AddressSightings.List()
        for ip in seen { see(ip, &sightings, &list, at: 100) }
        #expect(sightings.uses(of: list).map { "\($0.ip):\($0.count)" } == expected)
        #expect(list.count == expected.count)
    }

    /// Beyond the limit the least recently seen gives way, and comes back as new.
    @Test(arguments: [
        (["a", "b", "c", "d"], ["b:1", "c:1", "d:1"]),
        (["a", "b", "a", "c", "d"], ["a:2", "c:1", "d:1"]),
        (["a", "b", "c", "d", "a"], ["c:1", "d:1", "a:1"]),
        (["a", "b", "c", "dddddddddddddddddddddddddddddddd", "b", "e"], ["dddddddddddddddddddddddddddddddd:1", "b:2", "e:1"]),
    ])
    func leastRecentGivesWay(seen: [String], expected: [String]) {
        var sightings = AddressSightings()
        var list = AddressSightings.List()
        for ip in seen { see(ip, &sightings, &list, at: 100, limit: 3) }
        #expect(sightings.uses(of: list).map { "\($0.ip):\($0.count)" } == expected)
    }

    /// More addresses than a block holds: the key's blocks are chained, all found again.
    @Test(arguments: [9, 17, 64])
    func manyAddresses(distinct: Int) {
        var sightings = AddressSightings()
        var list = AddressSightings.List(), other = AddressSightings.List()
        let ips = (0..<distinct).map { "10.1.\($0 / 7).\($0 % 7)" }
        for ip in ips { see(ip, &sightings, &list, at: 100) }
        see("10.9.9.9", &sightings, &other, at: 100)
        for ip in ips.reversed() { see(ip, &sightings, &list, at: 101) }
        #expect(sightings.uses(of: list).map(\.ip) == ips.reversed())
        #expect(sightings.uses(of: list).allSatisfy { $0.count == 2 && $0.last == Timestamp(seconds: 101) })
        #expect(sightings.uses(of: other).map(\.ip) == ["10.9.9.9"])
    }

    @Test func keysKeepTheirOwnAddressesAndTimes() {
        var sightings = AddressSightings()
        var first = AddressSightings.List(), second = AddressSightings.List()
        see("a", &sightings, &first, at: 10)
        see("a", &sightings, &second, at: 11)
        see("a", &sightings, &first, at: 12)
        see("b", &sightings, &second, at: 13)
        #expect(sightings.uses(of: first) == [AddressUse(ip: "a", first: Timestamp(seconds: 10), last: Timestamp(seconds: 12), count: 2)])
        #expect(sightings.uses(of: second) == [AddressUse(ip: "a", first: Timestamp(seconds: 11), last: Timestamp(seconds: 11), count: 1),
                                               AddressUse(ip: "b", first: Timestamp(seconds: 13), last: Timestamp(seconds: 13), count: 1)])
    }

    /// A clock that goes back moves an address's first sighting back too.
    @Test func firstAndLastFollowTheClock() {
        var sightings = AddressSightings()
        var list = AddressSightings.List()
        for seconds in [50, 40, 60, 30] as [Int64] { see("192.0.2.7", &sightings, &list, at: seconds) }
        #expect(sightings.uses(of: list) == [AddressUse(ip: "192.0.2.7", first: Timestamp(seconds: 30), last: Timestamp(seconds: 60), count: 4)])
    }

    private func see(_ ip: String, _ sightings: inout AddressSightings, _ list: inout AddressSightings.List,
                     at seconds: Int64, limit: Int = KeyActivity.maxAddresses) {
        var ip = ip
        ip.withUTF8 { sightings.see(UnsafeRawBufferPointer($0), in: &list, at: Timestamp(seconds: seconds), limit: limit) }
    }
}

@Suite struct UsageTallyTests {
    static let keys = (0..<3).map { i in KeyID(unchecked: "k_key\(i)123456789abc") }

    /// A VERIFY as the tally sees it: key index, accepted or refused (with its result), ip, time.
    struct Call {
        var key: Int
        var result: VerifyResult
        var ip: String
        var seconds: Int64
    }

    /// Calls that cross an hour and a day, revoked presentations, more than 64 addresses.
    static let scripts: [[Call]] = [
        [Call(key: 0, result: .ok, ip: "192.0.2.1", seconds: 1_800_000_000)],
        (0..<200).map { i in
            Call(key: i % 3, result: i % 7 == 0 ? .inactiveKey : (i % 11 == 0 ? .missingRight : .ok),
                 ip: i % 5 == 0 ? "" : "192.0.2.\(i % 9)", seconds: 1_800_000_000 + Int64(i) * 97)
        },
        (0..<300).map { i in Call(key: 1, result: .ok, ip: "2001:db8::\(i % 80)", seconds: 1_800_043_000 + Int64(i) * 29) },
        (0..<40).map { i in Call(key: i % 2, result: i % 2 == 0 ? .expiredKey : .ok, ip: "10.0.0.\(i % 3)", seconds: 1_799_971_190 + Int64(i)) },
        // The clock going back and forth within an hour.
        (0..<30).map { i in Call(key: i % 2, result: .ok, ip: "10.0.0.\(i % 3)", seconds: 1_800_000_100 + Int64((i * 7) % 11) - 5) },
    ]

    /// The flat tally reports what counting each call into a KeyActivity (the reference) gives.
    @Test(arguments: scripts)
    func reportsWhatKeyActivityRecords(_ calls: [Call]) {
        var tally = UsageTally()
        var expected: [KeyID: KeyActivity] = [:]
        var uses: [KeyID: UInt64] = [:]
        let slots = UsageTallyTests.keys.map { _ in UsageSlot() }
        for call in calls {
            let id = UsageTallyTests.keys[call.key], stored = StoredID(id)!, now = Timestamp(seconds: call.seconds)
            let revoked = call.result == .inactiveKey || call.result == .expiredKey
            if call.result == .ok {
                tally.accepted(stored, slot: slots[call.key], ip: call.ip, at: now)
                uses[id, default: 0] += 1
            } else {
                tally.refused(stored, slot: slots[call.key], as: call.result, ip: call.ip, at: now)
            }
            expected[id, default: KeyActivity()].record(ok: call.result == .ok, ip: call.ip,
                                                        revoked: revoked ? call.result.rawValue : nil, at: now)
        }
        let report = tally.report()
        #expect(report.activity == expected)
        #expect(report.uses.mapValues(\.uses) == uses)
        #expect(tally.isEmpty)
    }

    /// A slot handed out before a flush is not used after it: the key is found again.
    @Test func slotsDoNotOutliveTheirFlush() {
        var tally = UsageTally()
        let slot = UsageSlot()
        let a = StoredID(UsageTallyTests.keys[0])!, b = StoredID(UsageTallyTests.keys[1])!
        tally.accepted(a, slot: slot, ip: "x", at: Timestamp(seconds: 50))
        tally.accepted(a, slot: slot, ip: "y", at: Timestamp(seconds: 60))
        var report = tally.report()
        #expect(report.uses[UsageTallyTests.keys[0]] == UsageDelta(uses: 2, lastUsed: Timestamp(seconds: 60), lastIP: "y"))
        tally.accepted(b, ip: "z", at: Timestamp(seconds: 70))
        tally.accepted(a, slot: slot, ip: "x", at: Timestamp(seconds: 80))
        report = tally.report()
        #expect(report.uses[UsageTallyTests.keys[0]]?.uses == 1)
        #expect(report.uses[UsageTallyTests.keys[1]]?.uses == 1)
        #expect(report.activity[UsageTallyTests.keys[0]]?.addresses.map(\.ip) == ["x"])
    }

    /// What VERIFY touches of a key fits in one cache line's worth.
    @Test func keyCountsFitSixtyFourBytes() {
        #expect(MemoryLayout<KeyCounts>.stride <= 64)
    }

    /// usage-history off: uses, last-used and last-ip only.
    @Test func historyOffCountsUsesOnly() {
        var tally = UsageTally()
        tally.history = false
        let a = StoredID(UsageTallyTests.keys[0])!
        tally.accepted(a, ip: "x", at: Timestamp(seconds: 5))
        tally.refused(a, as: .inactiveKey, ip: "x", at: Timestamp(seconds: 6))
        tally.failed(from: FailureSource(ip: "x", uid: 0), at: Timestamp(seconds: 6))
        let report = tally.report()
        #expect(report.uses.count == 1 && report.activity.isEmpty && report.failures.isEmpty)
    }
}
