import Foundation
import MusicCore
import Testing
@testable import AudioAnalysis

@Suite("Tempo: click tracks from 60 to 180 BPM")
struct TempoTests {
    static let tempos: [Double] = [60, 72, 85, 90, 100, 110, 120, 128, 140, 150, 165, 180]

    enum Outcome: Equatable { case within2Percent, octaveError, otherError }

    /// An octave error is an estimate near 2×, 3×, ½ or ⅓ of the truth (within 4%).
    static func classify(estimate: Double, truth: Double) -> Outcome {
        let ratio = estimate / truth
        if abs(ratio - 1) <= 0.02 { return .within2Percent }
        for multiple in [2.0, 3, 0.5, 1.0 / 3] where abs(ratio / multiple - 1) <= 0.04 { return .octaveError }
        return .otherError
    }

    static func analyse(_ interleaved: [Float], rate: Int, channels: Int) -> AudioFeatures {
        let extractor = FeatureExtractor(sampleRate: rate, channels: channels)
        extractor.consume(interleaved)
        return extractor.finish()
    }

    static func report(_ label: String, _ results: [(Double, Double)]) -> [Outcome] {
        var outcomes: [Outcome] = []
        for (truth, estimate) in results {
            let outcome = classify(estimate: estimate, truth: truth)
            outcomes.append(outcome)
            print(String(format: "%@ %6.1f BPM → %7.2f (%+.2f%%) %@", label, truth, estimate,
                         (estimate / truth - 1) * 100, "\(outcome)"))
        }
        return outcomes
    }

    @Test("Plain click tracks (44.1 kHz stereo, 25 s): every tempo within 2%, no octave errors")
    func plainClicks() async {
        let results = await withTaskGroup(of: (Double, Double).self) { group in
            for bpm in Self.tempos {
                group.addTask {
                    let clicks = Signals.clickTrack(bpm: bpm, seconds: 25, rate: 44100)
                    return (bpm, Self.analyse(Signals.stereo(clicks), rate: 44100, channels: 2).tempo)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }.sorted { $0.0 < $1.0 }
        }
        let outcomes = Self.report("plain", results)
        #expect(outcomes.filter { $0 == .octaveError }.count == 0, "octave errors on plain click tracks")
        #expect(outcomes.allSatisfy { $0 == .within2Percent })
    }

    @Test("Click tracks over a sustained chord and a noise bed (48 kHz stereo, 25 s): within 2%")
    func clicksOverABed() async {
        let results = await withTaskGroup(of: (Double, Double).self) { group in
            for bpm in Self.tempos {
                group.addTask {
                    let rate = 48000
                    let clicks = Signals.clickTrack(bpm: bpm, seconds: 25, rate: rate, seed: UInt64(bpm))
                    var bed = Signals.pinkNoise(amplitude: 0.05, seconds: 25, rate: rate, seed: UInt64(bpm) + 7)
                    for (frequency, amplitude) in [(220.0, Float(0.15)), (277.2, 0.1), (329.6, 0.1)] {
                        bed = Signals.mix(bed, Signals.sine(frequency: frequency, amplitude: amplitude, seconds: 25,
                                                            rate: rate))
                    }
                    let signal = Signals.mix(clicks, bed)
                    return (bpm, Self.analyse(Signals.stereo(signal), rate: rate, channels: 2).tempo)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }.sorted { $0.0 < $1.0 }
        }
        let outcomes = Self.report("bed", results)
        #expect(outcomes.filter { $0 == .octaveError }.count == 0)
        #expect(outcomes.allSatisfy { $0 == .within2Percent })
    }

    /// A chord loop to put under the drums.
    static func chordLoop(seconds: Double, rate: Int) -> [Float] {
        let bar = Signals.chords([[48, 52, 55, 60], [45, 48, 52, 57], [53, 57, 60, 65], [55, 59, 62, 67]],
                                 chordSeconds: 2, rate: rate, amplitude: 0.1)
        return Array(Array(repeating: bar, count: Int(seconds / 8) + 1).joined().prefix(Int(seconds * Double(rate))))
    }

    @Test("Drum patterns over chords (kick on 1 and 3, snare on 2 and 4, hi-hats on eighths or sixteenths)",
          arguments: [(95.0, 2), (110, 2), (120, 2), (128, 4), (140, 4), (174, 2)])
    func drumPatterns(bpm: Double, hatsPerBeat: Int) {
        let rate = 44100
        let drums = Signals.drums(bpm: bpm, seconds: 24, rate: rate, hatsPerBeat: hatsPerBeat,
                                  hatLevel: hatsPerBeat == 4 ? 0.25 : 0.15)
        let tempo = Self.analyse(Signals.mix(drums, Self.chordLoop(seconds: 24, rate: rate)), rate: rate, channels: 1).tempo
        print(String(format: "drums %6.1f BPM (%d hats a beat) → %7.2f", bpm, hatsPerBeat, tempo))
        #expect(Self.classify(estimate: tempo, truth: bpm) == .within2Percent)
    }

    @Test("A loud, clipped 128 BPM mix whose snare dominates the full-band flux still reads 128, not 64")
    func backbeatIsNotHalfTempo() {
        let rate = 44100
        let drums = Signals.scaled(Signals.drums(bpm: 128, seconds: 24, rate: rate), decibels: 3)
        let bed = Signals.mix(Signals.scaled(Self.chordLoop(seconds: 24, rate: rate), decibels: 6),
                              Signals.pinkNoise(amplitude: 0.2, seconds: 24, rate: rate))
        let mix = Signals.mix(drums, bed).map { max(-1, min(1, $0 * 1.5)) }
        let tempo = Self.analyse(mix, rate: rate, channels: 1).tempo
        #expect(Self.classify(estimate: tempo, truth: 128) == .within2Percent, "\(tempo)")
    }

    @Test("Noise has no beat: beat strength near 0")
    func noiseHasNoBeat() {
        let features = Self.analyse(Signals.pinkNoise(amplitude: 0.5, seconds: 20, rate: 22050), rate: 22050, channels: 1)
        #expect(features.beatStrength < 0.15)
    }
}

@Suite("Tempo estimation's parts")
struct TempoEstimatorTests {
    /// An envelope of spikes every `period` frames (fractional periods round each spike to a frame), with
    /// spikes of height `offBeat` halfway between.
    static func spikes(period: Double, count: Int, offBeat: Float = 0) -> [Float] {
        var envelope = [Float](repeating: 0, count: count)
        var position = 3.0
        while Int(position.rounded()) < count {
            envelope[Int(position.rounded())] = 10
            let half = Int((position + period / 2).rounded())
            if half < count { envelope[half] = max(envelope[half], offBeat * 10) }
            position += period
        }
        return envelope
    }

    @Test("The prior peaks at 120 BPM and halves the weight about 1.2 octaves away")
    func prior() {
        #expect(TempoEstimator.prior(bpm: 120) == 1)
        #expect(abs(TempoEstimator.prior(bpm: 60) - exp(-0.5)) < 1e-12)
        #expect(abs(TempoEstimator.prior(bpm: 240) - TempoEstimator.prior(bpm: 60)) < 1e-12)
    }

    @Test("Subdivision ratio: 0 with nothing between the beats, 1 with equal off-beats, about ½ with half-height ones")
    func subdivisionRatio() {
        let fps = 43.0
        let empty = Self.spikes(period: 43, count: 1000)
        let equal = Self.spikes(period: 43, count: 1000, offBeat: 1)
        let half = Self.spikes(period: 43, count: 1000, offBeat: 0.5)
        let smooth = TempoEstimator.smoothed
        #expect(TempoEstimator.subdivisionRatio(smooth(empty), period: 43, parts: 2, fps: fps) < 0.05)
        #expect(TempoEstimator.subdivisionRatio(smooth(equal), period: 43, parts: 2, fps: fps) > 0.95)
        let ratio = TempoEstimator.subdivisionRatio(smooth(half), period: 43, parts: 2, fps: fps)
        #expect(abs(ratio - 0.5) < 0.1, "\(ratio)")
    }

    @Test("An impulse train's envelope gives its tempo, at fractional periods too", arguments: [14.36, 21.5, 30.7, 43.0])
    func impulseTrain(period: Double) {
        let fps = 43.0
        let estimate = TempoEstimator.estimate(onsetEnvelope: Self.spikes(period: period, count: 1200),
                                               framesPerSecond: fps)
        let truth = 60 * fps / period
        #expect(abs(estimate.bpm / truth - 1) < 0.01, "\(estimate) vs \(truth)")
        #expect(estimate.strength > 0.8)
    }

    @Test("No tempo from too little or constant envelope")
    func degenerate() {
        #expect(TempoEstimator.estimate(onsetEnvelope: [], framesPerSecond: 43) == .none)
        #expect(TempoEstimator.estimate(onsetEnvelope: [Float](repeating: 3, count: 2000), framesPerSecond: 43) == .none)
        #expect(TempoEstimator.estimate(onsetEnvelope: [1, 2, 3], framesPerSecond: 43) == .none)
    }

    @Test("The comb reads interpolated autocorrelation at each multiple of the lag")
    func comb() {
        let rho = (0...100).map { cos(2 * Double.pi * Double($0) / 20) }
        #expect(abs(TempoEstimator.combScore(rho, lag: 20, teeth: 4) - 1) < 1e-9)
        #expect(abs(TempoEstimator.combScore(rho, lag: 10, teeth: 4)) < 1e-9)
        #expect(TempoEstimator.combScore(rho, lag: 200, teeth: 4) == -1)
        #expect(abs(TempoEstimator.interpolated(rho, at: 0.5) - (rho[0] + rho[1]) / 2) < 1e-12)
    }
}
