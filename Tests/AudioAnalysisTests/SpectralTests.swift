import Foundation
import MusicCore
import Testing
@testable import AudioAnalysis

@Suite("Spectral shape, zero crossings and timbre on generated signals")
struct SpectralTests {
    @Test("A sine's spectral centroid is its frequency (within 2%), and its rolloff too (within 3% or 2 bins)", arguments: [200.0, 1000, 3000, 7000])
    func sineCentroid(frequency: Double) {
        let sine = Signals.sine(frequency: frequency, amplitude: 0.5, seconds: 3, rate: 44100)
        let features = Analysis.features(Signals.stereo(sine), rate: 44100, channels: 2)
        #expect(abs(features.spectralCentroid.mean / frequency - 1) < 0.02, "\(features.spectralCentroid)")
        #expect(features.spectralCentroid.spread < frequency * 0.01)
        #expect(abs(features.spectralRolloff.mean - frequency) < max(0.03 * frequency, 2 * 22050 / 2048),
                "\(features.spectralRolloff)")
    }

    @Test("A sine's zero-crossing rate is 2f / analysis rate", arguments: [(440.0, 44100), (1000, 48000), (300, 22050), (100, 8000)])
    func sineZeroCrossings(frequency: Double, rate: Int) {
        let extractor = FeatureExtractor(sampleRate: rate, channels: 1)
        extractor.consume(Signals.sine(frequency: frequency, amplitude: 0.5, seconds: 3, rate: rate))
        let expected = 2 * frequency / Double(extractor.analysisRate)
        let features = extractor.finish()
        #expect(abs(features.zeroCrossingRate.mean / expected - 1) < 0.02, "\(features.zeroCrossingRate) vs \(expected)")
    }

    @Test("Flatness: near 1 for white noise, near 0 for a sine")
    func flatness() {
        let noise = Analysis.features(Signals.whiteNoise(amplitude: 0.5, seconds: 4, rate: 44100), rate: 44100)
        let sine = Analysis.features(Signals.sine(frequency: 1000, amplitude: 0.5, seconds: 4, rate: 44100), rate: 44100)
        print("flatness: white noise \(noise.spectralFlatness), sine \(sine.spectralFlatness)")
        #expect(noise.spectralFlatness.mean > 0.85)
        #expect(sine.spectralFlatness.mean < 0.05)
    }

    @Test("Brightness: white noise high-passed at 4 kHz is brighter than low-passed at 500 Hz")
    func brightness() {
        let noise = Signals.whiteNoise(amplitude: 0.5, seconds: 4, rate: 44100)
        let high = Analysis.features(Signals.highPassed(noise, cutoff: 4000, rate: 44100), rate: 44100)
        let low = Analysis.features(Signals.lowPassed(Signals.lowPassed(noise, cutoff: 500, rate: 44100),
                                                      cutoff: 500, rate: 44100), rate: 44100)
        print("brightness: high-passed \(high.traits.brightness) (\(high.spectralCentroid.mean) Hz), "
              + "low-passed \(low.traits.brightness) (\(low.spectralCentroid.mean) Hz)")
        #expect(high.spectralCentroid.mean > low.spectralCentroid.mean * 3)
        #expect(high.traits.brightness > low.traits.brightness + 0.4)
    }

    @Test("MFCCs: 13 means and variances; a steady tone varies little, noise against a tone differs")
    func mfcc() {
        let sine = Analysis.features(Signals.sine(frequency: 500, amplitude: 0.5, seconds: 3, rate: 22050), rate: 22050)
        let noise = Analysis.features(Signals.whiteNoise(amplitude: 0.5, seconds: 3, rate: 22050), rate: 22050)
        #expect(sine.mfccMeans.count == 13 && sine.mfccVariances.count == 13)
        #expect(noise.mfccMeans.count == 13 && noise.mfccVariances.count == 13)
        #expect(sine.mfccVariances.allSatisfy { $0 < 1 }, "\(sine.mfccVariances)")
        let distance = zip(sine.mfccMeans, noise.mfccMeans).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        #expect(distance > 20)
    }

    @Test("Chroma: an A (with partials) puts most weight on pitch class 9 and sums to 1")
    func chroma() {
        var signal = [Float](repeating: 0, count: 3 * 22050)
        Signals.addTone(to: &signal, midi: 57, start: 0, length: 3, amplitude: 0.3, rate: 22050)
        let features = Analysis.features(signal, rate: 22050)
        #expect(abs(features.chroma.reduce(0, +) - 1) < 1e-9)
        #expect(features.chroma.indices.max { features.chroma[$0] < features.chroma[$1] } == 9)
    }
}

@Suite("Named traits move the right way")
struct TraitTests {
    @Test("Energy: a loud dense signal scores higher than a quiet sparse one")
    func energy() {
        let rate = 44100
        let dense = Signals.mix(Signals.pinkNoise(amplitude: 0.4, seconds: 10, rate: rate),
                                Signals.clickTrack(bpm: 480, seconds: 10, rate: rate, amplitude: 0.9))
        let sparse = Signals.scaled(Signals.clickTrack(bpm: 40, seconds: 10, rate: rate, amplitude: 0.5), decibels: -30)
        let loud = Analysis.features(Signals.stereo(dense), rate: rate, channels: 2)
        let quiet = Analysis.features(Signals.stereo(sparse), rate: rate, channels: 2)
        print("energy: loud dense \(loud.traits.energy), quiet sparse \(quiet.traits.energy)")
        #expect(loud.traits.energy > quiet.traits.energy + 0.4)
    }

    @Test("Tempo feel: 170 BPM feels faster than 70; danceability: a 120 BPM beat beats noise and a 45 BPM beat")
    func tempoAndDance() {
        let rate = 22050
        let fast = Analysis.features(Signals.clickTrack(bpm: 170, seconds: 20, rate: rate), rate: rate)
        let slow = Analysis.features(Signals.clickTrack(bpm: 70, seconds: 20, rate: rate), rate: rate)
        let dance = Analysis.features(Signals.clickTrack(bpm: 120, seconds: 20, rate: rate), rate: rate)
        let dirge = Analysis.features(Signals.clickTrack(bpm: 45, seconds: 20, rate: rate), rate: rate)
        let noise = Analysis.features(Signals.pinkNoise(amplitude: 0.5, seconds: 20, rate: rate), rate: rate)
        print("tempoFeel 170: \(fast.traits.tempoFeel), 70: \(slow.traits.tempoFeel); danceability 120: "
              + "\(dance.traits.danceability), 45: \(dirge.traits.danceability), noise: \(noise.traits.danceability) "
              + "(beat strength \(dance.beatStrength) vs \(noise.beatStrength))")
        #expect(fast.traits.tempoFeel > 0.85 && slow.traits.tempoFeel < 0.2)
        #expect(dance.beatStrength > 0.5 && noise.beatStrength < 0.2)
        #expect(dance.traits.danceability > 0.8)
        #expect(dance.traits.danceability > dirge.traits.danceability + 0.3)
        #expect(dance.traits.danceability > noise.traits.danceability + 0.5)
    }

    @Test("Acousticness: soft harmonic chords with dynamics score higher than loud white noise")
    func acousticness() {
        let rate = 22050
        var chords = Signals.chords([[48, 52, 55], [53, 57, 60], [55, 59, 62], [48, 52, 55]], chordSeconds: 4, rate: rate)
        for index in chords.indices where index > chords.count / 2 { chords[index] *= 0.1 }
        let tonal = Analysis.features(chords, rate: rate)
        let noisy = Analysis.features(Signals.whiteNoise(amplitude: 0.8, seconds: 16, rate: rate), rate: rate)
        print("acousticness: chords \(tonal.traits.acousticness), noise \(noisy.traits.acousticness)")
        #expect(tonal.traits.acousticness > noisy.traits.acousticness + 0.4)
    }
}
