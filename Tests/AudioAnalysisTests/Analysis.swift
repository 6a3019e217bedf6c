import Foundation
import MusicCore
@testable import AudioAnalysis

/// Running the extractor in tests, and checking its output.
enum Analysis {
    static func features(_ interleaved: [Float], rate: Int, channels: Int = 1) -> AudioFeatures {
        let extractor = FeatureExtractor(sampleRate: rate, channels: channels)
        extractor.consume(interleaved)
        return extractor.finish()
    }

    /// The names of every field that is NaN or infinite (none must be), and of array fields of the wrong size.
    static func problems(_ f: AudioFeatures) -> [String] {
        var values: [(String, Double)] = [
            ("duration", f.duration), ("loudnessRange", f.loudnessRange), ("tempo", f.tempo),
            ("beatStrength", f.beatStrength), ("keyStrength", f.keyStrength),
            ("centroid.mean", f.spectralCentroid.mean), ("centroid.spread", f.spectralCentroid.spread),
            ("rolloff.mean", f.spectralRolloff.mean), ("rolloff.spread", f.spectralRolloff.spread),
            ("flatness.mean", f.spectralFlatness.mean), ("flatness.spread", f.spectralFlatness.spread),
            ("zcr.mean", f.zeroCrossingRate.mean), ("zcr.spread", f.zeroCrossingRate.spread),
            ("energy", f.traits.energy), ("brightness", f.traits.brightness), ("tempoFeel", f.traits.tempoFeel),
            ("danceability", f.traits.danceability), ("acousticness", f.traits.acousticness),
        ]
        if let loudness = f.integratedLoudness { values.append(("integratedLoudness", loudness)) }
        values += f.mfccMeans.enumerated().map { ("mfccMeans[\($0)]", $1) }
        values += f.mfccVariances.enumerated().map { ("mfccVariances[\($0)]", $1) }
        values += f.chroma.enumerated().map { ("chroma[\($0)]", $1) }
        var problems = values.filter { !$0.1.isFinite }.map(\.0)
        let traits = [f.traits.energy, f.traits.brightness, f.traits.tempoFeel, f.traits.danceability,
                      f.traits.acousticness, f.beatStrength]
        if traits.contains(where: { !(0...1).contains($0) }) { problems.append("a trait or beatStrength outside 0…1") }
        if f.mfccMeans.count != 13 { problems.append("mfccMeans.count \(f.mfccMeans.count)") }
        if f.mfccVariances.count != 13 { problems.append("mfccVariances.count \(f.mfccVariances.count)") }
        if f.mfccVariances.contains(where: { $0 < 0 }) { problems.append("negative variance") }
        if f.chroma.count != 12 { problems.append("chroma.count \(f.chroma.count)") }
        let chromaSum = f.chroma.reduce(0, +)
        if !(abs(chromaSum - 1) < 1e-9 || (chromaSum == 0 && f.chroma.allSatisfy { $0 == 0 })) {
            problems.append("chroma sums to \(chromaSum)")
        }
        if !(0..<12).contains(f.keyTonic) { problems.append("keyTonic \(f.keyTonic)") }
        return problems
    }
}
