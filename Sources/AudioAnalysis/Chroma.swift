import Foundation

/// A frame's pitch-class profile, from the spectral peaks between 55 Hz and 2 kHz.
///
/// Why peaks and not every bin: at 22 kHz a 2048-point frame's bins are 10.8 Hz apart, wider than a
/// semitone below about 180 Hz, so mapping whole bins to pitch classes smears the bass across neighbours.
/// A spectral peak's frequency, refined by a parabola through the log power of the peak bin and its two
/// neighbours (exact to a few hundredths of a bin for a Hann window), lands on the right semitone down to
/// the low octaves. Each peak adds its magnitude (not its power, which would let one loud partial decide),
/// and peaks more than 40 dB below the frame's strongest are ignored as leakage and noise.
enum Chroma {
    static let lowHz = 55.0
    static let highHz = 2000.0
    static let relativeThreshold: Float = 1e-4

    /// The pitch class of a frequency, 0 = C … 11 = B, with A4 = 440 Hz (equal temperament, nearest semitone).
    static func pitchClass(ofFrequency hz: Double) -> Int {
        let midi = 69 + 12 * log2(hz / 440)
        let note = Int(midi.rounded())
        return ((note % 12) + 12) % 12
    }

    /// The peak's offset from the centre bin, −0.5…0.5, from the parabola through three log-power values.
    static func parabolicOffset(left: Float, centre: Float, right: Float) -> Double {
        let a = Double(log(max(left, 1e-30)))
        let b = Double(log(max(centre, 1e-30)))
        let c = Double(log(max(right, 1e-30)))
        let denominator = a - 2 * b + c
        guard denominator < 0 else { return 0 }
        return min(0.5, max(-0.5, 0.5 * (a - c) / denominator))
    }

    /// The bins the peaks are looked for in, given the spectrum's bin width and bin count (each with a
    /// neighbour on both sides).
    static func bins(binWidth: Double, binCount: Int) -> Range<Int> {
        let low = max(1, Int((lowHz / binWidth).rounded(.up)))
        let high = min(binCount - 1, Int((highHz / binWidth).rounded(.down)) + 1)
        return low < high ? low..<high : 0..<0
    }

    /// Adds the peaks of `power` within `bins` to `chroma` (12 values, not cleared first).
    static func accumulate(power: UnsafePointer<Float>, bins: Range<Int>, binWidth: Double,
                           into chroma: UnsafeMutablePointer<Float>) {
        guard !bins.isEmpty else { return }
        var strongest: Float = 0
        for bin in bins { strongest = max(strongest, power[bin]) }
        guard strongest > 0 else { return }
        let threshold = strongest * relativeThreshold
        for bin in bins {
            let value = power[bin]
            guard value >= threshold, value > power[bin - 1], value >= power[bin + 1] else { continue }
            let offset = parabolicOffset(left: power[bin - 1], centre: value, right: power[bin + 1])
            let frequency = (Double(bin) + offset) * binWidth
            chroma[pitchClass(ofFrequency: frequency)] += value.squareRoot()
        }
    }
}
