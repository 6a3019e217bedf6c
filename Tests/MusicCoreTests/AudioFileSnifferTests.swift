import MusicCore
import Testing

@Suite("Recognising audio files by content")
struct AudioFileSnifferTests {
    /// An MPEG-1 Layer III frame header: 128 kbit/s, 44.1 kHz, no padding → 417 bytes per frame.
    static let mp3Header: [UInt8] = [0xFF, 0xFB, 0x90, 0x64]

    static func mp3Frames(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<count { bytes += mp3Header + [UInt8](repeating: 0, count: 413) }
        return bytes
    }

    @Test("A valid MPEG frame header is parsed into version, layer, rate and length")
    func parsesFrameHeader() throws {
        let header = try #require(MPEGAudioFrameHeader(Self.mp3Header, at: 0))
        #expect(header.version == .mpeg1)
        #expect(header.layer == 3)
        #expect(header.bitrateKbps == 128)
        #expect(header.sampleRate == 44100)
        #expect(header.frameLength == 417)
        #expect(header.samplesPerFrame == 1152)
        #expect(header.formatName == "MPEG-1 Layer III")
    }

    @Test("Headers with reserved fields are rejected", arguments: [
        [0xFF, 0xFB, 0xF0, 0x64],  // bitrate index 15
        [0xFF, 0xFB, 0x9C, 0x64],  // sample rate index 3
        [0xFF, 0xE9, 0x90, 0x64],  // reserved layer
        [0xFF, 0xF1, 0x50, 0x80],  // AAC ADTS (layer 0)
        [0xFF, 0xFB, 0x90, 0x66],  // reserved emphasis
    ] as [[UInt8]])
    func rejectsReservedHeaders(bytes: [UInt8]) {
        #expect(MPEGAudioFrameHeader(bytes, at: 0) == nil)
    }

    @Test("Consecutive MPEG frames are MP3, whatever the file is called")
    func recognisesMP3() {
        #expect(AudioFileSniffer.classify(head: Self.mp3Frames(3), hadID3v2: false, fileExtension: "bin") == .audio(.mpeg))
    }

    @Test("Junk between an ID3 tag and the first frame is skipped")
    func skipsJunkAfterID3() {
        let head = [UInt8](repeating: 0x55, count: 300) + Self.mp3Frames(3)
        #expect(AudioFileSniffer.classify(head: head, hadID3v2: true, fileExtension: "mp3") == .audio(.mpeg))
        #expect(AudioFileSniffer.classify(head: head, hadID3v2: false, fileExtension: "bin")
            == .unsupported("unrecognised data starting 55 55 55 55 55 55 55 55"))
    }

    @Test("One lone frame sync in noise is not MP3")
    func loneSyncIsNotMP3() {
        var head = [UInt8](repeating: 0x33, count: 2000)
        head.replaceSubrange(100..<104, with: Self.mp3Header)
        #expect(AudioFileSniffer.classify(head: head, hadID3v2: false, fileExtension: "mp3")
            == .unsupported("no MPEG audio frames found"))
    }

    @Test("Random bytes are never taken for MP3, even when named .mp3 or behind an ID3 tag")
    func randomBytesAreRefused() {
        var state: UInt64 = 42
        func byte() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        for _ in 0..<200 {
            let head = (0..<AudioFileSniffer.headLength).map { _ in byte() }
            #expect(AudioFileSniffer.classify(head: head, hadID3v2: true, fileExtension: "mp3") != .audio(.mpeg))
        }
    }

    @Test("Container magic picks the codec")
    func containers() {
        func classify(_ text: String, _ extra: [UInt8] = []) -> SniffResult {
            AudioFileSniffer.classify(head: Array(text.utf8) + extra, hadID3v2: false, fileExtension: "")
        }
        #expect(classify("fLaC\0\0\0\"") == .audio(.flac))
        #expect(classify("RIFF\0\0\0\0WAVEfmt ") == .audio(.wav))
        #expect(classify("FORM\0\0\0\0AIFFCOMM") == .audio(.aiff))
        #expect(classify("\0\0\0 ftypM4A ") == .unsupported("MP4/M4A container (AAC or ALAC)"))
        #expect(classify("MAC \u{0F}") == .unsupported("Monkey's Audio (APE)"))
        #expect(classify("wvpk") == .unsupported("WavPack"))
        #expect(classify("MPCK") == .unsupported("Musepack"))
        #expect(AudioFileSniffer.classify(head: [0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66], hadID3v2: false, fileExtension: "wma")
            == .unsupported("ASF/WMA"))
        #expect(AudioFileSniffer.classify(head: [], hadID3v2: false, fileExtension: "mp3") == .unsupported("empty file"))
        #expect(AudioFileSniffer.classify(head: [], hadID3v2: true, fileExtension: "mp3") == .unsupported("ID3 tag without audio"))
    }

    @Test("The codec inside Ogg is read from the first packet")
    func oggCodecs() {
        func page(_ packet: [UInt8]) -> [UInt8] {
            Array("OggS".utf8) + [UInt8](repeating: 0, count: 22) + [1, UInt8(packet.count)] + packet
        }
        let classify = { (packet: [UInt8]) in AudioFileSniffer.classify(head: page(packet), hadID3v2: false, fileExtension: "ogg") }
        #expect(classify(Array("OpusHead".utf8) + [1, 2]) == .audio(.opus))
        #expect(classify([1] + Array("vorbis".utf8) + [0, 0]) == .audio(.vorbis))
        #expect(classify([0x7F] + Array("FLAC".utf8)) == .unsupported("Ogg FLAC"))
        #expect(classify(Array("Speex   ".utf8)) == .unsupported("Ogg Speex"))
    }

    @Test("ID3v2 tag sizes are syncsafe and include the footer")
    func id3Sizes() {
        #expect(AudioFileSniffer.id3v2TagSize(Array("ID3".utf8) + [4, 0, 0, 0, 0, 2, 1]) == 10 + 257)
        #expect(AudioFileSniffer.id3v2TagSize(Array("ID3".utf8) + [4, 0, 0x10, 0, 0, 0, 5]) == 10 + 5 + 10)
        #expect(AudioFileSniffer.id3v2TagSize(Array("ID3".utf8) + [4, 0, 0, 0x80, 0, 0, 0]) == nil)
        #expect(AudioFileSniffer.id3v2TagSize(Array("TAG".utf8) + [4, 0, 0, 0, 0, 0, 0]) == nil)
    }
}
