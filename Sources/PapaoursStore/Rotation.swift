import PapaoursCore

/// A key rotated: the new key, and the old one with its new expiry.
public struct RotatedKey: Sendable {
    public let new: KeyRecord
    public let old: KeyRecord
}

extension Decisions {
    /// `KEY ROTATE`'s grace when none is given (protocol.md, "Rotation in one step").
    public static let defaultGrace = "24h"
    /// The longest grace: a rotation is meant to end.
    public static let maxGraceSeconds: Int64 = 366 * 86_400

    /// `90s`, `15m`, `24h`, `7d` as seconds; `0s` is allowed (the old key is refused at once).
    public static func graceSeconds(_ text: String) throws(ValidationError) -> Int64 {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        guard let unit = text.last.flatMap({ units[$0] }), text.count >= 2,
              text.dropLast().allSatisfy({ $0.isASCII && $0.isNumber }), text.count <= 12,
              let n = Int64(text.dropLast()) else {
            throw ValidationError(field: "grace", problem: "must be a duration such as 90s, 15m, 24h or 7d, not \(ChangeLog.quoted(text))")
        }
        let (seconds, overflow) = n.multipliedReportingOverflow(by: unit)
        guard !overflow, seconds <= maxGraceSeconds else {
            throw ValidationError(field: "grace", problem: "must be at most 366d, not \(ChangeLog.quoted(text))")
        }
        return seconds
    }

    /// A new key on the old key's machine (its label, or `label`), and the old key's expiry
    /// brought to now + grace (an earlier one is kept), in one change set journaled as
    /// `key.rotate` on the old key with the new key's id.
    public static func rotateKey(_ ref: String, grace: String, label: String?, secret: Secret, authority: Authority = .full,
                                 by actor: Actor, at now: Timestamp, reading view: any RecordReading) throws -> Decision<RotatedKey> {
        let old = try view.writableKey(ref, authority)
        let graceSeconds = try graceSeconds(grace)
        let newLabel = try Validation.label(label ?? old.label)
        guard try view.machine(id: old.machine) != nil else {
            throw StoreError(.corrupt, "key \(old.id) belongs to machine \(old.machine), which does not exist")
        }
        let new = KeyRecord(
            id: KeyID.random(), machine: old.machine, label: newLabel, status: .active, created: now,
            createdBy: actor.user, updated: now, expires: nil, lastUsed: nil, uses: 0, lastIP: "", hash: secret.hash)
        if try view.keyID(hash: new.hash) != nil {
            throw StoreError(.exists, "a key with this secret already exists")
        }
        let until = Timestamp(seconds: now.seconds + graceSeconds)
        var retired = old
        if old.expires.map({ until < $0 }) ?? true {
            retired.expires = until
            retired.updated = now
        }
        var builder = try ChangeSetBuilder(view, by: actor, at: now)
        builder.record(.putKey(new))
        if retired != old { builder.record(.putKey(retired)) }
        var log = ChangeLog()
        log.note("rotated to \(new.id) label \(ChangeLog.quoted(new.label)), grace \(grace)")
        log.change("expires", from: old.expires?.description ?? "", to: retired.expires?.description ?? "")
        log.set("replaced-by", new.id.value)
        builder.journal(.keyRotate, target: old.id.value, machine: old.machine, log)
        return builder.decided(RotatedKey(new: new, old: retired))
    }
}
