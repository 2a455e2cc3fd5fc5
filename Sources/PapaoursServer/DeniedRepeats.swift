import PapaoursCore

/// Refused writes are journaled, but a peer repeating one cannot flood the journal: the first
/// refusal of an action by a uid is journaled (and answered after its commit); the repeats
/// within the next `window` seconds are only counted, answered at once, and journaled as one
/// `denied` event with their count when the window closes. The writer owns it.
struct DeniedRepeats {
    static let window: Int64 = 60

    struct Source: Hashable {
        let uid: UInt32
        let attempted: String
    }

    struct Repeats {
        let opened: Int64
        var count: Int
        var user: String
        var missing: Permissions
    }

    private var open: [Source: Repeats] = [:]

    /// True when this refusal is a repeat inside an open window: counted, not journaled now.
    mutating func absorb(_ source: Source, user: String, missing: Permissions, at now: Timestamp) -> Bool {
        if var repeats = open[source], now.seconds - repeats.opened < DeniedRepeats.window {
            repeats.count += 1
            repeats.user = user
            repeats.missing = missing
            open[source] = repeats
            return true
        }
        open[source] = Repeats(opened: now.seconds, count: 0, user: user, missing: missing)
        return false
    }

    /// Windows closed by `now` that counted repeats, to journal; closed windows are forgotten.
    mutating func closed(at now: Timestamp) -> [(Source, Repeats)] {
        var due: [(Source, Repeats)] = []
        for (source, repeats) in open where now.seconds - repeats.opened >= DeniedRepeats.window {
            open[source] = nil
            if repeats.count > 0 { due.append((source, repeats)) }
        }
        return due.sorted { ($0.0.uid, $0.0.attempted) < ($1.0.uid, $1.0.attempted) }
    }

    /// Whether a window is open, so that the writer wakes to close it.
    var isEmpty: Bool { open.isEmpty }
}
