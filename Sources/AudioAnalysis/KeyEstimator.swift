import MusicCore

/// The key from a 12-bin chroma profile: the tonic and mode whose Krumhansl–Kessler profile, rotated to that
/// tonic, correlates best with the chroma (Krumhansl's key-finding algorithm).
///
/// Why Krumhansl–Kessler: the probe-tone ratings weigh the tonic triad over the other scale degrees and those
/// over the chromatic notes, which separates a key from its relative (same notes, different tonic) by where
/// the weight falls, and they are robust to the overtones a real spectrum adds (a note's fifth and third).
enum KeyEstimator {
    /// Krumhansl & Kessler (1982), C major and C minor, C first.
    static let majorProfile: [Double] = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]
    static let minorProfile: [Double] = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]

    struct Key: Equatable {
        var tonic: Int
        var mode: AudioFeatures.Mode
        /// The winning correlation, −1…1.
        var strength: Double
    }

    /// The best of the 24 keys; C major with strength 0 when the chroma is flat or empty (no key to find).
    static func estimate(chroma: [Double]) -> Key {
        precondition(chroma.count == 12)
        var best = Key(tonic: 0, mode: .major, strength: 0)
        var bestCorrelation = -Double.infinity
        for tonic in 0..<12 {
            for (mode, profile) in [(AudioFeatures.Mode.major, majorProfile), (.minor, minorProfile)] {
                let rotated = (0..<12).map { profile[(($0 - tonic) % 12 + 12) % 12] }
                guard let correlation = pearson(chroma, rotated) else { return best }
                if correlation > bestCorrelation {
                    bestCorrelation = correlation
                    best = Key(tonic: tonic, mode: mode, strength: correlation)
                }
            }
        }
        return best
    }

    /// Pearson's correlation; nil when either side is constant (it is undefined there).
    static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        let count = Double(x.count)
        let meanX = x.reduce(0, +) / count
        let meanY = y.reduce(0, +) / count
        var covariance = 0.0
        var varianceX = 0.0
        var varianceY = 0.0
        for index in x.indices {
            let dx = x[index] - meanX
            let dy = y[index] - meanY
            covariance += dx * dy
            varianceX += dx * dx
            varianceY += dy * dy
        }
        guard varianceX > 1e-24, varianceY > 1e-24 else { return nil }
        return covariance / (varianceX * varianceY).squareRoot()
    }
}
