import Foundation
import MusicCore

/// Turns one track's PCM, streamed in any chunking, into its `AudioFeatures`.
///
/// The pipeline: the interleaved input goes, as is, to the EBU R128 meter (loudness is defined on the
/// original channels and rate; see `LoudnessMeter`), and, downmixed to mono, through the `Decimator` to the
/// analysis rate (the integer fraction of the input rate nearest 22050 Hz). At that rate 2048-sample Hann
/// frames every 512 samples (93 ms every 23 ms at 22 kHz) give the spectral shape, MFCCs and chroma, whose
/// means and spreads are kept as running sums (chroma as a sum), and the onset envelope: per frame, the mean
/// rise of the 40 log-mel bands plus, weighted equally, that of the bass bands below 200 Hz (about 43 values a
/// second), from which `finish()` estimates the tempo. Nothing else is kept, so memory does not grow with the
/// track, save the onset envelope, which stops growing after `maximumEnvelopeDuration` (under 1 MB),
/// and libebur128's block history, capped at `LoudnessMeter`'s 30 minutes.
///
/// Cost: about 2.5 ms per second of 44.1 kHz stereo in a release build (400× real time on one core), half
/// of it libebur128's K-weighting at the input rate.
///
/// Not `Sendable`: one thread feeds one extractor, one track per instance.
public final class FeatureExtractor {
    /// How much audio is enough for the features to be representative: ten minutes. The caller may stop
    /// feeding after this (the duration and the loudness are then of the part fed); feeding more is safe.
    public static let sufficientDuration: Double = 600
    /// The onset envelope (and so the tempo) covers at most the first 30 minutes.
    public static let maximumEnvelopeDuration: Double = 1800
    /// Input frames handled per step; a bigger `consume` is split into steps of this size.
    static let blockFrames = 4096

    public let sampleRate: Int
    public let channels: Int
    /// The rate the spectral analysis runs at.
    public var analysisRate: Int { decimator.outputRate }

    private let meter: LoudnessMeter
    private let decimator: Decimator
    private let frames: FrameAnalyzer
    private let mono: UnsafeMutablePointer<Float>
    private let decimated: UnsafeMutablePointer<Float>
    /// Decimated samples not yet past a frame's first hop.
    private let pending: UnsafeMutablePointer<Float>
    private let pendingCapacity: Int
    private var pendingCount = 0

    private var inputFrames = 0
    private var analysedFrames = 0
    private var sumOfSquares = 0.0
    private var sampleCount = 0
    private var centroid = RunningStatistics()
    private var rolloff = RunningStatistics()
    private var flatness = RunningStatistics()
    private var zeroCrossings = RunningStatistics()
    private var mfcc = [RunningStatistics](repeating: RunningStatistics(), count: FrameAnalyzer.mfccCount)
    private var chroma = [Double](repeating: 0, count: 12)
    /// The onset envelope so far (log-mel and bass rise per frame, dB), at most `maximumEnvelopeDuration` long.
    private(set) var onsetEnvelope: [Float] = []
    private let maximumEnvelopeCount: Int
    private let previousLogMel: UnsafeMutablePointer<Float>
    private var hasPreviousFrame = false

    /// The decoder's native format. A rate below 1 Hz or no channel is a programming error.
    public init(sampleRate: Int, channels: Int) {
        precondition(sampleRate >= 1 && channels >= 1, "FeatureExtractor needs a rate and at least one channel")
        self.sampleRate = sampleRate
        self.channels = channels
        meter = LoudnessMeter(sampleRate: sampleRate, channels: channels)
        decimator = Decimator(inputRate: sampleRate, maximumBlock: Self.blockFrames)
        frames = FrameAnalyzer(sampleRate: decimator.outputRate)
        mono = .allocate(capacity: Self.blockFrames)
        decimated = .allocate(capacity: decimator.maximumOutput(forInput: Self.blockFrames))
        pendingCapacity = frames.frameSize + decimator.maximumOutput(forInput: Self.blockFrames)
        pending = .allocate(capacity: pendingCapacity)
        pending.initialize(repeating: 0, count: pendingCapacity)
        previousLogMel = .allocate(capacity: FrameAnalyzer.melBandCount)
        previousLogMel.initialize(repeating: FrameAnalyzer.decibelFloor, count: FrameAnalyzer.melBandCount)
        maximumEnvelopeCount = Int(Self.maximumEnvelopeDuration * Double(frames.sampleRate) / Double(frames.hopSize))
    }

    deinit {
        mono.deallocate()
        decimated.deallocate()
        pending.deallocate()
        previousLogMel.deallocate()
    }

    /// Onset-envelope values per second.
    var envelopeRate: Double { Double(frames.sampleRate) / Double(frames.hopSize) }

    /// `frames` interleaved frames of `channels` Float samples in −1…1 (NaN and infinities count as 0 for
    /// the spectral analysis; libebur128 sees the samples as they are).
    public func consume(_ samples: UnsafePointer<Float>, frames frameCount: Int) {
        guard frameCount > 0 else { return }
        meter.add(samples, frames: frameCount)
        inputFrames += frameCount
        var offset = 0
        while offset < frameCount {
            let count = min(Self.blockFrames, frameCount - offset)
            downmix(samples + offset * channels, frames: count)
            let produced = decimator.process(mono, count: count, into: decimated)
            append(decimated, count: produced)
            offset += count
        }
    }

    /// Interleaved samples (a trailing partial frame is ignored).
    public func consume(_ samples: [Float]) {
        samples.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            consume(base, frames: buffer.count / channels)
        }
    }

    /// The features of everything consumed. Call once, after the last `consume`.
    public func finish() -> AudioFeatures {
        // A clip shorter than one frame is still analysed, as one zero-padded frame with the clip in its
        // middle (at its start, the window would all but silence it).
        if analysedFrames == 0 && pendingCount > 0 {
            let count = pendingCount
            let lead = (frames.frameSize - count) / 2
            (pending + lead).update(from: pending, count: count)
            pending.update(repeating: 0, count: lead)
            (pending + lead + count).update(repeating: 0, count: frames.frameSize - lead - count)
            analyseFrame(pending, levelSamples: UnsafeBufferPointer(start: pending + lead, count: count))
        }
        let tempo = TempoEstimator.estimate(onsetEnvelope: onsetEnvelope, framesPerSecond: envelopeRate)
        let onsetsPerSecond = TempoEstimator.onsetRate(onsetEnvelope: onsetEnvelope, framesPerSecond: envelopeRate)
        let chromaTotal = chroma.reduce(0, +)
        let profile = chromaTotal > 0 && chromaTotal.isFinite ? chroma.map { $0 / chromaTotal } : chroma.map { _ in 0 }
        let key = KeyEstimator.estimate(chroma: profile)
        let loudness = meter.integrated
        let loudnessRange = meter.range
        let meanSquare = sampleCount > 0 ? sumOfSquares / Double(sampleCount) : 0
        let rmsDecibels = meanSquare > 0 ? 10 * log10(meanSquare) : -200
        let flatnessSummary = flatness.summary
        let zeroCrossingSummary = zeroCrossings.summary
        let centroidSummary = centroid.summary

        let traits: AudioFeatures.Traits
        if loudness == nil && centroid.count == 0 {
            traits = AudioFeatures.Traits(energy: 0, brightness: 0, tempoFeel: 0, danceability: 0, acousticness: 0)
        } else {
            traits = AudioFeatures.Traits(
                energy: TraitMapping.energy(loudness: loudness, rmsDecibels: rmsDecibels,
                                            onsetsPerSecond: onsetsPerSecond),
                brightness: TraitMapping.brightness(centroid: centroidSummary.mean),
                tempoFeel: TraitMapping.tempoFeel(bpm: tempo.bpm),
                danceability: TraitMapping.danceability(beatStrength: tempo.strength, bpm: tempo.bpm),
                acousticness: TraitMapping.acousticness(flatness: flatnessSummary.mean,
                                                        zeroCrossingRate: zeroCrossingSummary.mean,
                                                        loudnessRange: loudnessRange))
        }
        return AudioFeatures(
            duration: (Double(inputFrames) / Double(sampleRate)).finiteOr(),
            integratedLoudness: loudness.flatMap { $0.isFinite ? $0 : nil },
            loudnessRange: loudnessRange.finiteOr(),
            tempo: tempo.bpm.finiteOr(),
            beatStrength: tempo.strength.clampedToUnit,
            spectralCentroid: centroidSummary,
            spectralRolloff: rolloff.summary,
            spectralFlatness: flatnessSummary,
            zeroCrossingRate: zeroCrossingSummary,
            mfccMeans: mfcc.map { $0.mean.finiteOr() },
            mfccVariances: mfcc.map { $0.variance.finiteOr() },
            chroma: profile.map { $0.finiteOr() },
            keyTonic: key.tonic,
            mode: key.mode,
            keyStrength: key.strength.finiteOr(),
            traits: traits)
    }

    /// Mean of the channels into `mono` (the mean, not the sum, keeps a centred source at its level).
    private func downmix(_ input: UnsafePointer<Float>, frames count: Int) {
        if channels == 1 {
            for index in 0..<count {
                let value = input[index]
                mono[index] = value.isFinite ? value : 0
            }
            return
        }
        let scale = 1 / Float(channels)
        for frame in 0..<count {
            var sum: Float = 0
            let base = input + frame * channels
            for channel in 0..<channels { sum += base[channel] }
            mono[frame] = sum.isFinite ? sum * scale : 0
        }
    }

    /// Appends decimated samples and analyses every frame that is complete.
    private func append(_ samples: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        (pending + pendingCount).update(from: samples, count: count)
        pendingCount += count
        var start = 0
        while start + frames.frameSize <= pendingCount {
            analyseFrame(pending + start, levelSamples: UnsafeBufferPointer(start: pending + start,
                                                                            count: frames.hopSize))
            start += frames.hopSize
        }
        if start > 0 {
            pendingCount -= start
            if pendingCount > 0 { pending.update(from: pending + start, count: pendingCount) }
        }
    }

    /// Analyses one frame; `levelSamples` (its first hop, which no other frame starts with) adds to the
    /// track's RMS level, so each sample counts once whatever the input's chunking.
    private func analyseFrame(_ frame: UnsafePointer<Float>, levelSamples: UnsafeBufferPointer<Float>) {
        let measured = frames.analyze(frame)
        analysedFrames += 1
        if let base = levelSamples.baseAddress {
            sumOfSquares += VectorMath.sumOfSquares(base, count: levelSamples.count)
            sampleCount += levelSamples.count
        }
        // Onset strength: the mean rise of the log-mel bands since the last frame, dB, plus the mean rise of
        // the bass bands alone (see `frames.bassBandCount`).
        var rise: Float = 0
        var bassRise: Float = 0
        for band in 0..<FrameAnalyzer.melBandCount {
            let value = frames.logMel[band]
            let increase = hasPreviousFrame ? max(0, value - previousLogMel[band]) : 0
            rise += increase
            if band < frames.bassBandCount { bassRise += increase }
            previousLogMel[band] = value
        }
        hasPreviousFrame = true
        if onsetEnvelope.count < maximumEnvelopeCount {
            onsetEnvelope.append(0.5 * rise / Float(FrameAnalyzer.melBandCount)
                                 + 0.5 * bassRise / Float(max(1, frames.bassBandCount)))
        }
        guard measured.audible else { return }
        centroid.add(measured.centroid)
        rolloff.add(measured.rolloff)
        flatness.add(measured.flatness)
        zeroCrossings.add(measured.zeroCrossingRate)
        for index in 0..<FrameAnalyzer.mfccCount { mfcc[index].add(Double(frames.mfcc[index])) }
        for index in 0..<12 { chroma[index] += Double(frames.chroma[index]) }
    }
}
