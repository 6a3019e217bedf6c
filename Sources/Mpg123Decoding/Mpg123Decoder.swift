import CMpg123
import Glibc
import MusicCore

/// Decodes MPEG audio (MP3, and MP2/MP1) with libmpg123, gapless.
///
/// Gapless comes from the LAME/Info tag (encoder delay and padding are trimmed), the exact length from
/// `mpg123_scan`, which reads every frame header once at open, and seeking is frame-exact because the
/// scan builds a complete frame index. The output format is fixed to the first frame's: a file whose
/// rate changes midway ("Frankenstein" streams) ends at the change, with an error naming it.
public final class Mpg123Decoder: AudioDecoder {
    public let codec = AudioCodec.mpeg
    public let format: AudioFormat
    public let frameCount: Int64?
    /// The bitrate of a constant-bitrate stream (nil for VBR and ABR, whose average TagLib reads from
    /// the Xing header).
    public let nominalBitrateKbps: Int?

    private let handle: OpaquePointer
    private let path: String

    /// The most junk mpg123 skips looking for the next frame: as far as the sniffer looks for the first one.
    private static let resyncLimitBytes = AudioFileSniffer.headLength
    private static let readBufferBytes = 1 << 16

    public init(path: String) throws {
        self.path = path
        var status: Int32 = 0
        guard let handle = mpg123_new(nil, &status) else {
            throw AudioFileError.unreadable(path: path, reason: "mpg123 cannot start (error \(status))")
        }
        self.handle = handle
        let flags = Int(MPG123_GAPLESS.rawValue | MPG123_QUIET.rawValue | MPG123_NO_FRANKENSTEIN.rawValue)
        mpg123_param2(handle, Int32(MPG123_ADD_FLAGS.rawValue), flags, 0)
        mpg123_param2(handle, Int32(MPG123_RESYNC_LIMIT.rawValue), Self.resyncLimitBytes, 0)

        // Accept float output at every rate, then pin the format to what the first frame says.
        mpg123_format_none(handle)
        var rates: UnsafePointer<Int>?
        var rateCount = 0
        mpg123_rates(&rates, &rateCount)
        let channelMask = Int32(MPG123_MONO.rawValue | MPG123_STEREO.rawValue)
        let float32 = Int32(MPG123_ENC_FLOAT_32.rawValue)
        for index in 0..<rateCount { mpg123_format(handle, rates![index], channelMask, float32) }

        func fail(_ what: String) -> AudioFileError {
            let reason = String(cString: mpg123_strerror(handle))
            mpg123_delete(handle)
            return .corrupt(path: path, reason: "\(what): \(reason)")
        }
        guard let file = fopen(path, "rb") else {
            mpg123_delete(handle)
            throw AudioFileError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        setvbuf(file, nil, _IOFBF, Self.readBufferBytes)
        guard mpg123_replace_reader_handle(handle, bufferedRead, bufferedSeek, closeFile) == MPG123_OK.rawValue else {
            fclose(file)
            throw fail("cannot set up reading")
        }
        // From here on mpg123 owns `file`: mpg123_delete calls `closeFile`, even if opening fails.
        guard mpg123_open_handle(handle, file) == MPG123_OK.rawValue else { throw fail("cannot open as MPEG audio") }
        var rate = 0, channels: Int32 = 0, encoding: Int32 = 0
        guard mpg123_getformat2(handle, &rate, &channels, &encoding, 1) == MPG123_OK.rawValue else {
            throw fail("no decodable MPEG frame")
        }
        mpg123_format_none(handle)
        mpg123_format(handle, rate, channels, float32)
        guard mpg123_scan(handle) == MPG123_OK.rawValue else { throw fail("cannot scan frames") }
        let length = mpg123_length(handle)
        format = AudioFormat(sampleRate: rate, channels: Int(channels))
        frameCount = length >= 0 ? Int64(length) : nil

        var frameInfo = mpg123_frameinfo2()
        let isCBR = mpg123_info2(handle, &frameInfo) == MPG123_OK.rawValue && frameInfo.vbr == MPG123_CBR.rawValue
        nominalBitrateKbps = isCBR && frameInfo.bitrate > 0 ? Int(frameInfo.bitrate) : nil
        // Fully initialised from here: a throw runs `deinit`, which closes and deletes the handle.
        guard format.isPlayable else {
            throw AudioFileError.corrupt(path: path, reason: "impossible format \(format)")
        }
    }

    deinit {
        mpg123_close(handle)
        mpg123_delete(handle)
    }

    public func read(into buffer: UnsafeMutablePointer<Float>, maxFrames: Int) throws -> Int {
        let frameBytes = format.channels * MemoryLayout<Float>.size
        var filled = 0
        // mpg123 may return a message code with no data (a format notice); keep going until data or the end.
        while filled == 0 {
            var done = 0
            let status = mpg123_read(handle, buffer, maxFrames * frameBytes, &done)
            filled = done / frameBytes
            switch status {
            case MPG123_OK.rawValue:
                continue
            case MPG123_DONE.rawValue:
                return filled
            case MPG123_NEW_FORMAT.rawValue:
                var rate = 0, channels: Int32 = 0, encoding: Int32 = 0
                mpg123_getformat2(handle, &rate, &channels, &encoding, 1)
                if rate != format.sampleRate || Int(channels) != format.channels {
                    if filled > 0 { return filled }
                    throw AudioFileError.corrupt(path: path, reason: "the format changes midway to \(rate) Hz, \(channels) ch")
                }
            default:
                if filled > 0 { return filled }
                throw AudioFileError.corrupt(path: path, reason: String(cString: mpg123_strerror(handle)))
            }
        }
        return filled
    }

    public func seek(toFrame frame: Int64) throws {
        let result = mpg123_seek(handle, off_t(max(frame, 0)), SEEK_SET)
        guard result >= 0 else {
            throw AudioFileError.corrupt(path: path, reason: "cannot seek: \(String(cString: mpg123_strerror(handle)))")
        }
    }
}

// The stdio-backed reader handed to libmpg123 (C callbacks; the handle is a `FILE *`).

private func bufferedRead(_ handle: UnsafeMutableRawPointer?, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    let file = handle!.assumingMemoryBound(to: FILE.self)
    let got = fread(buffer, 1, count, file)
    return got == 0 && ferror(file) != 0 ? -1 : got
}

private func bufferedSeek(_ handle: UnsafeMutableRawPointer?, _ offset: off_t, _ whence: Int32) -> off_t {
    let file = handle!.assumingMemoryBound(to: FILE.self)
    return fseeko(file, offset, whence) == 0 ? ftello(file) : -1
}

private func closeFile(_ handle: UnsafeMutableRawPointer?) {
    if let handle { fclose(handle.assumingMemoryBound(to: FILE.self)) }
}
