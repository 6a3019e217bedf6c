import Foundation

/// Test signals, generated in Swift (no files): deterministic noise, tones, click tracks and chords.
enum Signals {
    /// A small deterministic generator (SplitMix64), so every run hears the same noise.
    struct Random {
        private var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// Uniform in −1…1.
        mutating func uniform() -> Float { Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1) }
    }

    static func sine(frequency: Double, amplitude: Float, seconds: Double, rate: Int, phase: Double = 0) -> [Float] {
        let count = Int(seconds * Double(rate))
        let step = 2 * Double.pi * frequency / Double(rate)
        return (0..<count).map { amplitude * Float(sin(phase + step * Double($0))) }
    }

    static func whiteNoise(amplitude: Float, seconds: Double, rate: Int, seed: UInt64 = 1) -> [Float] {
        var random = Random(seed: seed)
        return (0..<Int(seconds * Double(rate))).map { _ in amplitude * random.uniform() }
    }

    /// Pink-ish noise (Paul Kellet's economy filter over white noise), scaled so its peak is about `amplitude`.
    static func pinkNoise(amplitude: Float, seconds: Double, rate: Int, seed: UInt64 = 2) -> [Float] {
        var random = Random(seed: seed)
        var (b0, b1, b2): (Float, Float, Float) = (0, 0, 0)
        return (0..<Int(seconds * Double(rate))).map { _ in
            let white = random.uniform()
            b0 = 0.99765 * b0 + white * 0.0990460
            b1 = 0.96300 * b1 + white * 0.2965164
            b2 = 0.57000 * b2 + white * 1.0526913
            return amplitude * 0.25 * (b0 + b1 + b2 + white * 0.1848)
        }
    }

    /// One-pole low-pass (a > 0 smooths more) and its complement, the high-pass.
    static func lowPassed(_ x: [Float], cutoff: Double, rate: Int) -> [Float] {
        let a = Float(exp(-2 * Double.pi * cutoff / Double(rate)))
        var y: Float = 0
        return x.map { value in
            y = (1 - a) * value + a * y
            return y
        }
    }

    static func highPassed(_ x: [Float], cutoff: Double, rate: Int) -> [Float] {
        // Four passes of the complement sharpen the slope.
        var signal = x
        for _ in 0..<4 {
            let low = lowPassed(signal, cutoff: cutoff, rate: rate)
            signal = zip(signal, low).map { $0 - $1 }
        }
        return signal
    }

    /// A metronome: a 6 ms burst of decaying noise every beat, first beat at `offset` seconds.
    static func clickTrack(bpm: Double, seconds: Double, rate: Int, amplitude: Float = 0.5, offset: Double = 0.1,
                           seed: UInt64 = 3) -> [Float] {
        var random = Random(seed: seed)
        var signal = [Float](repeating: 0, count: Int(seconds * Double(rate)))
        let clickLength = Int(0.006 * Double(rate))
        var time = offset
        while time < seconds {
            let start = Int(time * Double(rate))
            for index in 0..<clickLength where start + index < signal.count {
                let decay = Float(exp(-Double(index) / (0.0015 * Double(rate))))
                signal[start + index] += amplitude * decay * random.uniform()
            }
            time += 60 / bpm
        }
        return signal
    }

    /// A harmonic tone with `partials` partials at 1/k amplitude, a 10 ms attack and a gentle decay.
    static func addTone(to signal: inout [Float], midi: Double, start: Double, length: Double, amplitude: Float,
                        rate: Int, partials: Int = 6) {
        let frequency = 440 * pow(2, (midi - 69) / 12)
        let first = Int(start * Double(rate))
        let count = Int(length * Double(rate))
        for index in 0..<count where first + index < signal.count {
            let time = Double(index) / Double(rate)
            let envelope = min(1, time / 0.01) * exp(-time / (length * 1.5)) * min(1, (length - time) / 0.02)
            var value = 0.0
            for partial in 1...partials where frequency * Double(partial) < Double(rate) / 2 {
                value += sin(2 * Double.pi * frequency * Double(partial) * time) / Double(partial)
            }
            signal[first + index] += amplitude * Float(envelope * value)
        }
    }

    /// Chords in sequence, each a list of MIDI notes held `chordSeconds`.
    static func chords(_ progression: [[Int]], chordSeconds: Double, rate: Int, amplitude: Float = 0.12) -> [Float] {
        var signal = [Float](repeating: 0, count: Int(Double(progression.count) * chordSeconds * Double(rate)))
        for (index, chord) in progression.enumerated() {
            for note in chord {
                addTone(to: &signal, midi: Double(note), start: Double(index) * chordSeconds, length: chordSeconds,
                        amplitude: amplitude, rate: rate)
            }
        }
        return signal
    }

    /// Mono to interleaved stereo, with per-channel gains.
    static func stereo(_ mono: [Float], left: Float = 1, right: Float = 1) -> [Float] {
        var out = [Float](repeating: 0, count: mono.count * 2)
        for index in mono.indices {
            out[2 * index] = mono[index] * left
            out[2 * index + 1] = mono[index] * right
        }
        return out
    }

    static func mix(_ a: [Float], _ b: [Float]) -> [Float] {
        (0..<max(a.count, b.count)).map { ($0 < a.count ? a[$0] : 0) + ($0 < b.count ? b[$0] : 0) }
    }

    static func scaled(_ x: [Float], decibels: Double) -> [Float] {
        let gain = Float(pow(10, decibels / 20))
        return x.map { $0 * gain }
    }

    /// A drum pattern: a kick (a falling 110 → 50 Hz sine thump) on beats 1 and 3, a snare (a noise burst) on
    /// 2 and 4, and a hi-hat `hatsPerBeat` times a beat.
    static func drums(bpm: Double, seconds: Double, rate: Int, hatsPerBeat: Int = 2, hatLevel: Float = 0.15,
                      kickLevel: Float = 0.6, snareLevel: Float = 0.4, seed: UInt64 = 11) -> [Float] {
        var out = [Float](repeating: 0, count: Int(seconds * Double(rate)))
        var random = Random(seed: seed)
        let beat = 60 / bpm
        var time = 0.05
        var count = 0
        while time < seconds {
            let start = Int(time * Double(rate))
            for index in 0..<Int(0.15 * Double(rate)) where start + index < out.count {
                let t = Double(index) / Double(rate)
                if count % 2 == 0 {
                    out[start + index] += kickLevel
                        * Float(exp(-t / 0.05) * sin(2 * .pi * (50 + 60 * exp(-t / 0.02)) * t))
                } else {
                    out[start + index] += snareLevel * Float(exp(-t / 0.04)) * random.uniform()
                }
            }
            for hat in 0..<hatsPerBeat {
                let hatStart = Int((time + Double(hat) * beat / Double(hatsPerBeat)) * Double(rate))
                for index in 0..<Int(0.03 * Double(rate)) where hatStart + index < out.count {
                    out[hatStart + index] += hatLevel * Float(exp(-Double(index) / (0.005 * Double(rate))))
                        * random.uniform()
                }
            }
            time += beat
            count += 1
        }
        return out
    }
}
