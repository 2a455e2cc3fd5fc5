import Testing
import PapaoursCore
@testable import PapaoursStore

/// The usage history's rules with an injected clock: days kept, addresses, alerts, rotation.
@Suite("Usage history")
struct UsageHistoryStoreTests {
    static let t0 = Timestamp(seconds: 1_800_000_000)

    func makeKey(_ store: Store, at now: Timestamp = t0) throws -> KeyRecord {
        try store.withWrite { w in
            let m = try store.createMachine(MachineDraft(name: "web"), by: root, at: now, in: w)
            return try store.createKey(machine: m.id.value, label: "prod", expires: "", secret: .generate(), by: root, at: now, in: w)
        }
    }

    /// Flushes one key's activity at `now`; returns the alerts raised.
    @discardableResult
    func flush(_ store: Store, _ key: KeyID, _ activity: KeyActivity, bursts: [FailureBurst] = [], at now: Timestamp) throws -> [Alert] {
        var report = UsageReport()
        report.activity[key] = activity
        return try store.withWrite { w in
            let snapshot = try Snapshot(store: store)
            try snapshot.refresh()
            defer { snapshot.end() }
            let decided = try Decisions.usage(report, bursts: bursts, sweepAfter: nil, at: now, reading: w.view, history: snapshot)
            try w.take(decided.0)
            return decided.alerts
        }
    }

    @Test func daysAreCountedAndOldOnesDropped() throws {
        try withStore { store, _ in
            let key = try makeKey(store)
            var a = KeyActivity()
            a.record(ok: true, ip: "10.0.0.1", at: Self.t0)
            a.record(ok: false, ip: "10.0.0.1", at: Self.t0)
            try flush(store, key.id, a, at: Self.t0)
            try flush(store, key.id, a, at: Self.t0)
            let today = UsageClock.day(Self.t0)
            let (days, addresses) = try store.withRead { s in
                (try s.usageDays(of: key.id, from: today, through: today), try s.addresses(of: key.id))
            }
            #expect(days == [DayCount(day: today, ok: 2, denied: 2)])
            #expect(addresses.addresses.first?.count == 4)
            // 400 days later the first day is past keeping.
            let later = Timestamp(seconds: Self.t0.seconds + 400 * 86_400)
            var b = KeyActivity()
            b.record(ok: true, ip: "", at: later)
            try flush(store, key.id, b, at: later)
            let kept = try store.withRead { s in try s.usageDays(of: key.id, from: 0, through: UInt32.max) }
            #expect(kept.map(\.day) == [UsageClock.day(later)])
        }
    }

    @Test func aDeletedKeyTakesItsHistoryWithIt() throws {
        try withStore { store, _ in
            let key = try makeKey(store)
            var a = KeyActivity()
            a.record(ok: true, ip: "10.0.0.1", at: Self.t0)
            try flush(store, key.id, a, at: Self.t0)
            try store.withWrite { w in _ = try store.deleteMachine(key.machine.value, by: root, at: Self.t0, in: w) }
            let left = try store.withRead { s in
                (try s.usageDays(of: key.id, from: 0, through: UInt32.max), try s.addresses(of: key.id), try s.keysWithHistory(after: nil, limit: 10))
            }
            #expect(left.0.isEmpty)
            #expect(left.1.addresses.isEmpty)
            #expect(left.2.isEmpty)
        }
    }

    @Test func revokedUseIsRaisedOnceAnHour() throws {
        try withStore { store, _ in
            let key = try makeKey(store)
            var a = KeyActivity()
            a.record(ok: false, ip: "10.0.0.1", revoked: "inactive-key", at: Self.t0)
            #expect(try flush(store, key.id, a, at: Self.t0).map(\.kind) == [.revokedUse])
            #expect(try flush(store, key.id, a, at: Timestamp(seconds: Self.t0.seconds + 3599)).isEmpty)
            let alerts = try flush(store, key.id, a, at: Timestamp(seconds: Self.t0.seconds + 3600))
            #expect(alerts.map(\.kind) == [.revokedUse])
            #expect(alerts.first?.seq == 2)
            #expect(try store.withRead { s in try s.alerts(after: 0, limit: 10) }.map(\.seq) == [1, 2])
        }
    }

    @Test func newIPOnlyForAKeyOlderThanADay() throws {
        try withStore { store, _ in
            let key = try makeKey(store)
            var young = KeyActivity()
            young.record(ok: true, ip: "10.0.0.1", at: Self.t0)
            #expect(try flush(store, key.id, young, at: Self.t0).isEmpty)
            let dayLater = Timestamp(seconds: Self.t0.seconds + 86_401)
            var old = KeyActivity()
            old.record(ok: true, ip: "10.0.0.1", at: dayLater)
            old.record(ok: true, ip: "10.0.0.2", at: dayLater)
            let alerts = try flush(store, key.id, old, at: dayLater)
            #expect(alerts.map(\.kind) == [.newIP])
            #expect(alerts.first?.ip == "10.0.0.2")
            #expect(alerts.first?.machine == key.machine)
        }
    }

    @Test func spikeNeedsAHundredCallsAndTenTimesTheMedian() throws {
        try withStore { store, _ in
            let key = try makeKey(store)
            // 20 calls an hour for a day, then 150 in one hour: 150 < 10 × 20, no spike.
            var now = Self.t0
            for _ in 0..<24 {
                now = Timestamp(seconds: now.seconds + 3600)
                var a = KeyActivity()
                for _ in 0..<20 { a.record(ok: true, ip: "", at: now) }
                #expect(try flush(store, key.id, a, at: now).isEmpty)
            }
            now = Timestamp(seconds: now.seconds + 3600)
            var busy = KeyActivity()
            for _ in 0..<150 { busy.record(ok: true, ip: "", at: now) }
            #expect(try flush(store, key.id, busy, at: now).isEmpty)
            // Then 250 more in the same hour: 400 > 200, a spike, raised once an hour.
            var more = KeyActivity()
            for _ in 0..<250 { more.record(ok: true, ip: "", at: now) }
            #expect(try flush(store, key.id, more, at: now).map(\.kind) == [.spike])
            #expect(try flush(store, key.id, more, at: now).isEmpty)
        }
    }

    @Test func failuresAreJournaledAsAlerts() throws {
        try withStore { store, _ in
            let key = try makeKey(store)
            let alerts = try flush(store, key.id, KeyActivity(), bursts: [FailureBurst(source: FailureSource(ip: "", uid: 1000), count: 25)], at: Self.t0)
            #expect(alerts.map(\.kind) == [.failures])
            #expect(alerts.first?.details.contains("peer uid 1000") == true)
        }
    }

    @Test func alertsPastNinetyDaysAreDropped() throws {
        try withStore { store, _ in
            let key = try makeKey(store)
            var a = KeyActivity()
            a.record(ok: false, ip: "", revoked: "expired-key", at: Self.t0)
            try flush(store, key.id, a, at: Self.t0)
            try flush(store, key.id, KeyActivity(), at: Timestamp(seconds: Self.t0.seconds + 91 * 86_400))
            #expect(try store.withRead { s in try s.alerts(after: 0, limit: 10) }.isEmpty)
        }
    }

    @Test func addressesKeepTheSixtyFourMostRecent() {
        var a = KeyActivity()
        for i in 0..<65 { a.record(ok: true, ip: "10.0.0.\(i)", at: Timestamp(seconds: Int64(i))) }
        #expect(a.addresses.count == 64)
        #expect(a.addresses.first?.ip == "10.0.0.1")
        a.record(ok: true, ip: "10.0.0.1", at: Timestamp(seconds: 100))
        #expect(a.addresses.last?.ip == "10.0.0.1")
        #expect(a.addresses.last?.count == 2)
    }

    @Test func rotationIsOneChangeSet() throws {
        try withStore { store, _ in
            let key = try makeKey(store)
            let rotated = try store.withWrite { w -> RotatedKey in
                let d = try Decisions.rotateKey(key.id.value, grace: "15m", label: nil, secret: .generate(), by: root, at: Self.t0, reading: w.view)
                #expect(d.changes.events.map(\.action) == [.keyRotate])
                #expect(d.changes.events.first?.details.contains(d.value.new.id.value) == true)
                return try w.take(d)
            }
            #expect(rotated.old.expires == Timestamp(seconds: Self.t0.seconds + 900))
            #expect(rotated.new.label == "prod")
            #expect(rotated.new.machine == key.machine)
            #expect(try store.withRead { s in try s.key(id: key.id) }?.expires == rotated.old.expires)
            #expect(throws: ValidationError.self) { try Decisions.graceSeconds("1w") }
            #expect(try Decisions.graceSeconds("0s") == 0)
            #expect(try Decisions.graceSeconds("7d") == 604_800)
        }
    }
}
