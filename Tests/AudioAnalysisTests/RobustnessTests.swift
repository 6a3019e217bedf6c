import Foundation
import MusicCore
import Testing
@testable import AudioAnalysis

@Suite("Silence, short input, odd formats and chunking")
struct RobustnessTests {
    @Test("Silence: no loudness, all-zero chroma, zero traits, nothing NaN or infinite")
    func silence() {
        let features = Analysis.features([Float](repeating: 0, count: 44100 * 2 * 10), rate: 44100, channels: 2)
        #expect(features.integratedLoudness == nil)
        #expect(features.chroma == [Double](repeating: 0, count: 12))
        #expect(features.tempo == 0 && features.beatStrength == 0)
        #expect(features.traits == AudioFeatures.Traits(energy: 0, brightness: 0, tempoFeel: 0, danceability: 0,
                                                        acousticness: 0))
        #expect(abs(features.duration - 10) < 1e-9)
        #expect(Analysis.problems(features).isEmpty, "\(Analysis.problems(features))")
    }

    @Test("Very short input gives a valid result", arguments: [0, 1, 100, 2047, 5000])
    func shortInput(frames: Int) {
        let signal = Signals.sine(frequency: 440, amplitude: 0.5, seconds: Double(frames) / 44100 + 1e-9, rate: 44100)
        let features = Analysis.features(Signals.stereo(Array(signal.prefix(frames))), rate: 44100, channels: 2)
        #expect(Analysis.problems(features).isEmpty, "\(Analysis.problems(features))")
        #expect(abs(features.duration - Double(frames) / 44100) < 1e-9)
        if frames >= 2047 { #expect(abs(features.spectralCentroid.mean - 440) < 60, "\(features.spectralCentroid)") }
    }

    @Test("NaN, infinities and clipping in the input never reach the output")
    func hostileInput() {
        var signal = Signals.whiteNoise(amplitude: 1, seconds: 3, rate: 44100)
        signal[1000] = .nan
        signal[2000] = .infinity
        signal[3000] = -.infinity
        for index in stride(from: 5000, to: signal.count, by: 7) { signal[index] = 40 }
        let features = Analysis.features(signal, rate: 44100)
        #expect(Analysis.problems(features).isEmpty, "\(Analysis.problems(features))")
    }

    @Test("Every rate and channel count gives a valid, finite result",
          arguments: [(100, 1), (1000, 2), (8000, 1), (11025, 2), (16000, 1), (22050, 2), (32000, 2), (44100, 6), (48000, 8), (88200, 2),
                      (96000, 2), (192000, 1)])
    func formats(rate: Int, channels: Int) {
        let tone = Signals.mix(Signals.sine(frequency: 300, amplitude: 0.3, seconds: 4, rate: rate),
                               Signals.clickTrack(bpm: 120, seconds: 4, rate: rate))
        var interleaved = [Float](repeating: 0, count: tone.count * channels)
        for index in tone.indices { for channel in 0..<channels { interleaved[index * channels + channel] = tone[index] } }
        let extractor = FeatureExtractor(sampleRate: rate, channels: channels)
        extractor.consume(interleaved)
        let features = extractor.finish()
        #expect(Analysis.problems(features).isEmpty, "\(Analysis.problems(features))")
        #expect(abs(features.duration - 4) < 0.01)
        guard rate >= 8000 else { return }  // below, only validity is asked for
        #expect(features.integratedLoudness != nil)
        #expect(abs(features.spectralCentroid.mean - 300) < 300, "\(features.spectralCentroid)")
        #expect((8000...24000).contains(extractor.analysisRate))
    }

    @Test("The result does not depend on how the input is chunked")
    func chunking() {
        let rate = 44100
        let signal = Signals.stereo(Signals.mix(Signals.pinkNoise(amplitude: 0.3, seconds: 8, rate: rate),
                                                Signals.clickTrack(bpm: 100, seconds: 8, rate: rate)), left: 1, right: 0.5)
        let whole = Analysis.features(signal, rate: rate, channels: 2)
        let extractor = FeatureExtractor(sampleRate: rate, channels: 2)
        var offset = 0
        var size = 1
        signal.withUnsafeBufferPointer { buffer in
            let frames = buffer.count / 2
            while offset < frames {
                let count = min(size, frames - offset)
                extractor.consume(buffer.baseAddress! + offset * 2, frames: count)
                offset += count
                size = size * 5 % 10007 + 1
            }
        }
        #expect(extractor.finish() == whole)
    }

    @Test("Analysis rates: the integer fraction of the input rate nearest 22050 Hz")
    func decimationFactors() {
        let expected: [Int: Int] = [8000: 8000, 22050: 22050, 24000: 24000, 32000: 16000, 44100: 22050,
                                    48000: 24000, 88200: 22050, 96000: 24000, 176400: 22050, 192000: 21333]
        for (rate, analysisRate) in expected {
            #expect(rate / Decimator.factor(forInputRate: rate) == analysisRate, "\(rate)")
        }
    }
}
