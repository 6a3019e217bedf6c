import CVorbisFile
import MusicCore

/// Decodes Ogg Vorbis with libvorbisfile: sample-exact length (`ov_pcm_total`) and seeking
/// (`ov_pcm_seek`), surround channels reordered from Vorbis to WAV order.
///
/// Chained streams whose rate or channel count changes midway end at the change with an error, like
/// MP3 "Frankenstein" streams; a hole in the data (a lost page) is skipped and decoding goes on.
public final class VorbisFileDecoder: AudioDecoder {
    public let codec = AudioCodec.vorbis
    public let format: AudioFormat
    public let frameCount: Int64?
    /// The nominal bitrate from the stream header, in kbit/s (nil when the header does not say).
    public let nominalBitrateKbps: Int?

    private let file: UnsafeMutablePointer<OggVorbis_File>
    private let path: String
    private let reorder: [Int]?

    public init(path: String) throws {
        self.path = path
        file = .allocate(capacity: 1)
        let status = ov_fopen(path, file)
        guard status == 0 else {
            file.deallocate()
            throw AudioFileError.corrupt(path: path, reason: "cannot open as Ogg Vorbis: \(Self.describe(status))")
        }
        guard let info = ov_info(file, -1) else {
            ov_clear(file)
            file.deallocate()
            throw AudioFileError.corrupt(path: path, reason: "no Vorbis stream header")
        }
        format = AudioFormat(sampleRate: Int(info.pointee.rate), channels: Int(info.pointee.channels))
        let nominal = info.pointee.bitrate_nominal
        nominalBitrateKbps = nominal > 0 ? nominal / 1000 : nil
        guard format.isPlayable else {
            ov_clear(file)
            file.deallocate()
            throw AudioFileError.corrupt(path: path, reason: "impossible format \(format)")
        }
        let total = ov_pcm_total(file, -1)
        frameCount = total >= 0 ? Int64(total) : nil
        reorder = ChannelOrder.vorbisToWAV(channels: format.channels)
    }

    deinit {
        ov_clear(file)
        file.deallocate()
    }

    public func read(into buffer: UnsafeMutablePointer<Float>, maxFrames: Int) throws -> Int {
        let channels = format.channels
        while true {
            var planes: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>?
            var section: Int32 = 0
            let count = ov_read_float(file, &planes, Int32(clamping: maxFrames), &section)
            if count == Int(OV_HOLE) { continue }
            if count < 0 { throw AudioFileError.corrupt(path: path, reason: Self.describe(Int32(count))) }
            if count == 0 { return 0 }
            if let info = ov_info(file, -1),
               Int(info.pointee.rate) != format.sampleRate || Int(info.pointee.channels) != channels {
                throw AudioFileError.corrupt(path: path, reason: "the format changes midway to \(info.pointee.rate) Hz, \(info.pointee.channels) ch")
            }
            guard let planes else { return 0 }
            for channel in 0..<channels {
                guard let source = planes[reorder?[channel] ?? channel] else { continue }
                for frame in 0..<count { buffer[frame * channels + channel] = source[frame] }
            }
            return count
        }
    }

    public func seek(toFrame frame: Int64) throws {
        let status = ov_pcm_seek(file, ogg_int64_t(max(frame, 0)))
        guard status == 0 else {
            throw AudioFileError.corrupt(path: path, reason: "cannot seek: \(Self.describe(status))")
        }
    }

    static func describe(_ status: Int32) -> String {
        switch status {
        case OV_EREAD: "read error"
        case OV_ENOTVORBIS: "not Vorbis data"
        case OV_EVERSION: "unsupported Vorbis version"
        case OV_EBADHEADER: "invalid Vorbis header"
        case OV_EFAULT: "internal decoder error"
        case OV_EBADLINK: "broken link in the stream"
        case OV_ENOSEEK: "the stream cannot seek"
        default: "error \(status)"
        }
    }
}
