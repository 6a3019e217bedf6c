import Foundation

/// ReplayGain values read from a file's tags, in ReplayGain 2.0 terms (dB relative to −18 LUFS).
public struct ReplayGainInfo: Sendable, Equatable, Codable {
    public var trackGain: Double?
    public var trackPeak: Double?
    public var albumGain: Double?
    public var albumPeak: Double?

    public init(trackGain: Double? = nil, trackPeak: Double? = nil, albumGain: Double? = nil, albumPeak: Double? = nil) {
        self.trackGain = trackGain
        self.trackPeak = trackPeak
        self.albumGain = albumGain
        self.albumPeak = albumPeak
    }

    public var isEmpty: Bool { trackGain == nil && albumGain == nil }

    /// Opus stores R128 gains relative to −23 LUFS; ReplayGain's reference is −18 LUFS. Adding this
    /// offset makes an Opus track as loud as an MP3 with the same loudness (what cmus#1200 asks for).
    public static let r128ToReplayGainOffset = 5.0

    /// Parses "−6.50 dB", "+1.2dB" or "-6.5" into decibels; `nil` for anything else.
    public static func parseGain(_ text: String) -> Double? {
        var s = text.trimmingCharacters(in: .whitespaces).lowercased()
        if s.hasSuffix("db") { s = String(s.dropLast(2)).trimmingCharacters(in: .whitespaces) }
        guard let value = Double(s), value.isFinite, abs(value) < 100 else { return nil }
        return value
    }

    /// Parses a linear peak ("0.988312"); `nil` for anything that is not a positive finite number.
    public static func parsePeak(_ text: String) -> Double? {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0, value < 100
        else { return nil }
        return value
    }

    /// Parses Opus's R128_*_GAIN: a signed Q7.8 integer (1/256 dB) relative to −23 LUFS.
    public static func parseR128Gain(_ text: String) -> Double? {
        guard let q78 = Int(text.trimmingCharacters(in: .whitespaces)), (-32768...32767).contains(q78) else { return nil }
        return Double(q78) / 256 + r128ToReplayGainOffset
    }
}

/// Which ReplayGain value to apply.
public enum ReplayGainMode: String, Sendable, Equatable, Codable, CaseIterable {
    /// Play samples as they are.
    case off
    /// Each track at the reference loudness (album gain if the track has none).
    case track
    /// Each album at the reference loudness, keeping loudness differences inside the album (track gain if
    /// the album has none).
    case album
    /// Album gain while an album plays in order, track gain otherwise — what a listener means most of the time.
    case auto
}

/// How gain is applied: the mode, a preamp, and whether the peak may limit the gain.
public struct ReplayGainSettings: Sendable, Equatable, Codable {
    public var mode: ReplayGainMode
    /// Added to the tagged gain, in dB. Only applied to files that carry a gain.
    public var preampDB: Double
    /// Lower the gain so that the tagged peak never exceeds full scale.
    public var preventClipping: Bool

    public init(mode: ReplayGainMode = .auto, preampDB: Double = 0, preventClipping: Bool = true) {
        self.mode = mode
        self.preampDB = preampDB
        self.preventClipping = preventClipping
    }

    /// The linear factor to multiply every sample of a track by.
    /// - Parameter albumInOrder: whether the track is being played as part of its album, in album order
    ///   (only consulted by `.auto`).
    public func linearGain(for info: ReplayGainInfo, albumInOrder: Bool) -> Float {
        let useAlbum: Bool
        switch mode {
        case .off: return 1
        case .track: useAlbum = false
        case .album: useAlbum = true
        case .auto: useAlbum = albumInOrder
        }
        let chosen: (gain: Double, peak: Double?)?
        if useAlbum {
            chosen = info.albumGain.map { ($0, info.albumPeak) } ?? info.trackGain.map { ($0, info.trackPeak) }
        } else {
            chosen = info.trackGain.map { ($0, info.trackPeak) } ?? info.albumGain.map { ($0, info.albumPeak) }
        }
        guard let chosen else { return 1 }
        var linear = pow(10, (chosen.gain + preampDB) / 20)
        if preventClipping, let peak = chosen.peak, peak > 0, linear * peak > 1 {
            linear = 1 / peak
        }
        return Float(linear)
    }
}
