/// What the audio analysis found in one track: the measurements, and the few named traits derived from them
/// that a listener understands. Produced by AudioAnalysis, stored by MusicLibrary, read by the recommender.
///
/// Spectral figures are over the mono signal at the analysis rate (about 22 kHz).
public struct AudioFeatures: Sendable, Equatable, Codable {
    /// Bumped whenever a measurement changes meaning, so that stored analyses of an older version are redone.
    public static let currentVersion = 1

    /// A measurement's mean over the track's frames and its spread (standard deviation).
    public struct Summary: Sendable, Equatable, Codable {
        public var mean: Double
        public var spread: Double
        public init(mean: Double, spread: Double) {
            self.mean = mean
            self.spread = spread
        }
    }

    /// Major or minor.
    public enum Mode: String, Sendable, Equatable, Codable {
        case major, minor
    }

    /// The named traits, each from 0 to 1, meant to be read by people ("energetic", "bright").
    public struct Traits: Sendable, Equatable, Codable {
        /// Loud, dense and busy (1) against quiet and sparse (0).
        public var energy: Double
        /// Treble-heavy (1) against dark, bass-heavy (0).
        public var brightness: Double
        /// Fast (1) against slow (0), on a perceptual tempo scale (about 60 → 0, 180 → 1 BPM).
        public var tempoFeel: Double
        /// A steady, strong beat at a danceable tempo.
        public var danceability: Double
        /// Tonal, dynamic and soft-edged, like unamplified instruments, against dense and noisy.
        public var acousticness: Double

        public init(energy: Double, brightness: Double, tempoFeel: Double, danceability: Double, acousticness: Double) {
            self.energy = energy
            self.brightness = brightness
            self.tempoFeel = tempoFeel
            self.danceability = danceability
            self.acousticness = acousticness
        }
    }

    /// Seconds of audio that were analysed.
    public var duration: Double
    /// EBU R128 integrated loudness, LUFS; nil for silence.
    public var integratedLoudness: Double?
    /// EBU R128 loudness range, LU.
    public var loudnessRange: Double
    /// Beats per minute; 0 when no beat was found (silence, very short input).
    public var tempo: Double
    /// How clearly the beat stands out from the onset envelope, 0–1.
    public var beatStrength: Double
    /// Spectral centroid, Hz.
    public var spectralCentroid: Summary
    /// The frequency under which 85% of the spectrum's energy lies, Hz.
    public var spectralRolloff: Summary
    /// Geometric over arithmetic mean of the power spectrum over 16-bin bands, 0 (tonal) – 1 (noise: white
    /// noise reads about 0.97).
    public var spectralFlatness: Summary
    /// Zero crossings per sample, at the analysis rate.
    public var zeroCrossingRate: Summary
    /// 13 mel-frequency cepstral coefficients: their means over the track.
    public var mfccMeans: [Double]
    /// And their variances.
    public var mfccVariances: [Double]
    /// Energy per pitch class, C first, normalised to sum 1.
    public var chroma: [Double]
    /// The estimated key's tonic as a pitch class, 0 = C … 11 = B.
    public var keyTonic: Int
    public var mode: Mode
    /// The correlation of the chroma with the chosen key's profile, −1…1.
    public var keyStrength: Double
    public var traits: Traits

    public init(duration: Double, integratedLoudness: Double?, loudnessRange: Double, tempo: Double,
                beatStrength: Double, spectralCentroid: Summary, spectralRolloff: Summary,
                spectralFlatness: Summary, zeroCrossingRate: Summary, mfccMeans: [Double], mfccVariances: [Double],
                chroma: [Double], keyTonic: Int, mode: Mode, keyStrength: Double, traits: Traits) {
        self.duration = duration
        self.integratedLoudness = integratedLoudness
        self.loudnessRange = loudnessRange
        self.tempo = tempo
        self.beatStrength = beatStrength
        self.spectralCentroid = spectralCentroid
        self.spectralRolloff = spectralRolloff
        self.spectralFlatness = spectralFlatness
        self.zeroCrossingRate = zeroCrossingRate
        self.mfccMeans = mfccMeans
        self.mfccVariances = mfccVariances
        self.chroma = chroma
        self.keyTonic = keyTonic
        self.mode = mode
        self.keyStrength = keyStrength
        self.traits = traits
    }

    /// "A minor", "F♯ major".
    public var keyName: String {
        let names = ["C", "C♯", "D", "E♭", "E", "F", "F♯", "G", "A♭", "A", "B♭", "B"]
        return "\(names[((keyTonic % 12) + 12) % 12]) \(mode.rawValue)"
    }
}
