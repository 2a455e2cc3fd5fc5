/// Latencies in nanoseconds, log-linear buckets (32 per power of two: under 3% error),
/// cheap enough to record every reply.
struct Histogram {
    static let linear = 64
    static let perOctave = 32
    static let bucketCount = linear + 40 * perOctave

    private(set) var counts = [UInt64](repeating: 0, count: Histogram.bucketCount)
    private(set) var total: UInt64 = 0

    @inline(__always)
    static func bucket(_ value: UInt64) -> Int {
        if value < UInt64(linear) { return Int(value) }
        let magnitude = 63 - value.leadingZeroBitCount  // >= 6
        let shift = magnitude - 5
        let index = linear + (magnitude - 6) * perOctave + Int(value >> UInt64(shift)) - perOctave
        return min(index, bucketCount - 1)
    }

    /// The middle of a bucket's range.
    static func value(ofBucket index: Int) -> Double {
        if index < linear { return Double(index) }
        let octave = (index - linear) / perOctave
        let sub = (index - linear) % perOctave
        let shift = octave + 1
        let low = Double((perOctave + sub) << shift)
        return low + Double(1 << shift) / 2
    }

    @inline(__always)
    mutating func record(_ nanoseconds: UInt64) {
        counts[Histogram.bucket(nanoseconds)] &+= 1
        total &+= 1
    }

    mutating func merge(_ other: Histogram) {
        for i in 0..<counts.count { counts[i] += other.counts[i] }
        total += other.total
    }

    /// The value below which `fraction` of the recordings fall, in microseconds.
    func percentile(_ fraction: Double) -> Double {
        guard total > 0 else { return .nan }
        let rank = max(1, UInt64((Double(total) * fraction).rounded(.up)))
        var seen: UInt64 = 0
        for (i, count) in counts.enumerated() {
            seen += count
            if seen >= rank { return Histogram.value(ofBucket: i) / 1000 }
        }
        return Histogram.value(ofBucket: counts.count - 1) / 1000
    }
}

/// The median of measured values (the middle one; the mean of the two middle ones when even).
func median(_ values: [Double]) -> Double {
    let sorted = values.filter { !$0.isNaN }.sorted()
    guard !sorted.isEmpty else { return .nan }
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
