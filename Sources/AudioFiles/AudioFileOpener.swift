import FLACDecoding
import Mpg123Decoding
import MusicCore
import SndfileDecoding
import VorbisDecoding

/// Opens any file hum plays with the decoder that fits its content.
public enum AudioFileOpener {
    /// Identifies `path` and opens a decoder for it.
    /// - Throws: `AudioFileError`, whose description is the one line to show (it names the file).
    public static func openDecoder(path: String) throws -> any AudioDecoder {
        let codec = try identify(path: path)
        return try openDecoder(path: path, codec: codec)
    }

    /// The codec of `path`, or `AudioFileError.unsupportedFormat` saying what it is instead.
    public static func identify(path: String) throws -> AudioCodec {
        try identifyWithHead(path: path).codec
    }

    /// The codec and the bytes where the audio starts (for callers that look further, like the prober).
    public static func identifyWithHead(path: String) throws -> (codec: AudioCodec, head: [UInt8]) {
        let (result, head) = try FileSniffer.sniffWithHead(path: path)
        switch result {
        case .audio(let codec): return (codec, head)
        case .unsupported(let found): throw AudioFileError.unsupportedFormat(path: path, found: found)
        }
    }

    public static func openDecoder(path: String, codec: AudioCodec) throws -> any AudioDecoder {
        switch codec {
        case .mpeg:
            return try Mpg123Decoder(path: path)
        case .flac:
            return try LibFLACDecoder(path: path)
        case .vorbis:
            return try VorbisFileDecoder(path: path)
        case .opus, .wav, .aiff:
            do {
                return try SndfileDecoder(path: path, codec: codec)
            } catch let error as AudioFileError where codec == .wav {
                // libsndfile refuses WAV files carrying codecs it does not know (MP3-in-WAV, for one).
                throw AudioFileError.unsupportedFormat(path: path, found: "WAV with a codec hum cannot decode: \(error.reasonText)")
            }
        }
    }
}

extension AudioFileError {
    /// The part of the message after the file name.
    var reasonText: String {
        switch self {
        case .unsupportedFormat(_, let found): found
        case .unreadable(_, let reason), .corrupt(_, let reason): reason
        }
    }
}
