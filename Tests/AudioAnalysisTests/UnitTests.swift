import Foundation
import MusicCore
import Testing
@testable import AudioAnalysis

@Suite("The analysis's building blocks")
struct BuildingBlockTests {
    @Test("Decimation filter: unity at DC, flat in the passband, −60 dB or better in the stopband", arguments: [2, 4])
    func decimationFilter(factor: Int) {
        let taps = Decimator.lowPassTaps(factor: factor).map(Double.init)
        func gain(_ normalisedFrequency: Double) -> Double {
            var re = 0.0
            var im = 0.0
            for (index, tap) in taps.enumerated() {
                re += tap * cos(2 * Double.pi * normalisedFrequency * Double(index))
                im -= tap * sin(2 * Double.pi * normalisedFrequency * Double(index))
            }
            return (re * re + im * im).squareRoot()
        }
        #expect(abs(taps.reduce(0, +) - 1) < 1e-6)
        let outputNyquist = 0.5 / Double(factor)
        #expect(abs(gain(0.8 * outputNyquist) - 1) < 0.01)
        #expect(abs(gain(outputNyquist) - 0.5) < 0.02)
        #expect(gain(1.2 * outputNyquist) < 0.001)
        #expect(gain(1.6 * outputNyquist) < 0.001)
    }

    @Test("The decimator passes a 1 kHz sine at level and stops a 15 kHz one, across chunk boundaries")
    func decimator() {
        let decimator = Decimator(inputRate: 44100, maximumBlock: 1000)
        func outputLevel(_ frequency: Double) -> Double {
            let input = Signals.sine(frequency: frequency, amplitude: 1, seconds: 1, rate: 44100)
            var output: [Float] = []
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: decimator.maximumOutput(forInput: 1000))
            defer { buffer.deallocate() }
            input.withUnsafeBufferPointer { samples in
                var offset = 0
                while offset < samples.count {
                    let count = min(997, samples.count - offset)
                    let written = decimator.process(samples.baseAddress! + offset, count: count, into: buffer)
                    output += UnsafeBufferPointer(start: buffer, count: written)
                    offset += count
                }
            }
            let steady = output.dropFirst(1000)
            return (steady.map { Double($0 * $0) }.reduce(0, +) / Double(steady.count) * 2).squareRoot()
        }
        #expect(decimator.outputRate == 22050)
        #expect(abs(outputLevel(1000) - 1) < 0.01)
        #expect(outputLevel(15000) < 0.001)
    }

    @Test("Mel filter bank: no empty band, each band's weights sum to 1, bands rise with frequency")
    func melBank() {
        let bank = MelFilterBank(bandCount: 40, fftSize: 2048, sampleRate: 22050, lowHz: 30, highHz: 10000)
        let flat = [Float](repeating: 1, count: 1025)
        var bands = [Float](repeating: 0, count: 40)
        flat.withUnsafeBufferPointer { power in
            bands.withUnsafeMutableBufferPointer { out in bank.apply(power.baseAddress!, into: out.baseAddress!) }
        }
        #expect(bands.allSatisfy { abs($0 - 1) < 1e-5 })
        for band in 1..<40 {
            #expect(!bank.bins(ofBand: band).isEmpty)
            #expect(bank.centre(ofBand: band) > bank.centre(ofBand: band - 1))
        }
    }

    @Test("The DCT of a flat log spectrum has only a first coefficient")
    func cepstrum() {
        let transform = CepstrumTransform(inputCount: 40, outputCount: 13)
        let input = [Float](repeating: -20, count: 40)
        var output = [Float](repeating: 0, count: 13)
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { transform.apply(source.baseAddress!, into: $0.baseAddress!) }
        }
        #expect(abs(output[0] - (-20 * Float(40).squareRoot())) < 1e-3)
        #expect(output.dropFirst().allSatisfy { abs($0) < 1e-3 })
    }

    @Test("Pitch classes: A4 = 9, middle C = 0, a quarter-tone rounds to the nearest")
    func pitchClasses() {
        #expect(Chroma.pitchClass(ofFrequency: 440) == 9)
        #expect(Chroma.pitchClass(ofFrequency: 261.63) == 0)
        #expect(Chroma.pitchClass(ofFrequency: 55) == 9)
        #expect(Chroma.pitchClass(ofFrequency: 440 * pow(2, 0.4 / 12)) == 9)
        #expect(Chroma.pitchClass(ofFrequency: 440 * pow(2, 0.6 / 12)) == 10)
        #expect(Chroma.parabolicOffset(left: 1, centre: 2, right: 1) == 0)
        #expect(Chroma.parabolicOffset(left: 1, centre: 2, right: 2) > 0.4)
    }

    @Test("Key estimation: each key's own profile is found as that key; flat chroma has no key")
    func keyProfiles() {
        for tonic in 0..<12 {
            for (mode, profile) in [(AudioFeatures.Mode.major, KeyEstimator.majorProfile),
                                    (.minor, KeyEstimator.minorProfile)] {
                let chroma = (0..<12).map { profile[(($0 - tonic) % 12 + 12) % 12] }
                let key = KeyEstimator.estimate(chroma: chroma)
                #expect(key.tonic == tonic && key.mode == mode)
                #expect(abs(key.strength - 1) < 1e-9)
            }
        }
        #expect(KeyEstimator.estimate(chroma: [Double](repeating: 1, count: 12)).strength == 0)
        #expect(KeyEstimator.estimate(chroma: [Double](repeating: 0, count: 12)).strength == 0)
    }

    @Test("Running statistics match the two-pass mean and population variance")
    func runningStatistics() {
        let values = (0..<1000).map { 1e6 + sin(Double($0)) }
        var statistics = RunningStatistics()
        values.forEach { statistics.add($0) }
        statistics.add(.nan)
        let mean = values.reduce(0, +) / 1000
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1000
        #expect(statistics.count == 1000)
        #expect(abs(statistics.mean - mean) < 1e-6)
        #expect(abs(statistics.variance - variance) < 1e-9)
        #expect(RunningStatistics().summary == AudioFeatures.Summary(mean: 0, spread: 0))
    }

    @Test("Spectral shape of hand-made spectra")
    func spectralShape() {
        var power = [Float](repeating: 0, count: 1025)
        power[100] = 1
        power.withUnsafeBufferPointer { spectrum in
            #expect(abs(SpectralShape.centroid(power: spectrum, binWidth: 10) - 1000) < 1e-9)
            #expect(SpectralShape.flatness(power: spectrum, bins: 1..<1024, bandSize: 16) < 1e-6)
        }
        let flat = [Float](repeating: 2, count: 1025)
        flat.withUnsafeBufferPointer { spectrum in
            #expect(abs(SpectralShape.flatness(power: spectrum, bins: 1..<1024, bandSize: 16) - 1) < 1e-9)
            let rolloff = SpectralShape.rolloff(power: spectrum, binWidth: 10)
            #expect(abs(rolloff - 0.85 * 10240) < 10, "\(rolloff)")
        }
        let alternating: [Float] = (0..<100).map { $0 % 2 == 0 ? 1 : -1 }
        alternating.withUnsafeBufferPointer { #expect(SpectralShape.zeroCrossingRate($0) == 1) }
        let silence = [Float](repeating: 0, count: 100)
        silence.withUnsafeBufferPointer { #expect(SpectralShape.zeroCrossingRate($0) == 0) }
    }

    @Test("Trait mappings are clamped, monotone and anchored where documented")
    func traitMappings() {
        #expect(TraitMapping.tempoFeel(bpm: 60) == 0 && TraitMapping.tempoFeel(bpm: 180) == 1)
        #expect(abs(TraitMapping.tempoFeel(bpm: 60 * 3.0.squareRoot()) - 0.5) < 1e-9)
        #expect(TraitMapping.tempoFeel(bpm: 0) == 0 && TraitMapping.tempoFeel(bpm: 300) == 1)
        #expect(TraitMapping.brightness(centroid: 400) == 0 && TraitMapping.brightness(centroid: 6000) == 1)
        #expect(TraitMapping.danceableTempo(bpm: 110) == 1)
        #expect(TraitMapping.danceableTempo(bpm: 60) < TraitMapping.danceableTempo(bpm: 80))
        #expect(TraitMapping.danceability(beatStrength: 0, bpm: 120) == 0)
        #expect(TraitMapping.energy(loudness: nil, rmsDecibels: -200, onsetsPerSecond: 0) == 0)
        #expect(TraitMapping.energy(loudness: -5, rmsDecibels: -3, onsetsPerSecond: 10) == 1)
        #expect(TraitMapping.energy(loudness: -20, rmsDecibels: -20, onsetsPerSecond: 2)
                < TraitMapping.energy(loudness: -10, rmsDecibels: -20, onsetsPerSecond: 2))
        #expect(TraitMapping.acousticness(flatness: 0, zeroCrossingRate: 0, loudnessRange: 20) == 1)
        #expect(TraitMapping.acousticness(flatness: 1, zeroCrossingRate: 0.5, loudnessRange: 0) == 0)
        #expect(TraitMapping.ramp(.nan, from: 0, to: 1) == 0)
    }
}
