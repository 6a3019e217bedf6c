/// A source of decoded PCM for one file: interleaved Float32 at the file's own rate.
///
/// A decoder is created, used and closed by one thread (the engine's decode thread), so it is not
/// `Sendable`; adapters may hold C handles without locks. It is named `AudioDecoder`, not `Decoder`,
/// so that it never shadows Swift's `Decoder` protocol.
public protocol AudioDecoder: AnyObject {
    /// What was opened.
    var codec: AudioCodec { get }
    /// The stream's rate and channel count; fixed for the life of the decoder.
    var format: AudioFormat { get }
    /// The exact length in frames, after gapless trimming, when the file tells it; `nil` when unknown.
    var frameCount: Int64? { get }

    /// Decodes up to `maxFrames` frames into `buffer`, which holds `maxFrames * format.channels` floats.
    /// - Returns: the number of frames written; 0 only at the end of the stream.
    /// - Throws: `AudioFileError.corrupt` when the data cannot be decoded any further. What was returned
    ///   before the error is good audio.
    func read(into buffer: UnsafeMutablePointer<Float>, maxFrames: Int) throws -> Int

    /// Moves so that the next `read` starts exactly at `frame` (counted from the first audible frame).
    func seek(toFrame frame: Int64) throws

    /// The bitrate the stream declares (constant-bitrate MP3, Vorbis's nominal rate), in kbit/s; nil when
    /// it declares none and an average must be measured instead.
    var nominalBitrateKbps: Int? { get }
}

extension AudioDecoder {
    public var nominalBitrateKbps: Int? { nil }

    /// The length in seconds, when known.
    public var duration: Double? {
        frameCount.map { Double($0) / Double(format.sampleRate) }
    }
}
