import CSndfile
import Glibc
import MusicCore

/// Decodes FLAC, Ogg Vorbis, Ogg Opus, WAV and AIFF with libsndfile.
///
/// libsndfile reads integer PCM as float divided by full scale, which is exact for 8–24-bit data, so
/// lossless files stay bit-exact. Opus is always decoded at 48 kHz with its pre-skip removed.
/// Vorbis and Opus order surround channels differently from WAV; they are reordered to WAV order here
/// so that every decoder hands the engine the same layout.
public final class SndfileDecoder: AudioDecoder {
    public let codec: AudioCodec
    public let format: AudioFormat
    public let frameCount: Int64?

    private let file: OpaquePointer
    private let path: String
    /// For Vorbis-family surround: `wavOrder[i]` is the source channel that goes to WAV channel i.
    private let reorder: [Int]?
    private var scratch: [Float] = []

    public init(path: String, codec: AudioCodec) throws {
        self.path = path
        self.codec = codec
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            let reason = String(cString: sf_strerror(nil))
            throw AudioFileError.corrupt(path: path, reason: "cannot open as \(codec.displayName): \(reason)")
        }
        self.file = file
        format = AudioFormat(sampleRate: Int(info.samplerate), channels: Int(info.channels))
        guard format.isPlayable else {
            sf_close(file)
            throw AudioFileError.corrupt(path: path, reason: "impossible format \(format)")
        }
        frameCount = info.frames > 0 && info.frames < Int64.max / 2 ? Int64(info.frames) : (info.frames == 0 ? 0 : nil)
        reorder = (codec == .vorbis || codec == .opus) ? Self.vorbisToWAVOrder(channels: format.channels) : nil
    }

    deinit { sf_close(file) }

    public func read(into buffer: UnsafeMutablePointer<Float>, maxFrames: Int) throws -> Int {
        let got = Int(sf_readf_float(file, buffer, sf_count_t(maxFrames)))
        if got == 0 {
            let error = sf_error(file)
            if error != 0 {
                throw AudioFileError.corrupt(path: path, reason: String(cString: sf_error_number(error)))
            }
            return 0
        }
        if let reorder { applyReorder(reorder, buffer, frames: got) }
        return got
    }

    public func seek(toFrame frame: Int64) throws {
        guard sf_seek(file, sf_count_t(max(frame, 0)), SEEK_SET) >= 0 else {
            throw AudioFileError.corrupt(path: path, reason: "cannot seek to frame \(frame)")
        }
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

    /// Vorbis I §4.3.9 channel order → WAV order, for 3 to 8 channels; nil when they already agree.
    /// Vorbis: 3 = L C R; 5 = FL C FR RL RR; 6 = FL C FR RL RR LFE; 7 = FL C FR SL SR RC LFE;
    /// 8 = FL C FR SL SR RL RR LFE. WAV puts C and LFE right after FL FR.
    static func vorbisToWAVOrder(channels: Int) -> [Int]? {
        switch channels {
        case 3: [0, 2, 1]
        case 5: [0, 2, 1, 3, 4]
        case 6: [0, 2, 1, 5, 3, 4]
        case 7: [0, 2, 1, 6, 5, 3, 4]
        case 8: [0, 2, 1, 7, 5, 6, 3, 4]
        default: nil
        }
    }
}
