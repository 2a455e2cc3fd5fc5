import PapaoursCore

/// The usage history's changes as bytes (ChangeSetCoding): a flush's activity, alerts, pruning.
extension ChangeSetCoding {
    static func write(_ change: ActivityChange, into w: inout RecordWriter) {
        let a = change.activity
        w.varint(UInt64(a.days.count))
        for d in a.days { w.varint(UInt64(d.day)); w.varint(d.ok); w.varint(d.denied) }
        w.varint(UInt64(a.hours.count))
        for h in a.hours { w.varint(UInt64(h.hour)); w.varint(h.calls) }
        w.varint(UInt64(a.addresses.count))
        for use in a.addresses { w.shortText(use.ip); w.time(use.first); w.time(use.last); w.varint(use.count) }
        w.u8(a.revoked == nil ? 0 : 1)
        if let r = a.revoked { w.time(r.time); w.shortText(r.reason); w.shortText(r.ip); w.varint(r.count) }
        w.varint(UInt64(change.keepDaysFrom))
        w.varint(UInt64(change.keepHoursFrom))
        for mark in [change.revokedAlerted, change.spikeAlerted] {
            w.u8(mark == nil ? 0 : 1)
            if let mark { w.time(mark) }
        }
    }

    static func readActivity(_ r: inout RecordReader) throws(RecordReader.Corrupt) -> ActivityChange {
        var a = KeyActivity()
        for _ in 0..<(try count(&r)) { a.days.append(DayCount(day: try u32(&r), ok: try r.varint(), denied: try r.varint())) }
        for _ in 0..<(try count(&r)) { a.hours.append(HourCount(hour: try u32(&r), calls: try r.varint())) }
        for _ in 0..<(try count(&r)) {
            a.addresses.append(AddressUse(ip: try r.shortText(), first: try r.time(), last: try r.time(), count: try r.varint()))
        }
        if try flag(&r) {
            a.revoked = KeyActivity.RevokedUse(time: try r.time(), reason: try r.shortText(), ip: try r.shortText(), count: try r.varint())
        }
        let keepDays = try u32(&r), keepHours = try u32(&r)
        let revokedAlerted = try flag(&r) ? try r.time() : nil
        let spikeAlerted = try flag(&r) ? try r.time() : nil
        return ActivityChange(activity: a, keepDaysFrom: keepDays, keepHoursFrom: keepHours,
                              revokedAlerted: revokedAlerted, spikeAlerted: spikeAlerted)
    }

    /// A count of items that each take at least a byte: never more than the bytes left.
    static func count(_ r: inout RecordReader) throws(RecordReader.Corrupt) -> Int {
        let n = try r.varint()
        guard n <= UInt64(r.bytes.count - r.offset) else { throw RecordReader.Corrupt() }
        return Int(n)
    }

    static func u32(_ r: inout RecordReader) throws(RecordReader.Corrupt) -> UInt32 {
        let n = try r.varint()
        guard n <= UInt64(UInt32.max) else { throw RecordReader.Corrupt() }
        return UInt32(n)
    }

    static func flag(_ r: inout RecordReader) throws(RecordReader.Corrupt) -> Bool {
        switch try r.u8() {
        case 0: return false
        case 1: return true
        default: throw RecordReader.Corrupt()
        }
    }
}
