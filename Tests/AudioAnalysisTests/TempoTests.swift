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
}
