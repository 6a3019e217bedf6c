/// The audio formats hum decodes. Anything else is refused by `AudioFileSniffer`.
public enum AudioCodec: String, Sendable, Hashable, Codable, CaseIterable {
    /// MPEG-1/2/2.5 audio, layers I–III (decoded by libmpg123).
    case mpeg
    case flac
    case vorbis
    case opus
    case wav
    case aiff

    /// A short human name, as shown by `hum probe`.
    public var displayName: String {
        switch self {
        case .mpeg: "MP3"
        case .flac: "FLAC"
        case .vorbis: "Ogg Vorbis"
        case .opus: "Ogg Opus"
        case .wav: "WAV"
        case .aiff: "AIFF"
        }
    }
}
