/// "Did you mean …?" for a misspelled command or option.
public enum Suggestion {
    /// The candidate nearest to `word` by edit distance (a swap of two
    /// neighbours counts as one edit), when it is near enough to be a typo.
    public static func nearest(to word: String, among candidates: [String]) -> String? {
        let typed = Array(word)
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(typed, Array(candidate))
            if distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        guard let (candidate, distance) = best else { return nil }
        let allowed = max(typed.count, candidate.count) <= 4 ? 1 : 2
        if distance <= allowed { return candidate }
        // A unique candidate that starts with what was typed: `mach` → `machine`.
        let prefixed = candidates.filter { $0.hasPrefix(word) }
        return !word.isEmpty && prefixed.count == 1 ? prefixed[0] : nil
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.
    public static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
