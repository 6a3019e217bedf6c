import MusicCore
import TagLibBridge

/// Reads tags with TagLib through the small C++ bridge in `TagLibBridge`.
///
/// Safe from any thread: each call builds its own TagLib objects and TagLib keeps no shared state for
/// reading. The codec must be known first (see `AudioFileSniffer`), because TagLib 1.13 picks its
/// parser from the file name, which is wrong for renamed or hostile files.
public struct TagLibTagReader: TagReader {
    public init() {}

    /// Reads the property map and audio properties of `path`, parsed as `codec`.
    public func readTags(path: String, codec: AudioCodec) throws -> TagReadResult {
        try readTags(path: path, codec: codec, audioProperties: true)
    }

    /// Reads the property map, and the audio properties only when `audioProperties` is true (the
    /// scanner reads exact lengths itself and saves TagLib's search for the first frame).
    public func readTags(path: String, codec: AudioCodec, audioProperties: Bool) throws -> TagReadResult {
        let collector = PropertyCollector()
        var audio = hum_tag_audio()
        let status = withExtendedLifetime(collector) {
            hum_tag_read(path, codec.tagKind, audioProperties ? 1 : 0, Unmanaged.passUnretained(collector).toOpaque(),
                         { context, key, value in
                             guard let context, let key, let value else { return }
                             Unmanaged<PropertyCollector>.fromOpaque(context).takeUnretainedValue()
                                 .add(key: String(cString: key), value: String(cString: value))
                         }, &audio)
        }
        guard status == 0 else {
            throw AudioFileError.corrupt(path: path, reason: "TagLib cannot parse its \(codec.displayName) tags")
        }
        let hasAudio = audio.has_audio_properties != 0
        func positive(_ value: Int32) -> Int? { hasAudio && value > 0 ? Int(value) : nil }
        return TagReadResult(properties: collector.properties,
                             lengthMilliseconds: positive(audio.length_ms),
                             bitrateKbps: positive(audio.bitrate_kbps),
                             sampleRate: positive(audio.sample_rate),
                             channels: positive(audio.channels))
    }
}

/// Gathers the bridge's callbacks; lives only for one `readTags` call on one thread.
private final class PropertyCollector {
    var properties: [String: [String]] = [:]
    func add(key: String, value: String) { properties[key, default: []].append(value) }
}

extension AudioCodec {
    var tagKind: hum_tag_kind {
        switch self {
        case .mpeg: HUM_TAG_MPEG
        case .flac: HUM_TAG_FLAC
        case .vorbis: HUM_TAG_VORBIS
        case .opus: HUM_TAG_OPUS
        case .wav: HUM_TAG_WAV
        case .aiff: HUM_TAG_AIFF
        }
    }
}
