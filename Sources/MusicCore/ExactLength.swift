/// Sample-exact lengths read from a file's first and last bytes, without decoding.
public enum ExactLength {
    /// FLAC's STREAMINFO: total samples (per channel), rate and channels; nil when absent or "unknown" (0).
    public static func flacStreamInfo(_ head: [UInt8]) -> (frames: Int64, sampleRate: Int, channels: Int)? {
        // "fLaC", then a metadata block header (4 bytes) whose first block must be STREAMINFO (type 0).
        guard head.count >= 8 + 34, head[0] == 0x66, head[1] == 0x4C, head[2] == 0x61, head[3] == 0x43,
              head[4] & 0x7F == 0 else { return nil }
        let d = 8
        let rate = Int(head[d + 10]) << 12 | Int(head[d + 11]) << 4 | Int(head[d + 12]) >> 4
        let channels = Int((head[d + 12] >> 1) & 0x07) + 1
        var total = Int64(head[d + 13] & 0x0F)
        for index in 14...17 { total = total << 8 | Int64(head[d + index]) }
        guard rate > 0, total > 0 else { return nil }
        return (total, rate, channels)
    }

    /// An MP3's exact length from its Xing/Info frame: the frame count times samples per frame, less the
    /// encoder delay and padding of a LAME tag (the same gapless trim libmpg123 applies). Nil when the
    /// first frame carries no frame count: then only reading every frame header tells the length.
    public static func mpegInfoFrame(_ head: [UInt8]) -> (frames: Int64, sampleRate: Int, channels: Int)? {
        var offset = 0
        var found: MPEGAudioFrameHeader?
        while offset + 4 <= head.count {
            if let header = MPEGAudioFrameHeader(head, at: offset) { found = header; break }
            offset += 1
        }
        guard let header = found, header.layer == 3 else { return nil }
        let sideInfo = header.version == .mpeg1 ? (header.channels == 1 ? 17 : 32) : (header.channels == 1 ? 9 : 17)
        let xing = offset + 4 + sideInfo
        guard xing + 12 <= head.count else { return nil }
        let tag = Array(head[xing..<xing + 4])
        guard tag == Array("Xing".utf8) || tag == Array("Info".utf8) else { return nil }
        func bigEndian(_ at: Int) -> Int64 { (0..<4).reduce(0) { $0 << 8 | Int64(head[at + $1]) } }
        let flags = bigEndian(xing + 4)
        guard flags & 1 != 0 else { return nil }
        let frames = bigEndian(xing + 8)
        guard frames > 0 else { return nil }
        var total = frames * Int64(header.samplesPerFrame)
        let lame = xing + 8 + 4 + (flags & 2 != 0 ? 4 : 0) + (flags & 4 != 0 ? 100 : 0) + (flags & 8 != 0 ? 4 : 0)
        if lame + 24 <= head.count, Array(head[lame..<lame + 4]) == Array("LAME".utf8) || Array(head[lame..<lame + 4]) == Array("Lavc".utf8) {
            let delay = Int64(head[lame + 21]) << 4 | Int64(head[lame + 22] >> 4)
            let padding = Int64(head[lame + 22] & 0x0F) << 8 | Int64(head[lame + 23])
            if delay + padding < total { total -= delay + padding }
        }
        return (total, header.sampleRate, header.channels)
    }

    /// The length of an MP3 without an Info frame that lies whole in `bytes` (a small file read at once),
    /// by walking its frame headers from `start`: what libmpg123's scan counts, without opening it.
    ///
    /// Only a plain stream qualifies: every frame of one version, layer, rate and channel count, back to
    /// back, the last one ending exactly at the end of the file or at an ID3v1 tag. Anything else (junk
    /// between frames, a cut last frame, free format, an APE tag) returns nil and is left to libmpg123.
    /// `bitrateKbps` is the first frame's, as libmpg123 reports for a stream without a VBR header.
    public static func mpegFrameWalk(_ bytes: [UInt8], from start: Int)
        -> (frames: Int64, sampleRate: Int, channels: Int, bitrateKbps: Int)? {
        var end = bytes.count
        if end - start >= 128, bytes[end - 128] == 0x54, bytes[end - 127] == 0x41, bytes[end - 126] == 0x47 { end -= 128 }
        guard let first = MPEGAudioFrameHeader(bytes, at: start) else { return nil }
        var offset = start
        var frames: Int64 = 0
        while offset < end {
            guard let header = MPEGAudioFrameHeader(bytes, at: offset), header.version == first.version,
                  header.layer == first.layer, header.sampleRate == first.sampleRate,
                  header.channels == first.channels else { return nil }
            offset += header.frameLength
            frames += 1
        }
        // libmpg123 refuses a stream of one frame (it cannot confirm the header by the next one): like the
        // sniffer among junk, trust only three frames or more.
        guard offset == end, frames >= 3 else { return nil }
        return (frames * Int64(first.samplesPerFrame), first.sampleRate, first.channels, first.bitrateKbps)
    }

    /// An Ogg Vorbis or Opus stream's length in seconds: the last page's granule position, minus Opus's
    /// pre-skip, over the rate (48 kHz for Opus; Vorbis's own). Nil when the pages cannot be found.
    public static func ogg(head: [UInt8], tail: [UInt8], codec: AudioCodec) -> (seconds: Double, sampleRate: Int, channels: Int)? {
        guard let granule = lastGranule(tail), granule > 0 else { return nil }
        switch codec {
        case .opus:
            // "OpusHead", version (1), channels (1), pre-skip (2, little-endian).
            guard let headIndex = find(Array("OpusHead".utf8), in: head), headIndex + 12 <= head.count else { return nil }
            let channels = Int(head[headIndex + 9])
            let preSkip = Int64(head[headIndex + 10]) | Int64(head[headIndex + 11]) << 8
            guard granule > preSkip, channels > 0 else { return nil }
            return (Double(granule - preSkip) / 48_000, 48_000, channels)
        case .vorbis:
            // The identification header: "\u{1}vorbis", version (4), channels (1), rate (4, little-endian).
            guard let idIndex = find([1] + Array("vorbis".utf8), in: head), idIndex + 16 <= head.count else { return nil }
            let channels = Int(head[idIndex + 11])
            let rate = (0..<4).reduce(0) { $0 | Int(head[idIndex + 12 + $1]) << (8 * $1) }
            guard rate > 0, channels > 0 else { return nil }
            return (Double(granule) / Double(rate), rate, channels)
        default:
            return nil
        }
    }

    /// The granule position of the last complete Ogg page in `bytes`.
    static func lastGranule(_ bytes: [UInt8]) -> Int64? {
        guard bytes.count >= 27 else { return nil }
        var index = bytes.count - 27
        while index >= 0 {
            if bytes[index] == 0x4F, bytes[index + 1] == 0x67, bytes[index + 2] == 0x67, bytes[index + 3] == 0x53,
               bytes[index + 4] == 0 {
                var granule: UInt64 = 0
                for offset in (6..<14).reversed() { granule = granule << 8 | UInt64(bytes[index + offset]) }
                // -1 means "no packet ends on this page"; look further back.
                if granule != UInt64.max { return Int64(bitPattern: granule) }
            }
            index -= 1
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count, let first = needle.first else { return nil }
        var index = 0
        while index + needle.count <= haystack.count {
            if haystack[index] == first && Array(haystack[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }
}
