import MusicCore

/// A measurement's mean and spread over a track's frames, in one pass and constant memory.
///
/// Welford's update: numerically stable over millions of frames, unlike a sum of squares minus a squared sum,
/// which cancels catastrophically when the spread is small against the mean (a steady tone's centroid).
struct RunningStatistics: Equatable {
    private(set) var count = 0
    private(set) var mean = 0.0
    private var squaredDeviations = 0.0

    mutating func add(_ value: Double) {
        guard value.isFinite else { return }
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        squaredDeviations += delta * (value - mean)
    }

    /// The population variance (over the frames seen, not an estimate of a wider population); 0 when empty.
    var variance: Double { count > 0 ? max(0, squaredDeviations / Double(count)) : 0 }

    var standardDeviation: Double { variance.squareRoot() }

    /// Mean and standard deviation; zeros when no frame was measured.
    var summary: AudioFeatures.Summary {
        AudioFeatures.Summary(mean: mean.finiteOr(), spread: standardDeviation.finiteOr())
    }
}
