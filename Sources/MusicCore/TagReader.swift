/// What a tag library tells about a file, before interpretation.
public struct TagReadResult: Sendable, Equatable {
    /// Every tag property, keys as the library spells them.
    public var properties: [String: [String]]
    /// The library's idea of the length, in milliseconds (not gapless-exact for MP3).
    public var lengthMilliseconds: Int?
    public var bitrateKbps: Int?
    public var sampleRate: Int?
    public var channels: Int?

    public init(properties: [String: [String]], lengthMilliseconds: Int? = nil, bitrateKbps: Int? = nil,
                sampleRate: Int? = nil, channels: Int? = nil) {
        self.properties = properties
        self.lengthMilliseconds = lengthMilliseconds
        self.bitrateKbps = bitrateKbps
        self.sampleRate = sampleRate
        self.channels = channels
    }
}

/// Reads tags from a file whose codec is already known. Implementations are safe to call from several
/// threads at once.
public protocol TagReader: Sendable {
    func readTags(path: String, codec: AudioCodec) throws -> TagReadResult
}
