/// One MPEG audio frame header (ISO 11172-3 / 13818-3), parsed to recognise MP3 data by its shape.
///
/// Four bytes can look like a frame sync by chance, so the sniffer also checks that another valid
/// header follows exactly one frame later.
public struct MPEGAudioFrameHeader: Sendable, Equatable {
    public enum Version: Sendable, Equatable { case mpeg1, mpeg2, mpeg25 }

    public var version: Version
    public var layer: Int
    public var bitrateKbps: Int
    public var sampleRate: Int
    public var channels: Int
    public var hasPadding: Bool

    /// Parses the 4 bytes at `offset`, or returns nil when they are not a valid header. Free-format
    /// streams (bitrate index 0) are treated as invalid: their frame length cannot be known from the header.
    public init?(_ bytes: [UInt8], at offset: Int) {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        let b1 = bytes[offset + 1], b2 = bytes[offset + 2], b3 = bytes[offset + 3]
        guard bytes[offset] == 0xFF, b1 & 0xE0 == 0xE0 else { return nil }
        switch (b1 >> 3) & 0x3 {
        case 0: version = .mpeg25
        case 2: version = .mpeg2
        case 3: version = .mpeg1
        default: return nil
        }
        switch (b1 >> 1) & 0x3 {
        case 1: layer = 3
        case 2: layer = 2
        case 3: layer = 1
        default: return nil
        }
        let bitrateIndex = Int(b2 >> 4), rateIndex = Int((b2 >> 2) & 0x3)
        guard bitrateIndex != 0, bitrateIndex != 15, rateIndex != 3 else { return nil }
        guard b3 & 0x3 != 2 else { return nil }  // reserved emphasis value
        let table: [Int]
        switch (version, layer) {
        case (.mpeg1, 1): table = [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448]
        case (.mpeg1, 2): table = [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384]
        case (.mpeg1, _): table = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
        case (_, 1): table = [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256]
        default: table = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
        }
        bitrateKbps = table[bitrateIndex]
        let base = [44100, 48000, 32000][rateIndex]
        switch version {
        case .mpeg1: sampleRate = base
        case .mpeg2: sampleRate = base / 2
        case .mpeg25: sampleRate = base / 4
        }
        hasPadding = (b2 >> 1) & 1 == 1
        channels = (b3 >> 6) == 3 ? 1 : 2
    }

    /// Samples per channel in one frame.
    public var samplesPerFrame: Int {
        switch layer {
        case 1: 384
        case 2: 1152
        default: version == .mpeg1 ? 1152 : 576
        }
    }

    /// The frame's size in bytes, header included.
    public var frameLength: Int {
        if layer == 1 { return (12 * bitrateKbps * 1000 / sampleRate + (hasPadding ? 1 : 0)) * 4 }
        return samplesPerFrame / 8 * bitrateKbps * 1000 / sampleRate + (hasPadding ? 1 : 0)
    }

    /// "MPEG-1 Layer III" and the like.
    public var formatName: String {
        let v = switch version { case .mpeg1: "MPEG-1"; case .mpeg2: "MPEG-2"; case .mpeg25: "MPEG-2.5" }
        return "\(v) Layer \(["I", "II", "III"][layer - 1])"
    }
}
