/// The shape of a PCM stream: how many frames per second and how many samples per frame.
///
/// hum always moves audio as interleaved Float32 at the file's own rate, so rate and channel count
/// are all an output needs to know. Channel order is WAV's (front left, front right, centre, LFE,
/// back left, back right, …); decoders reorder anything else.
public struct AudioFormat: Sendable, Hashable, Codable, CustomStringConvertible {
    public var sampleRate: Int
    public var channels: Int

    public init(sampleRate: Int, channels: Int) {
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Whether an output can be opened for this format at all.
    public var isPlayable: Bool {
        (1...384_000).contains(sampleRate) && (1...AudioFormat.maximumChannels).contains(channels)
    }

    /// The most channels hum plays (7.1 surround). PulseAudio accepts up to 32, but no tagged music has more than 8.
    public static let maximumChannels = 8

    public var description: String { "\(sampleRate) Hz, \(channels) ch" }
}
