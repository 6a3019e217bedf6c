import Foundation
import MusicCore

/// Test signals, computed (not recorded) so every expectation can be derived from the formula.
public enum Signals {
    /// A sine tone on every channel.
    public static func tone(frequency: Double, seconds: Double, sampleRate: Int = 44100, channels: Int = 2,
                            amplitude: Float = 0.5) -> WavData {
        let frames = Int(seconds * Double(sampleRate))
        var samples = [Float](repeating: 0, count: frames * channels)
        for frame in 0..<frames {
            let value = amplitude * Float(sin(2 * Double.pi * frequency * Double(frame) / Double(sampleRate)))
            for c in 0..<channels { samples[frame * channels + c] = value }
        }
        return WavData(sampleRate: sampleRate, channels: channels, samples: samples)
    }

    /// "Music" for correctness tests: an exponential sweep on the left, the sweep plus a 660 Hz tone on
    /// the right (so a channel swap shows), extra channels each a distinct tone. Never silent.
    public static func music(seconds: Double, sampleRate: Int = 44100, channels: Int = 2) -> WavData {
        let frames = Int(seconds * Double(sampleRate))
        var samples = [Float](repeating: 0, count: frames * channels)
        let f0 = 100.0, f1 = 5000.0, k = log(f1 / f0) / seconds
        for frame in 0..<frames {
            let t = Double(frame) / Double(sampleRate)
            let sweep = sin(2 * Double.pi * f0 * (exp(k * t) - 1) / k)
            for c in 0..<channels {
                let value: Double
                switch c {
                case 0: value = 0.45 * sweep
                case 1: value = 0.3 * sweep + 0.2 * sin(2 * Double.pi * 660 * t)
                default: value = 0.4 * sin(2 * Double.pi * Double(200 + 150 * c) * t)
                }
                samples[frame * channels + c] = Float(value)
            }
        }
        return WavData(sampleRate: sampleRate, channels: channels, samples: samples)
    }

    /// A linear chirp whose frequency tells the time: f(t) = `startHz` + `hzPerSecond` · t. Used to check
    /// from a recording where playback is (after a seek, or after the sound server came back).
    public static func clock(seconds: Double, sampleRate: Int = 44100, startHz: Double = ClockSignal.startHz,
                             hzPerSecond: Double = ClockSignal.hzPerSecond, amplitude: Float = 0.5) -> WavData {
        let frames = Int(seconds * Double(sampleRate))
        var samples = [Float](repeating: 0, count: frames * 2)
        for frame in 0..<frames {
            let t = Double(frame) / Double(sampleRate)
            let value = amplitude * Float(sin(2 * Double.pi * (startHz * t + hzPerSecond * t * t / 2)))
            samples[frame * 2] = value
            samples[frame * 2 + 1] = value
        }
        return WavData(sampleRate: sampleRate, channels: 2, samples: samples)
    }
}

/// The parameters of `Signals.clock`, and the inverse: from a frequency back to a time.
public enum ClockSignal {
    public static let startHz = 200.0
    public static let hzPerSecond = 100.0

    public static func time(atFrequency frequency: Double) -> Double { (frequency - startHz) / hzPerSecond }
}

/// The tests' name for MusicCore's seeded generator (SplitMix64), so that tests using noise are repeatable.
public typealias SeededGenerator = SeededRandom
