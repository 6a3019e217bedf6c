import AudioFiles
import Glibc
import Mpg123Decoding
import MusicCore
import MusicLibrary
import TagLibTags

/// Reads what the library stores about one file: content key, format, exact length and tags.
///
/// One `open` per file: the content key and the format come from two `pread`s of 64 KiB (the file's two
/// ends); TagLib then reads the tags. Lengths are sample-exact without decoding: FLAC's STREAMINFO, the
/// last Ogg page's granule position (minus Opus's pre-skip), and for MP3 the Info/Xing frame count less
/// the LAME tag's delay and padding (libmpg123 reads every frame header of files without one). WAV and
/// AIFF, and files whose headers do not give a length, are opened with their decoder. Safe to call from several threads at once.
public struct TrackFileReader: Sendable {
    let tagReader = TagLibTagReader()

    public init() {}

    /// - Throws: `AudioFileError` naming the file, for files that cannot be read or are not audio hum plays.
    public func read(_ file: TrackFile) throws -> TrackMetadata {
        let pathBytes = file.rawPath ?? Array(file.path.utf8)
        let descriptor = pathBytes.withUnsafeBufferPointer { buffer -> Int32 in
            var terminated = Array(buffer)
            terminated.append(0)
            return terminated.withUnsafeBufferPointer {
                open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_RDONLY | O_CLOEXEC)
            }
        }
        guard descriptor >= 0 else {
            throw AudioFileError.unreadable(path: file.path, reason: FolderWalker.errorText(errno))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw AudioFileError.unreadable(path: file.path, reason: FolderWalker.errorText(errno))
        }
        let size = Int64(status.st_size)
        guard size > 0 else { throw AudioFileError.corrupt(path: file.path, reason: "empty file (0 bytes)") }

        let head = try Self.readBytes(descriptor, offset: 0, count: ContentKey.edgeLength, path: file.path)
        let tail = size > Int64(ContentKey.edgeLength)
            ? try Self.readBytes(descriptor, offset: size - Int64(ContentKey.edgeLength), count: ContentKey.edgeLength, path: file.path)
            : head
        let contentKey = head.withUnsafeBytes { h in tail.withUnsafeBytes { t in ContentKey.make(size: size, head: h, tail: t) } }

        // Identify by content, skipping ID3v2 tags (several may be stacked, each possibly megabytes of art).
        var audioOffset: Int64 = 0
        var hadID3 = false
        var audioHead = head
        while let tagSize = AudioFileSniffer.id3v2TagSize(Array(audioHead.prefix(10))) {
            hadID3 = true
            audioOffset += Int64(tagSize)
            audioHead = audioOffset < Int64(head.count) && Int64(head.count) - audioOffset >= Int64(AudioFileSniffer.headLength) / 4
                ? Array(head[Int(audioOffset)...])
                : try Self.readBytes(descriptor, offset: audioOffset, count: AudioFileSniffer.headLength, path: file.path)
            if audioHead.isEmpty { break }
        }
        let fileExtension = file.path.utf8.lastIndex(of: UInt8(ascii: ".")).map { file.path[file.path.index(after: $0)...].lowercased() } ?? ""
        let codec: AudioCodec
        switch AudioFileSniffer.classify(head: audioHead, hadID3v2: hadID3, fileExtension: fileExtension) {
        case .audio(let found): codec = found
        case .unsupported(let what): throw AudioFileError.unsupportedFormat(path: file.path, found: what)
        }

        // A name that is not UTF-8 is opened through this descriptor; mpg123 and libsndfile take text paths.
        let openPath = file.rawPath == nil ? file.path : "/proc/self/fd/\(descriptor)"
        var tags = TrackTags()
        var tagWarning: String?
        var sampleRate: Int?, channels: Int?, bitrate: Int?
        do {
            // Plain ID3v2 tags are read here, everything else by TagLib from the ends read above (the
            // same property map either way); lengths and formats are read exactly below.
            let fast = codec == .mpeg ? ID3PropertyReader.mp3Properties(head: head, tail: tail, size: size)
                : XiphPropertyReader.properties(codec: codec, head: head, tail: tail, size: size) { offset, count in
                    try? Self.readBytes(descriptor, offset: offset, count: count, path: file.path)
                }
            let properties = try fast ?? head.withUnsafeBytes { h in
                try tail.withUnsafeBytes { t in
                    try tagReader.readTags(descriptor: descriptor, size: size, head: h, tail: t, name: file.path, codec: codec)
                }
            }
            tags = TrackTags(properties: properties, codec: codec)
            // The library stores the interpreted tags; the whole map is freed here, not by the writer.
            tags.properties = [:]
        } catch {
            tagWarning = "\(error)"
        }

        var duration: Double?
        var exact = false
        var formatName = codec.displayName
        switch codec {
        case .mpeg:
            if let header = AudioFileSniffer.firstMPEGHeader(in: audioHead) { formatName = header.formatName }
            if let info = ExactLength.mpegInfoFrame(audioHead) {
                duration = Double(info.frames) / Double(info.sampleRate)
                exact = true
                sampleRate = info.sampleRate
                channels = info.channels
                break
            }
            // No frame count in the first frame: only reading every frame header tells the length. A small
            // file is in memory already; libmpg123 reads the others, and whatever the walk cannot vouch for.
            if size <= Int64(head.count), let walk = ExactLength.mpegFrameWalk(head, from: Int(audioOffset)) {
                duration = Double(walk.frames) / Double(walk.sampleRate)
                exact = true
                sampleRate = walk.sampleRate
                channels = walk.channels
                bitrate = walk.bitrateKbps
                break
            }
            let decoder = try Mpg123Decoder(path: openPath)
            if let frames = decoder.frameCount {
                duration = Double(frames) / Double(decoder.format.sampleRate)
                exact = true
            }
            sampleRate = decoder.format.sampleRate
            channels = decoder.format.channels
            bitrate = decoder.nominalBitrateKbps ?? bitrate
        case .flac:
            if let info = ExactLength.flacStreamInfo(head) {
                duration = Double(info.frames) / Double(info.sampleRate)
                exact = true
                sampleRate = info.sampleRate
                channels = info.channels
            }
        case .vorbis, .opus:
            if let info = ExactLength.ogg(head: head, tail: tail, codec: codec) {
                duration = info.seconds
                exact = true
                sampleRate = info.sampleRate
                channels = info.channels
            }
        case .wav, .aiff:
            break  // libsndfile reads their headers below: cheap, and it knows which codecs it can play.
        }
        if !exact {
            // The headers did not give the length (a truncated or unusual file): the decoder decides whether
            // it plays at all, and how long it is.
            let decoder = try AudioFileOpener.openDecoder(path: openPath, codec: codec)
            if let frames = decoder.frameCount {
                duration = Double(frames) / Double(decoder.format.sampleRate)
                exact = true
            }
            sampleRate = decoder.format.sampleRate
            channels = decoder.format.channels
        }
        if bitrate == nil, let duration, duration > 0 { bitrate = Int((Double(size) * 8 / duration / 1000).rounded()) }
        return TrackMetadata(contentKey: contentKey, codec: codec, formatName: formatName, duration: duration,
                             durationExact: exact, sampleRate: sampleRate, channels: channels, bitrateKbps: bitrate,
                             tags: tags, tagWarning: tagWarning)
    }

    /// Up to `count` bytes at `offset` (fewer at the end of the file), into a buffer left uninitialised:
    /// zeroing 64 KiB that `pread` overwrites at once showed in scan profiles.
    private static func readBytes(_ descriptor: Int32, offset: Int64, count: Int, path: String) throws -> [UInt8] {
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var filled = 0
            while filled < count {
                let got = pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if got == 0 { break }
                filled += got
            }
            initialized = filled
        }
        if failure != 0 { throw AudioFileError.unreadable(path: path, reason: String(cString: strerror(failure))) }
        return bytes
    }
}
