import Foundation

/// The tempo, from the onset envelope's autocorrelation: a comb over each candidate beat period and its
/// multiples, a log-Gaussian prior around 120 BPM, and an octave check on the onsets themselves.
///
/// Why the octave check: a beat period's multiples are periods too, so the comb alone cannot tell a tempo
/// from its half, and the prior alone would read a click track at 180 BPM as 90 (both equally periodic, 90
/// nearer 120) and one at 60 as 120. The autocorrelation cannot settle it either: for a 180 BPM click track
/// read at 90 the in-between clicks are as periodic as the beats, but so are a 120 BPM song's hi-hats on the
/// eighths. What settles it is strength: the envelope is folded at the slower period and the onsets halfway
/// (or a third of the way) between its beats are compared with those on them (`subdivisionRatio`). As
/// strong (≥ 0.8): the faster tempo is the beat. Nearly absent (< 0.5, a 60 BPM click track, whose 120 BPM
/// reading has every other beat empty): the slower. In between (softer off-beats, a backbeat), the prior's
/// choice stands. The tempo is then refined with a fine comb over every multiple of the period that fits the
/// autocorrelation (up to six seconds): the n-th tooth pins the period to 1/n of a frame, which is what reaches
/// a fraction of a percent from a 23 ms envelope.
enum TempoEstimator {
    struct Estimate: Equatable {
        /// Beats per minute; 0 when there was too little signal to measure one.
        var bpm: Double
        /// The comb's mean autocorrelation coefficient at the beat period and its first three multiples,
        /// clamped to 0…1: about 1 for a metronome, near 0 for noise or beatless music.
        var strength: Double
        static let none = Estimate(bpm: 0, strength: 0)
    }

    static let minimumBPM = 40.0
    static let maximumBPM = 240.0
    /// The prior: log-Gaussian, centred on 120 BPM, one octave wide (one standard deviation).
    static let priorCentre = 120.0
    static let priorWidthOctaves = 1.0
    /// Teeth of the comb used to compare candidates (the refinement uses all that fit).
    static let comparisonTeeth = 4
    /// The detrending window, seconds: at least twice the slowest beat period, so beats survive it.
    static let detrendSeconds = 3.0

    static func estimate(onsetEnvelope: [Float], framesPerSecond fps: Double) -> Estimate {
        guard fps > 0, onsetEnvelope.count >= 16 else { return .none }
        let smooth = smoothed(onsetEnvelope)
        let signal = detrended(smooth, window: Int(detrendSeconds * fps) | 1)
        let slowestLag = 60 * fps / minimumBPM
        let fastestLag = 60 * fps / maximumBPM
        let maximumLag = min(Int((Double(comparisonTeeth) * slowestLag).rounded(.up)) + 1, signal.count / 2)
        guard Double(maximumLag) > fastestLag + 1,
              let rho = autocorrelation(signal, maximumLag: maximumLag) else { return .none }

        let lowest = max(minimumBPM, 60 * fps / Double(maximumLag))
        guard lowest < maximumBPM,
              let first = bestOnGrid(rho, fps: fps, from: lowest, to: maximumBPM, ratio: 1.0025,
                                     teeth: comparisonTeeth, weight: { prior(bpm: $0) }) else { return .none }
        let chosen = checkedOctave(of: first.bpm, rho: rho, envelope: smooth, fps: fps, lowest: lowest)
        let refined = refine(rho, fps: fps, around: chosen, lowest: lowest)
        let strength = combScore(rho, lag: 60 * fps / refined, teeth: comparisonTeeth)
        return Estimate(bpm: refined, strength: strength.clampedToUnit)
    }

    /// Above this subdivision ratio the faster tempo is the beat; below `slowerBelow`, the slower one.
    static let fasterAbove = 0.8
    static let slowerBelow = 0.5
    /// The length of each fold in `subdivisionRatio`, seconds.
    static let foldSeconds = 8.0

    /// The prior's choice, moved up or down by octaves (×2, ×3) where the onsets say so: up while the onsets
    /// between its beats are about as strong as those on them (`subdivisionRatio` ≥ 0.8: a click track at
    /// 180 first read as 90), down while the beats it adds to the slower tempo's are weak (< 0.5: a click
    /// track at 60 read as 120, whose every other beat is empty). In between, the prior's choice stands: a
    /// backbeat's or a hi-hat's accents are exactly that ambiguous, and 120 is the likelier reading.
    static func checkedOctave(of bpm: Double, rho: [Double], envelope: [Float], fps: Double, lowest: Double) -> Double {
        var current = bpm
        var moved = true
        var steps = 0
        while moved && steps < 6 {
            moved = false
            steps += 1
            for parts in [2, 3] where current * Double(parts) <= maximumBPM * 1.001 {
                let ratio = subdivisionRatio(envelope, period: 60 * fps / current, parts: parts, fps: fps)
                if ratio >= fasterAbove {
                    current = localPeak(rho, fps: fps, near: current * Double(parts), lowest: lowest)
                    moved = true
                    break
                }
            }
            if moved { continue }
            for parts in [2, 3] where current / Double(parts) >= lowest * 0.999 {
                let slower = localPeak(rho, fps: fps, near: current / Double(parts), lowest: lowest)
                let ratio = subdivisionRatio(envelope, period: 60 * fps / slower, parts: parts, fps: fps)
                if ratio < slowerBelow {
                    current = slower
                    moved = true
                    break
                }
            }
        }
        return current
    }

    /// The comb's peak within ±4% of `bpm`.
    static func localPeak(_ rho: [Double], fps: Double, near bpm: Double, lowest: Double) -> Double {
        bestOnGrid(rho, fps: fps, from: max(lowest, bpm * 0.96), to: min(maximumBPM, bpm * 1.04), ratio: 1.0025,
                   teeth: comparisonTeeth, weight: { _ in 1 })?.bpm ?? bpm
    }

    /// How strong the onsets that would split each beat of period `period` (frames) into `parts` are,
    /// against the beat's own: the envelope is folded at the period over 8 s windows (short enough for a
    /// drifting tempo or a slightly wrong period not to smear it), the beat's phase is the fold's maximum,
    /// and each split point's strength is the fold's maximum within a frame of it, all above the fold's
    /// minimum (the bed of noise every phase shares). The weakest split point counts. About 1 for a click
    /// track read at half its tempo, 0 for one read at its tempo, between for a beat with softer off-beats.
    static func subdivisionRatio(_ envelope: [Float], period: Double, parts: Int, fps: Double) -> Double {
        let bins = max(2 * parts, Int(period.rounded()))
        guard period >= 2, envelope.count >= Int(period) * 2 else { return 0 }
        let window = max(4 * period, foldSeconds * fps)
        var onSum = 0.0
        var offSum = 0.0
        var start = 0.0
        var profile = [Double](repeating: 0, count: bins)
        var counts = [Int](repeating: 0, count: bins)
        while start + 2 * period <= Double(envelope.count) {
            let end = min(Double(envelope.count), start + window)
            for index in profile.indices {
                profile[index] = 0
                counts[index] = 0
            }
            var beat = start
            while beat + period <= end {
                for bin in 0..<bins {
                    let position = Int((beat + Double(bin) * period / Double(bins)).rounded())
                    if position < envelope.count {
                        profile[bin] += Double(envelope[position])
                        counts[bin] += 1
                    }
                }
                beat += period
            }
            for bin in 0..<bins where counts[bin] > 0 { profile[bin] /= Double(counts[bin]) }
            let floor = profile.min() ?? 0
            let phase = profile.indices.max { profile[$0] < profile[$1] } ?? 0
            let on = profile[phase] - floor
            var weakest = Double.infinity
            for part in 1..<parts {
                let centre = phase + Int((Double(part) * Double(bins) / Double(parts)).rounded())
                let around = (-1...1).map { profile[((centre + $0) % bins + bins) % bins] }
                weakest = min(weakest, (around.max() ?? floor) - floor)
            }
            onSum += on
            offSum += weakest
            start += window
        }
        return onSum > 0 ? offSum / onSum : 0
    }

    /// The prior weight of a tempo: exp(−½·(log2(bpm/120)/1)²).
    static func prior(bpm: Double) -> Double {
        let octaves = log2(bpm / priorCentre) / priorWidthOctaves
        return exp(-0.5 * octaves * octaves)
    }

    /// The envelope through a 5-tap binomial low-pass (1 4 6 4 1)/16, about one frame of standard deviation.
    /// Why: an onset is a spike one or two frames wide, so the raw autocorrelation's peaks are as narrow and,
    /// since each onset is rounded to a frame, split unevenly between neighbouring lags; a comb tooth falling
    /// between them reads a trough. Widened, the peaks can be read at fractional lags.
    static func smoothed(_ envelope: [Float]) -> [Float] {
        let count = envelope.count
        let kernel: [Float] = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16]
        return (0..<count).map { index in
            var sum: Float = 0
            for (offset, weight) in kernel.enumerated() {
                let source = min(count - 1, max(0, index + offset - 2))
                sum += weight * envelope[source]
            }
            return sum
        }
    }

    /// The envelope minus its centred moving average over `window` frames (shorter at the ends): removes
    /// slow level changes (a crescendo) that would otherwise correlate at every lag.
    static func detrended(_ envelope: [Float], window: Int) -> [Float] {
        let count = envelope.count
        var prefix = [Double](repeating: 0, count: count + 1)
        for index in 0..<count { prefix[index + 1] = prefix[index] + Double(envelope[index]) }
        let half = max(0, window / 2)
        return (0..<count).map { index in
            let low = max(0, index - half)
            let high = min(count, index + half + 1)
            let mean = (prefix[high] - prefix[low]) / Double(high - low)
            return Float(Double(envelope[index]) - mean)
        }
    }

    /// The autocorrelation coefficient ρ[0…maximumLag] (ρ[0] = 1), each lag's sum divided by its number of
    /// terms (unbiased), so longer lags are not penalised; nil for a constant signal.
    static func autocorrelation(_ signal: [Float], maximumLag: Int) -> [Double]? {
        let count = signal.count
        guard count > maximumLag, maximumLag >= 1 else { return nil }
        return signal.withUnsafeBufferPointer { buffer -> [Double]? in
            let base = buffer.baseAddress!
            let energy = VectorMath.sumOfSquares(base, count: count) / Double(count)
            guard energy > 0, energy.isFinite else { return nil }
            return (0...maximumLag).map { lag in
                let terms = count - lag
                let sum = Double(VectorMath.dot(base, base + lag, count: terms))
                return sum / Double(terms) / energy
            }
        }
    }

    /// ρ at a fractional lag, linearly interpolated; 0 beyond the end.
    static func interpolated(_ rho: [Double], at lag: Double) -> Double {
        guard lag >= 0 else { return 0 }
        let low = Int(lag)
        guard low + 1 < rho.count else { return low < rho.count ? rho[low] : 0 }
        let fraction = lag - Double(low)
        return rho[low] * (1 - fraction) + rho[low + 1] * fraction
    }

    /// The mean of ρ at `lag`, 2·`lag`, … (`teeth` of them, or all that fit when nil); −1 when none fits.
    static func combScore(_ rho: [Double], lag: Double, teeth: Int?) -> Double {
        let limit = Double(rho.count - 1)
        var sum = 0.0
        var used = 0
        var multiple = 1
        while Double(multiple) * lag <= limit, multiple <= (teeth ?? Int.max) {
            sum += interpolated(rho, at: Double(multiple) * lag)
            used += 1
            multiple += 1
        }
        return used > 0 ? sum / Double(used) : -1
    }

    /// The tempo between `from` and `to` (a geometric grid of step `ratio`) maximising comb score × weight.
    static func bestOnGrid(_ rho: [Double], fps: Double, from: Double, to: Double, ratio: Double, teeth: Int?,
                           weight: (Double) -> Double) -> (bpm: Double, score: Double)? {
        var best: (bpm: Double, score: Double, weighted: Double)?
        var bpm = from
        while bpm <= to * (1 + 1e-9) {
            let score = combScore(rho, lag: 60 * fps / bpm, teeth: teeth)
            let weighted = score * weight(bpm)
            if best == nil || weighted > best!.weighted { best = (bpm, score, weighted) }
            bpm *= ratio
        }
        return best.map { ($0.bpm, $0.score) }
    }

    /// The fine comb's peak within ±2.5% of `bpm` on a 0.05% grid, interpolated by a parabola in log tempo.
    static func refine(_ rho: [Double], fps: Double, around bpm: Double, lowest: Double) -> Double {
        let ratio = 1.0005
        let from = max(lowest, bpm / 1.025)
        let to = min(maximumBPM, bpm * 1.025)
        var tempos: [Double] = []
        var scores: [Double] = []
        var candidate = from
        while candidate <= to * (1 + 1e-9) {
            tempos.append(candidate)
            scores.append(combScore(rho, lag: 60 * fps / candidate, teeth: nil))
            candidate *= ratio
        }
        guard let peak = scores.indices.max(by: { scores[$0] < scores[$1] }) else { return bpm }
        guard peak > 0, peak < scores.count - 1 else { return tempos[peak] }
        let (a, b, c) = (scores[peak - 1], scores[peak], scores[peak + 1])
        let denominator = a - 2 * b + c
        let offset = denominator < 0 ? min(0.5, max(-0.5, 0.5 * (a - c) / denominator)) : 0
        return tempos[peak] * pow(ratio, offset)
    }

    /// Onsets per second: local maxima of the detrended envelope at least `threshold` (dB of mean band rise)
    /// above its 3 s moving average and at least 50 ms apart.
    static func onsetRate(onsetEnvelope: [Float], framesPerSecond fps: Double, threshold: Float = 1.5) -> Double {
        guard fps > 0, onsetEnvelope.count >= 3 else { return 0 }
        let signal = detrended(onsetEnvelope, window: Int(detrendSeconds * fps) | 1)
        let spacing = max(1, Int((0.05 * fps).rounded()))
        var count = 0
        var last = -spacing
        for index in 1..<(signal.count - 1) {
            let value = signal[index]
            guard value >= threshold, value > signal[index - 1], value >= signal[index + 1],
                  index - last >= spacing else { continue }
            count += 1
            last = index
        }
        return Double(count) / (Double(signal.count) / fps)
    }
}
