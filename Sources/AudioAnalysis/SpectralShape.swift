import Foundation

/// The per-frame spectral-shape measurements, as pure functions of a power spectrum or of samples.
///
/// Every spectrum here is one-sided, bins 0…N/2 at `binWidth` Hz apart; bin 0 (DC) is left out of every
/// measurement, since a DC offset is a recording fault, not timbre.
enum SpectralShape {
    /// The power-weighted mean frequency, Hz; 0 for an empty spectrum. A sine's centroid is its frequency.
    static func centroid(power: UnsafeBufferPointer<Float>, binWidth: Double) -> Double {
        var weighted = 0.0
        var total = 0.0
        for bin in 1..<power.count {
            let value = Double(power[bin])
            weighted += Double(bin) * value
            total += value
        }
        return total > 0 ? weighted / total * binWidth : 0
    }

    /// The frequency below which `fraction` of the power lies, Hz, interpolated within the bin that crosses
    /// it; 0 for an empty spectrum.
    static func rolloff(power: UnsafeBufferPointer<Float>, binWidth: Double, fraction: Double = 0.85) -> Double {
        var total = 0.0
        for bin in 1..<power.count { total += Double(power[bin]) }
        guard total > 0 else { return 0 }
        let target = fraction * total
        var cumulative = 0.0
        for bin in 1..<power.count {
            let value = Double(power[bin])
            if cumulative + value >= target {
                let within = value > 0 ? (target - cumulative) / value : 0
                return (Double(bin) - 0.5 + within) * binWidth
            }
            cumulative += value
        }
        return Double(power.count - 1) * binWidth
    }

    /// Geometric over arithmetic mean of the power in consecutive bands of `bandSize` bins over `bins`,
    /// 0 (one tone) … 1 (white noise).
    ///
    /// Why bands and not bins: one frame's periodogram of white noise has exponentially distributed bins,
    /// whose geometric mean is e^−γ ≈ 0.56 of the arithmetic, so bin-wise flatness never comes near 1. Summing
    /// 16 bins leaves a Gamma(16) spread: white noise then measures about 0.97, while a tone, all in one band,
    /// still measures near 0. It also takes a sixteenth of the logarithms.
    static func flatness(power: UnsafeBufferPointer<Float>, bins: Range<Int>, bandSize: Int) -> Double {
        let bandCount = bins.count / bandSize
        guard bandCount > 0 else { return 0 }
        var logSum = 0.0
        var sum = 0.0
        for band in 0..<bandCount {
            var energy = 0.0
            let start = bins.lowerBound + band * bandSize
            for bin in start..<(start + bandSize) { energy += Double(power[bin]) }
            sum += energy
            logSum += log(max(energy, 1e-30))
        }
        let arithmetic = sum / Double(bandCount)
        guard arithmetic > 1e-30 else { return 0 }
        return (exp(logSum / Double(bandCount)) / arithmetic).clampedToUnit
    }

    /// Sign changes per sample pair (a sine of frequency f at rate r gives about 2f/r); 0 for fewer than two
    /// samples. Zero counts as positive, so digital silence has none.
    static func zeroCrossingRate(_ samples: UnsafeBufferPointer<Float>) -> Double {
        guard samples.count >= 2 else { return 0 }
        var crossings = 0
        var previousNegative = samples[0] < 0
        for index in 1..<samples.count {
            let negative = samples[index] < 0
            if negative != previousNegative { crossings += 1 }
            previousNegative = negative
        }
        return Double(crossings) / Double(samples.count - 1)
    }
}
