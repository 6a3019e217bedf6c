import CFLAC
import MusicCore

/// Decodes FLAC with libFLAC, the reference decoder: every legal bit depth (4–32, which libsndfile does
/// not all accept), exact length from STREAMINFO and sample-exact seeking.
///
/// Integer samples are divided by full scale (2^(bits−1)), exactly like `flac -d` output read as float:
/// 8–24-bit files stay bit-exact. A damaged frame is skipped by libFLAC; the first such error is
/// reported once the rest has been played, like a file that ends before STREAMINFO says it should.
public final class LibFLACDecoder: AudioDecoder {
    public let codec = AudioCodec.flac
    public let format: AudioFormat
    public let frameCount: Int64?

    private let decoder: UnsafeMutablePointer<FLAC__StreamDecoder>
    private let stream: FLACStreamState
    private let path: String
    /// The next frame `read` returns.
    private var position: Int64 = 0

    public init(path: String) throws {
        self.path = path
        guard let decoder = FLAC__stream_decoder_new() else {
            throw AudioFileError.unreadable(path: path, reason: "libFLAC cannot start")
        }
        self.decoder = decoder
        stream = FLACStreamState()
        FLAC__stream_decoder_set_md5_checking(decoder, 0)
        let client = Unmanaged.passUnretained(stream).toOpaque()
        let status = FLAC__stream_decoder_init_file(decoder, path, flacWrite, flacMetadata, flacError, client)
        guard status == FLAC__STREAM_DECODER_INIT_STATUS_OK else {
            FLAC__stream_decoder_delete(decoder)
            throw AudioFileError.corrupt(path: path, reason: "cannot open as FLAC (libFLAC init status \(status.rawValue))")
        }
        guard FLAC__stream_decoder_process_until_end_of_metadata(decoder) != 0, let info = stream.streamInfo else {
            let reason = stream.error ?? "no STREAMINFO block"
            FLAC__stream_decoder_delete(decoder)
            throw AudioFileError.corrupt(path: path, reason: "cannot read FLAC metadata: \(reason)")
        }
        format = AudioFormat(sampleRate: info.sampleRate, channels: info.channels)
        frameCount = info.totalFrames > 0 ? info.totalFrames : nil
        // Fully initialised from here: a throw runs `deinit`, which frees the decoder.
        guard format.isPlayable else {
            throw AudioFileError.corrupt(path: path, reason: "impossible format \(format)")
        }
        // Errors met in metadata that libFLAC recovered from do not condemn the audio.
        stream.error = nil
    }

    deinit {
        FLAC__stream_decoder_finish(decoder)
        FLAC__stream_decoder_delete(decoder)
    }

    public func read(into buffer: UnsafeMutablePointer<Float>, maxFrames: Int) throws -> Int {
        let channels = format.channels
        while stream.pendingFrames == 0 {
            if stream.ended { return try endOfStream() }
            let ok = FLAC__stream_decoder_process_single(decoder) != 0
            let state = FLAC__stream_decoder_get_state(decoder)
            if state == FLAC__STREAM_DECODER_END_OF_STREAM || !ok || state == FLAC__STREAM_DECODER_ABORTED {
                stream.ended = true
            }
        }
        let count = min(maxFrames, stream.pendingFrames)
        stream.samples.withUnsafeBufferPointer { pending in
            (buffer).update(from: pending.baseAddress! + stream.readIndex, count: count * channels)
        }
        stream.readIndex += count * channels
        position += Int64(count)
        return count
    }

    /// At the end: fine, unless frames were damaged or missing.
    private func endOfStream() throws -> Int {
        if let error = stream.error {
            stream.error = nil
            throw AudioFileError.corrupt(path: path, reason: "\(error) (\(position > 0 ? "the rest was played" : "no audio could be decoded"))")
        }
        if let frameCount, position < frameCount {
            let rate = Double(format.sampleRate)
            throw AudioFileError.corrupt(path: path, reason: "the file ends early, at \(TimeFormat.clock(Double(position) / rate, milliseconds: true)) of \(TimeFormat.clock(Double(frameCount) / rate, milliseconds: true))")
        }
        return 0
    }

    public func seek(toFrame frame: Int64) throws {
        stream.clear()
        stream.ended = false
        let target = max(frame, 0)
        if let frameCount, target >= frameCount {
            stream.ended = true
            position = frameCount
            return
        }
        guard FLAC__stream_decoder_seek_absolute(decoder, FLAC__uint64(target)) != 0 else {
            FLAC__stream_decoder_flush(decoder)
            throw AudioFileError.corrupt(path: path, reason: "cannot seek to frame \(target)")
        }
        position = target
    }
}

/// What libFLAC's callbacks fill in: stream info, decoded samples waiting to be read, the first error.
/// Used only by the thread that calls the decoder (callbacks run inside `process_single`).
final class FLACStreamState {
    struct StreamInfo {
        var sampleRate: Int
        var channels: Int
        var totalFrames: Int64
    }

    var streamInfo: StreamInfo?
    /// Interleaved floats of the last decoded block; `readIndex` is the next one to hand out.
    var samples: [Float] = []
    var readIndex = 0
    var error: String?
    var ended = false

    var pendingFrames: Int {
        guard let channels = streamInfo?.channels, channels > 0 else { return 0 }
        return (samples.count - readIndex) / channels
    }

    func clear() {
        samples.removeAll(keepingCapacity: true)
        readIndex = 0
    }
}

private func state(_ client: UnsafeMutableRawPointer?) -> FLACStreamState {
    Unmanaged<FLACStreamState>.fromOpaque(client!).takeUnretainedValue()
}

private let flacWrite: FLAC__StreamDecoderWriteCallback = { _, frame, buffer, client in
    let stream = state(client)
    guard let frame, let buffer, let info = stream.streamInfo else { return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT }
    let header = frame.pointee.header
    let blocksize = Int(header.blocksize), channels = Int(header.channels)
    guard channels == info.channels, Int(header.sample_rate) == info.sampleRate else {
        stream.error = "the format changes midway to \(header.sample_rate) Hz, \(channels) ch"
        return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT
    }
    let scale = Float(1.0 / Double(1 << (Int(header.bits_per_sample) - 1)))
    stream.clear()
    stream.samples.reserveCapacity(blocksize * channels)
    for index in 0..<blocksize {
        for channel in 0..<channels {
            stream.samples.append(Float(buffer[channel]![index]) * scale)
        }
    }
    return FLAC__STREAM_DECODER_WRITE_STATUS_CONTINUE
}

private let flacMetadata: FLAC__StreamDecoderMetadataCallback = { _, metadata, client in
    guard let metadata, metadata.pointee.type == FLAC__METADATA_TYPE_STREAMINFO else { return }
    let info = metadata.pointee.data.stream_info
    state(client).streamInfo = .init(sampleRate: Int(info.sample_rate), channels: Int(info.channels),
                                     totalFrames: Int64(info.total_samples))
}

private let flacError: FLAC__StreamDecoderErrorCallback = { _, status, client in
    let stream = state(client)
    guard stream.error == nil else { return }
    stream.error = switch status {
    case FLAC__STREAM_DECODER_ERROR_STATUS_LOST_SYNC: "lost sync (damaged data skipped)"
    case FLAC__STREAM_DECODER_ERROR_STATUS_BAD_HEADER: "bad frame header"
    case FLAC__STREAM_DECODER_ERROR_STATUS_FRAME_CRC_MISMATCH: "frame checksum mismatch"
    case FLAC__STREAM_DECODER_ERROR_STATUS_UNPARSEABLE_STREAM: "unparseable stream"
    default: "decoder error \(status.rawValue)"
    }
}
