import Foundation
import MusicCore
import TagLibTags

/// Everything `hum probe` reports about one file.
public struct AudioFileProbe: Sendable, Equatable, Codable {
    public var path: String
    public var codec: AudioCodec
    /// A more precise format name when there is one ("MPEG-1 Layer III").
    public var formatName: String
    public var format: AudioFormat
    /// Exact length in frames after gapless trimming, counted by decoding metadata (not estimated).
    public var frameCount: Int64?
    public var bitrateKbps: Int?
    public var tags: TrackTags
    /// Why tags are missing when TagLib could not read them (the audio may still play).
    public var tagWarning: String?

    public var durationSeconds: Double? {
        frameCount.map { Double($0) / Double(format.sampleRate) }
    }
}

/// Builds an `AudioFileProbe`: the decoder gives the exact format and length, TagLib the tags.
public struct AudioFileProber: Sendable {
    let tagReader: any TagReader

    public init(tagReader: any TagReader = TagLibTagReader()) {
        self.tagReader = tagReader
    }

    public func probe(path: String) throws -> AudioFileProbe {
        let (codec, head) = try AudioFileOpener.identifyWithHead(path: path)
        let decoder = try AudioFileOpener.openDecoder(path: path, codec: codec)
        var tags = TrackTags()
        var tagWarning: String?
        var bitrate: Int?
        do {
            let read = try tagReader.readTags(path: path, codec: codec)
            tags = TrackTags(properties: read.properties, codec: codec)
            bitrate = decoder.nominalBitrateKbps ?? read.bitrateKbps
        } catch {
            tagWarning = "\(error)"
        }
        var formatName = codec.displayName
        if codec == .mpeg, let first = AudioFileSniffer.firstMPEGHeader(in: head) { formatName = first.formatName }
        bitrate = bitrate ?? decoder.nominalBitrateKbps
        if bitrate == nil, let frames = decoder.frameCount, frames > 0,
           let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int {
            bitrate = Int((Double(size) * 8 / (Double(frames) / Double(decoder.format.sampleRate)) / 1000).rounded())
        }
        return AudioFileProbe(path: path, codec: codec, formatName: formatName, format: decoder.format,
                              frameCount: decoder.frameCount, bitrateKbps: bitrate, tags: tags, tagWarning: tagWarning)
    }
}
