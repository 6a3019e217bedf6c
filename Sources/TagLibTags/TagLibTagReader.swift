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

    /// Reads the property map, and the audio properties only when `audioProperties` is true.
    public func readTags(path: String, codec: AudioCodec, audioProperties: Bool) throws -> TagReadResult {
        let collector = PropertyCollector()
        var audio = hum_tag_audio()
        let status = withExtendedLifetime(collector) {
            hum_tag_read(path, codec.tagKind, audioProperties ? 1 : 0, Unmanaged.passUnretained(collector).toOpaque(),
                         PropertyCollector.receive, &audio)
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

    /// Reads the property map of a file the caller has open as `descriptor` (`size` bytes) and whose two
    /// ends it has read already: TagLib parses those bytes and reads only what lies between them.
    ///
    /// The scanner's way: TagLib's own file opening (a second `open`, then many small reads and seeks)
    /// cost more than its parsing. The tags are the same as `readTags(path:)` gives (a test checks).
    public func readTags(descriptor: Int32, size: Int64, head: UnsafeRawBufferPointer, tail: UnsafeRawBufferPointer,
                         name: String, codec: AudioCodec) throws -> [String: [String]] {
        let collector = PropertyCollector()
        let status = withExtendedLifetime(collector) {
            hum_tag_read_edges(descriptor, size, head.baseAddress?.assumingMemoryBound(to: UInt8.self), head.count,
                               tail.baseAddress?.assumingMemoryBound(to: UInt8.self), tail.count, name, codec.tagKind,
                               Unmanaged.passUnretained(collector).toOpaque(), PropertyCollector.receive)
        }
        guard status == 0 else {
            throw AudioFileError.corrupt(path: name, reason: "TagLib cannot parse its \(codec.displayName) tags")
        }
        return collector.properties
    }
}

/// Gathers the bridge's answer; lives only for one read on one thread.
private final class PropertyCollector {
    var properties: [String: [String]] = [:]

    /// The bridge's callback: "KEY\0VALUE\0" pairs, one per value, a key's values in order.
    static let receive: hum_tag_properties_fn = { context, packed, length in
        guard let context, let packed else { return }
        let collector = Unmanaged<PropertyCollector>.fromOpaque(context).takeUnretainedValue()
        let bytes = UnsafeRawBufferPointer(start: packed, count: length).bindMemory(to: UInt8.self)
        var start = 0
        var key: String?
        for index in bytes.indices where bytes[index] == 0 {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if let pendingKey = key {
                collector.properties[pendingKey, default: []].append(text)
                key = nil
            } else {
                key = text
            }
            start = index + 1
        }
    }
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
