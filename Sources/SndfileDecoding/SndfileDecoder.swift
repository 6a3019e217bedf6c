import CSndfile
import Glibc
import MusicCore

/// Decodes Ogg Opus, WAV and AIFF with libsndfile.
///
/// libsndfile reads integer PCM as float divided by full scale, which is exact for 8–24-bit data, so
/// lossless files stay bit-exact. Opus is always decoded at 48 kHz with its pre-skip removed, and its
/// surround channels (Vorbis order) are reordered to WAV order here. FLAC and Ogg Vorbis have adapters of
/// their own: libsndfile 1.2.0 refuses 12- and 20-bit FLAC and seeks Vorbis up to 52 frames off (see
/// ARCHITECTURE.md).
public final class SndfileDecoder: AudioDecoder {
    public let codec: AudioCodec
    public let format: AudioFormat
    public let frameCount: Int64?

    private let file: OpaquePointer
    private let path: String
    /// For Opus surround: `wavOrder[i]` is the source channel that goes to WAV channel i.
    private let reorder: [Int]?
    private var scratch: [Float] = []
    /// The next frame `read` returns, to notice a file that ends before its header says it should.
    private var position: Int64 = 0

    public init(path: String, codec: AudioCodec) throws {
        self.path = path
        self.codec = codec
        var reason = [CChar](repeating: 0, count: 256)
        guard hum_sndfile_load(&reason, reason.count) == 0 else {
            let why = String(decoding: reason.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)
            throw AudioFileError.unreadable(path: path, reason: "libsndfile cannot be loaded (\(why))")
        }
        var info = SF_INFO()
        guard let file = hum_sf_open(path, Int32(SFM_READ), &info) else {
            throw AudioFileError.corrupt(path: path, reason: "cannot open as \(codec.displayName): \(Self.message(hum_sf_strerror(nil)))")
        }
        self.file = file
        format = AudioFormat(sampleRate: Int(info.samplerate), channels: Int(info.channels))
        guard format.isPlayable else {
            hum_sf_close(file)
            throw AudioFileError.corrupt(path: path, reason: "impossible format \(format)")
        }
        frameCount = info.frames > 0 && info.frames < Int64.max / 2 ? Int64(info.frames) : (info.frames == 0 ? 0 : nil)
        reorder = codec == .opus ? ChannelOrder.vorbisToWAV(channels: format.channels) : nil
    }

    deinit { hum_sf_close(file) }

    public func read(into buffer: UnsafeMutablePointer<Float>, maxFrames: Int) throws -> Int {
        let got = Int(hum_sf_readf_float(file, buffer, sf_count_t(maxFrames)))
        if got == 0 {
            let error = hum_sf_error(file)
            if error != 0 {
                throw AudioFileError.corrupt(path: path, reason: Self.message(hum_sf_error_number(error)))
            }
            if let frameCount, position < frameCount {
                let rate = Double(format.sampleRate)
                throw AudioFileError.corrupt(path: path, reason: "the file ends early, at \(TimeFormat.clock(Double(position) / rate, milliseconds: true)) of \(TimeFormat.clock(Double(frameCount) / rate, milliseconds: true))")
            }
            return 0
        }
        position += Int64(got)
        if let reorder { applyReorder(reorder, buffer, frames: got) }
        return got
    }

    public func seek(toFrame frame: Int64) throws {
        let reached = hum_sf_seek(file, sf_count_t(max(frame, 0)), SEEK_SET)
        guard reached >= 0 else {
            throw AudioFileError.corrupt(path: path, reason: "cannot seek to frame \(frame)")
        }
        position = Int64(reached)
    }

    /// libsndfile's message without its "Error : " prefix and final period.
    static func message(_ text: UnsafePointer<CChar>?) -> String {
        var message = text.map { String(cString: $0) } ?? "unknown error"
        if message.hasPrefix("Error : ") { message.removeFirst(8) }
        if message.hasSuffix(".") { message.removeLast() }
        return message
    }

    private func applyReorder(_ order: [Int], _ buffer: UnsafeMutablePointer<Float>, frames: Int) {
        let channels = order.count
        if scratch.count < channels { scratch = Array(repeating: 0, count: channels) }
        for frame in 0..<frames {
            let base = buffer + frame * channels
            for channel in 0..<channels { scratch[channel] = base[order[channel]] }
            for channel in 0..<channels { base[channel] = scratch[channel] }
        }
    }
}
