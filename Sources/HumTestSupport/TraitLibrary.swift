import Foundation

/// A library of real audio whose content has controlled traits, for the recommender's evaluation and tests:
/// tempo from a click pattern, brightness from a low-passed noise bed, loudness from the gain, mode from the
/// chords. Each artist has a style (a centre in trait space) that its tracks vary around, as in real
/// libraries. Files are FLAC (22,050 Hz mono, 16-bit) tagged with artist, album, title and genre by `flac`.
public struct TraitLibrary: Sendable {
    /// What one generated track is, as the simulated listeners know it (the ground truth hum must hear).
    public struct Track: Sendable, Equatable, Codable {
        public var path: String
        public var artist: String
        public var album: String
        public var title: String
        public var genre: String
        public var bpm: Double
        /// The noise bed's low-pass cutoff, Hz: low is dark, high is bright.
        public var cutoffHz: Double
        /// Overall gain, dB.
        public var gainDB: Double
        public var minor: Bool
        public var keyTonic: Int

        /// The four hidden factors, standardised to about ±1 over the generator's ranges.
        public var factors: [Double] {
            [log(bpm / 110) / 0.35, log(cutoffHz / 1500) / 1.1, (gainDB + 12) / 6, minor ? 1 : -1]
        }
        public static let factorNames = ["tempo", "brightness", "loudness", "mode"]
    }

    public var tracks: [Track]
    public static let sampleRate = 22_050

    /// Generates `artists` × `perArtist` tracks of `seconds` seconds into `folder` (made if missing).
    /// Deterministic for a seed. Uses every core.
    public static func generate(in folder: String, artists: Int, perArtist: Int, seconds: Double,
                                seed: UInt64) throws -> TraitLibrary {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var random = SeededGenerator(seed: seed)
        var plans: [Track] = []
        // Genres are per artist, and say nothing of the traits (as tags often do not).
        let genres = ["Ambient", "Folk", "Jazz", "Rock", "Electronic", "Soul", "Classical", "Pop"]
        for artist in 0..<artists {
            let centre = (bpm: 60 * pow(3, random.unit()), cutoff: 300 * pow(25, random.unit()),
                          gain: -20 + 18 * random.unit(), minor: random.unit() < 0.5, key: Int(random.unit() * 12))
            for number in 0..<perArtist {
                let bpm = min(max(centre.bpm * exp(0.18 * random.normal()), 60), 180)
                let cutoff = min(max(centre.cutoff * exp(0.5 * random.normal()), 250), 9000)
                let gain = min(max(centre.gain + 3 * random.normal(), -24), -1)
                let minor = random.unit() < 0.8 ? centre.minor : !centre.minor
                let name = String(format: "a%02d-t%02d", artist, number)
                plans.append(Track(path: folder + "/\(name).flac", artist: "Artist \(artist)", album: "Album \(artist)",
                                   title: "Track \(number) of artist \(artist)", genre: genres[artist % genres.count], bpm: bpm, cutoffHz: cutoff, gainDB: gain,
                                   minor: minor, keyTonic: (centre.key + number * 7) % 12))
            }
        }
        let failures = FailureList()
        let planned = plans
        DispatchQueue.concurrentPerform(iterations: planned.count) { index in
            let plan = planned[index]
            if FileManager.default.fileExists(atPath: plan.path) { return }
            do {
                try write(plan, seconds: seconds, seed: seed &+ UInt64(index))
            } catch {
                failures.add("\(plan.path): \(error)")
            }
        }
        if let first = failures.first { throw ChildProcess.Failure(description: first) }
        return TraitLibrary(tracks: plans)
    }

    /// Synthesises one track and encodes it with its tags.
    static func write(_ track: Track, seconds: Double, seed: UInt64) throws {
        let samples = synthesise(track, seconds: seconds, seed: seed)
        let wav = track.path + ".wav"
        try WavWriter.write16(samples, sampleRate: sampleRate, to: wav)
        defer { try? FileManager.default.removeItem(atPath: wav) }
        _ = try ChildProcess.run("flac", ["-s", "-f", "-5", "-o", track.path, "-T", "ARTIST=\(track.artist)",
                                          "-T", "ALBUM=\(track.album)", "-T", "TITLE=\(track.title)",
                                          "-T", "GENRE=\(track.genre)", wav], timeout: 120)
    }

    /// Chords of the key and mode (I–IV–V–I or i–iv–v–i, harmonic-rich tones), a click on every beat, a
    /// low-passed noise bed, all under the gain.
    public static func synthesise(_ track: Track, seconds: Double, seed: UInt64) -> [Float] {
        let rate = Double(sampleRate)
        let count = Int(seconds * rate)
        var out = [Float](repeating: 0, count: count)
        let third = track.minor ? 3 : 4
        let degrees = [0, 5, 7, 0]
        let chordLength = count / degrees.count
        for (chordIndex, degree) in degrees.enumerated() {
            let root = 48 + track.keyTonic + degree
            let notes = [root, root + (degree == 7 ? 4 : third), root + 7]  // the V chord is major in both modes
            let start = chordIndex * chordLength
            for note in notes {
                let frequency = 440 * pow(2, Double(note - 69) / 12)
                for partial in 1...4 {
                    let f = frequency * Double(partial)
                    guard f < rate / 2 - 500 else { continue }
                    let amplitude = 0.08 / Double(partial)
                    let step = 2 * Double.pi * f / rate
                    for i in 0..<chordLength { out[start + i] += Float(amplitude * sin(step * Double(i))) }
                }
            }
        }
        // Clicks: 15 ms of decaying broadband noise on each beat, well above the bed (as a beat is in music).
        var random = SeededGenerator(seed: seed)
        let beat = 60 / track.bpm * rate
        var position = 0.0
        let clickLength = Int(0.015 * rate)
        while Int(position) + clickLength < count {
            let start = Int(position)
            for i in 0..<clickLength {
                out[start + i] += Float(0.9 * exp(-Double(i) / Double(clickLength) * 4) * (random.unit() * 2 - 1))
            }
            position += beat
        }
        // The noise bed, through a two-pole low-pass at the cutoff.
        let alpha = 1 - exp(-2 * Double.pi * track.cutoffHz / rate)
        var low1 = 0.0, low2 = 0.0
        for i in 0..<count {
            low1 += alpha * ((random.unit() * 2 - 1) - low1)
            low2 += alpha * (low1 - low2)
            out[i] += Float(0.12 * low2 * (1 + 2 * (1 - alpha)))
        }
        let gain = Float(pow(10, track.gainDB / 20))
        var peak: Float = 0
        for i in 0..<count { out[i] *= gain; peak = max(peak, abs(out[i])) }
        if peak > 0.99 { for i in 0..<count { out[i] *= 0.99 / peak } }
        return out
    }
}

extension SeededGenerator {
    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u = max(unit(), 1e-12), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

/// Failures collected from concurrent work.
final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.withLock { items.append(item) } }
    var first: String? { lock.withLock { items.first } }
}

/// Writes 16-bit PCM WAV files.
public enum WavWriter {
    public static func write16(_ samples: [Float], sampleRate: Int, channels: Int = 1, to path: String) throws {
        var data = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("RIFF".utf8)); u32(UInt32(36 + samples.count * 2))
        data.append(contentsOf: Array("WAVEfmt ".utf8)); u32(16); u16(1); u16(UInt16(channels))
        u32(UInt32(sampleRate)); u32(UInt32(sampleRate * channels * 2)); u16(UInt16(channels * 2)); u16(16)
        data.append(contentsOf: Array("data".utf8)); u32(UInt32(samples.count * 2))
        var pcm = [Int16](repeating: 0, count: samples.count)
        for (i, s) in samples.enumerated() { pcm[i] = Int16(max(-1, min(1, s)) * 32767) }
        pcm.withUnsafeBytes { data.append(contentsOf: $0) }
        try data.write(to: URL(fileURLWithPath: path))
    }
}
