import Foundation
import MusicCore

/// The named traits, each a documented, monotone mapping of measurements onto 0…1.
///
/// Why fixed mappings rather than learned ones: the traits are shown to people ("energetic", "bright") and
/// used to explain recommendations, so each must mean the same thing on every machine and move in one
/// direction with its inputs. The anchors (what maps to 0 and to 1) are typical of recorded music; outside
/// them a trait saturates.
enum TraitMapping {
    /// 0 at `low`, 1 at `high`, linear between, clamped.
    static func ramp(_ value: Double, from low: Double, to high: Double) -> Double {
        ((value - low) / (high - low)).clampedToUnit
    }

    /// Like `ramp`, on a logarithmic scale (for frequencies and tempos, which are heard as ratios).
    static func logRamp(_ value: Double, from low: Double, to high: Double) -> Double {
        guard value > 0 else { return 0 }
        return ramp(log(value), from: log(low), to: log(high))
    }

    /// Loud, dense and busy: 45% integrated loudness (−40 → −8 LUFS), 20% RMS level (−50 → −6 dBFS) and 35%
    /// onset density (0 → 8 onsets a second).
    static func energy(loudness: Double?, rmsDecibels: Double, onsetsPerSecond: Double) -> Double {
        let loud = loudness.map { ramp($0, from: -40, to: -8) } ?? 0
        let level = ramp(rmsDecibels, from: -50, to: -6)
        let density = ramp(onsetsPerSecond, from: 0, to: 8)
        return (0.45 * loud + 0.2 * level + 0.35 * density).clampedToUnit
    }

    /// The mean spectral centroid on a log scale: 400 Hz (dark) → 0, 6 kHz (bright) → 1.
    static func brightness(centroid: Double) -> Double {
        logRamp(centroid, from: 400, to: 6000)
    }

    /// The tempo on a log scale: 60 BPM → 0, 180 BPM → 1; no tempo → 0.
    static func tempoFeel(bpm: Double) -> Double {
        logRamp(bpm, from: 60, to: 180)
    }

    /// How near a tempo is to the 90–130 BPM band most dance music sits in: 1 inside it, falling off as a
    /// Gaussian in octaves outside it (half an octave away → about 0.37).
    static func danceableTempo(bpm: Double) -> Double {
        guard bpm > 0 else { return 0 }
        let distance = bpm < 90 ? log2(90 / bpm) : bpm > 130 ? log2(bpm / 130) : 0
        return exp(-0.5 * pow(distance / 0.35, 2))
    }

    /// A steady, strong beat at a danceable tempo: the beat strength (saturating at 0.6, already a very clear
    /// beat for music) times the tempo's closeness to 90–130 BPM.
    static func danceability(beatStrength: Double, bpm: Double) -> Double {
        (ramp(beatStrength, from: 0, to: 0.6) * danceableTempo(bpm: bpm)).clampedToUnit
    }

    /// Tonal, soft-edged and dynamic: 40% low spectral flatness (0.4 → 0), 30% low zero-crossing rate
    /// (0.2 → 0, which is about 2.2 kHz of "noisiness" at 22 kHz) and 30% a wide loudness range (0 → 15 LU).
    static func acousticness(flatness: Double, zeroCrossingRate: Double, loudnessRange: Double) -> Double {
        let tonal = 1 - ramp(flatness, from: 0, to: 0.4)
        let smooth = 1 - ramp(zeroCrossingRate, from: 0, to: 0.2)
        let dynamic = ramp(loudnessRange, from: 0, to: 15)
        return (0.4 * tonal + 0.3 * smooth + 0.3 * dynamic).clampedToUnit
    }
}
