import Foundation
import MusicCore
import Testing
@testable import AudioAnalysis

@Suite("Loudness: EBU R128 on the original channels, against libebur128")
struct LoudnessTests {
    /// libebur128's figures, with its whole history, on the original interleaved signal.
    static func reference(_ interleaved: [Float], rate: Int, channels: Int) -> (integrated: Double?, range: Double) {
        let meter = LoudnessMeter(sampleRate: rate, channels: channels, maximumHistory: nil)
        meter.add(interleaved)
        return (meter.integrated, meter.range)
    }

    /// The analyser's figures, fed in uneven chunks as a decoder would.
    static func analysed(_ interleaved: [Float], rate: Int, channels: Int) -> AudioFeatures {
        let extractor = FeatureExtractor(sampleRate: rate, channels: channels)
        var offset = 0
        var chunk = 1000
        interleaved.withUnsafeBufferPointer { buffer in
            let frames = buffer.count / channels
            while offset < frames {
                let count = min(chunk, frames - offset)
                extractor.consume(buffer.baseAddress! + offset * channels, frames: count)
                offset += count
                chunk = chunk * 7 % 9001 + 1
            }
        }
        return extractor.finish()
    }

    static let rate = 44100

    /// The test signals: (name, interleaved stereo, rate).
    static func signals() -> [(String, [Float], Int)] {
        let seconds = 20.0
        let pink = Signals.pinkNoise(amplitude: 0.5, seconds: seconds, rate: rate)
        let quietSine = Signals.sine(frequency: 440, amplitude: 0.05, seconds: seconds, rate: rate)
        let loudSine = Signals.sine(frequency: 3000, amplitude: 0.7, seconds: seconds, rate: rate)
        // Music-like: chords, a click beat and noise, in four sections at 0, −12, −4 and −20 dB.
        let chords = Signals.chords([[48, 52, 55, 60], [53, 57, 60, 65], [55, 59, 62, 67], [48, 52, 55, 60]],
                                    chordSeconds: 5, rate: rate, amplitude: 0.15)
        let beat = Signals.clickTrack(bpm: 118, seconds: seconds, rate: rate, amplitude: 0.6)
        let hiss = Signals.pinkNoise(amplitude: 0.05, seconds: seconds, rate: rate, seed: 9)
        var music = Signals.mix(Signals.mix(chords, beat), hiss)
        for index in music.indices {
            let section = index / (5 * rate)
            let decibels: [Double] = [0, -12, -4, -20]
            music[index] *= Float(pow(10, decibels[min(section, 3)] / 20))
        }
        let music48 = Signals.mix(Signals.chords([[45, 57, 60, 64], [50, 57, 62, 65]], chordSeconds: 6, rate: 48000),
                                  Signals.clickTrack(bpm: 96, seconds: 12, rate: 48000, amplitude: 0.3))
        return [
            ("pink noise", Signals.stereo(pink, left: 1, right: 0.7), rate),
            ("440 Hz at −26 dBFS", Signals.stereo(quietSine), rate),
            ("3 kHz at −3 dBFS, left only", Signals.stereo(loudSine, left: 1, right: 0), rate),
            ("music-like with gain changes", Signals.stereo(music, left: 0.9, right: 1), rate),
            ("music-like at 48 kHz", Signals.stereo(music48), 48000),
        ]
    }

    @Test("Integrated loudness within 0.1 LU of libebur128 on the original stereo signal")
    func integratedMatchesReference() throws {
        for (name, signal, rate) in Self.signals() {
            let expected = Self.reference(signal, rate: rate, channels: 2)
            let features = Self.analysed(signal, rate: rate, channels: 2)
            let reference = try #require(expected.integrated as Double?)
            let measured = try #require(features.integratedLoudness as Double?)
            print(String(format: "%@: reference %.3f LUFS, analysed %.3f LUFS (Δ %+.3f LU); LRA %.2f vs %.2f LU",
                         name, reference, measured, measured - reference, expected.range, features.loudnessRange))
            #expect(abs(measured - reference) <= 0.1, "\(name)")
            #expect(abs(features.loudnessRange - expected.range) <= 0.1, "\(name)")
        }
    }

    @Test("EBU Tech 3341 case 1: a 1 kHz stereo sine at −23 dBFS measures −23.0 ± 0.1 LUFS")
    func tech3341Sine() throws {
        let sine = Signals.sine(frequency: 1000, amplitude: Float(pow(10, -23.0 / 20)), seconds: 20, rate: 48000)
        let features = Self.analysed(Signals.stereo(sine), rate: 48000, channels: 2)
        let loudness = try #require(features.integratedLoudness)
        #expect(abs(loudness + 23) <= 0.1)
        #expect(features.loudnessRange < 0.5)
    }

    @Test("Loudness follows gain: +10 dB measures +10 LU")
    func followsGain() throws {
        let pink = Signals.pinkNoise(amplitude: 0.1, seconds: 10, rate: Self.rate)
        let quiet = try #require(Self.analysed(Signals.stereo(pink), rate: Self.rate, channels: 2).integratedLoudness)
        let loud = try #require(Self.analysed(Signals.stereo(Signals.scaled(pink, decibels: 10)), rate: Self.rate,
                                              channels: 2).integratedLoudness)
        #expect(abs(loud - quiet - 10) <= 0.1)
    }

    @Test("The meter: silence and no input have no loudness; an unsupported format measures nothing")
    func meterEdges() {
        let silent = LoudnessMeter(sampleRate: 44100, channels: 2)
        silent.add([Float](repeating: 0, count: 44100 * 2 * 5))
        #expect(silent.integrated == nil)
        #expect(silent.range == 0)
        #expect(LoudnessMeter(sampleRate: 44100, channels: 1).integrated == nil)
        let impossible = LoudnessMeter(sampleRate: 44100, channels: 0)
        impossible.add([0.5, 0.5])
        #expect(impossible.integrated == nil)
    }

    @Test("A mono file counts as one channel: 3 dB below the same signal on both stereo channels")
    func monoIsOneChannel() throws {
        let sine = Signals.sine(frequency: 1000, amplitude: 0.1, seconds: 10, rate: 48000)
        let mono = try #require(Self.analysed(sine, rate: 48000, channels: 1).integratedLoudness)
        let stereo = try #require(Self.analysed(Signals.stereo(sine), rate: 48000, channels: 2).integratedLoudness)
        #expect(abs(stereo - mono - 3.01) <= 0.01)
    }

    @Test("The meter's history is bounded: with 10 s kept, loud then quiet measures the quiet part")
    func boundedHistory() throws {
        let loud = Signals.sine(frequency: 1000, amplitude: 0.3, seconds: 20, rate: 48000)
        let quiet = Signals.sine(frequency: 1000, amplitude: 0.03, seconds: 12, rate: 48000)
        let meter = LoudnessMeter(sampleRate: 48000, channels: 1, maximumHistory: 10)
        meter.add(loud)
        meter.add(quiet)
        let whole = LoudnessMeter(sampleRate: 48000, channels: 1, maximumHistory: nil)
        whole.add(loud)
        whole.add(quiet)
        let recent = try #require(meter.integrated)
        let everything = try #require(whole.integrated)
        #expect(abs(recent - (20 * log10(0.03) - 3.01)) <= 0.2)
        #expect(everything > recent + 10)
    }
}
