import AudioFiles
import Foundation
import HumTestSupport
import MusicCore
import Testing

/// How far hum's float output may be from each independent decoder, and why.
enum Tolerance {
    static let lsb16: Float = 1.0 / 32768

    /// The largest difference allowed against the reference decoder of `format`.
    static func against(_ format: String) -> Float {
        switch format {
        // lame --decode (mpglib, a separate code base) writes 16-bit: its rounding is ±½ LSB, and the two
        // decoders' arithmetic differs by less than another ½ LSB (measured: 0.98 LSB at most).
        case "mp3": lsb16
        // oggdec runs the same libvorbis but rounds to 16-bit: exactly ±½ LSB (measured: 0.5).
        case "ogg": lsb16 / 2 + 1e-7
        // FLAC and WAV are lossless; opusdec --float runs the same libopus float decoder: bit-exact.
        default: 0
        }
    }
}

/// Decodes a whole file with hum's decoder for it.
func decodeAll(_ path: String, startingAt frame: Int64 = 0, maxFrames: Int = .max) throws -> WavData {
    let decoder = try AudioFileOpener.openDecoder(path: path)
    if frame > 0 { try decoder.seek(toFrame: frame) }
    let channels = decoder.format.channels
    let chunk = 4096
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: chunk * channels)
    defer { buffer.deallocate() }
    var samples: [Float] = []
    while samples.count / channels < maxFrames {
        let count = try decoder.read(into: buffer, maxFrames: min(chunk, maxFrames - samples.count / channels))
        if count == 0 { break }
        samples.append(contentsOf: UnsafeBufferPointer(start: buffer, count: count * channels))
    }
    return WavData(sampleRate: decoder.format.sampleRate, channels: channels, samples: samples)
}

func maxDifference(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

@Suite("Decoders against independent reference decoders")
struct DecoderTests {
    static let formats = ["mp3", "flac", "ogg", "opus", "wav"]

    @Test("Every format decodes to the reference's exact length and samples", arguments: formats)
    func matchesReference(format: String) async throws {
        let file = try await Fixtures.music(format)
        let ours = try decodeAll(file)
        let reference = try await Fixtures.referenceDecode(file, format: format)
        #expect(ours.sampleRate == reference.sampleRate)
        #expect(ours.channels == reference.channels)
        #expect(ours.frames == reference.frames)
        #expect(maxDifference(ours.samples[...], reference.samples[...]) <= Tolerance.against(format))
    }

    @Test("The length is known exactly before decoding (MP3: from the frame scan and the LAME tag)", arguments: formats)
    func exactLength(format: String) async throws {
        let file = try await Fixtures.music(format)
        let decoder = try AudioFileOpener.openDecoder(path: file)
        #expect(decoder.frameCount == Int64(try await Fixtures.referenceDecode(file, format: format).frames))
    }

    @Test("Seeking is frame-exact: what follows a seek equals the reference from that frame",
          arguments: formats, [1, 20_000, 54_321, 88_888, 100_000, 120_000, 131_000])
    func exactSeek(format: String, target: Int) async throws {
        let file = try await Fixtures.music(format)
        let reference = try await Fixtures.referenceDecode(file, format: format)
        let ours = try decodeAll(file, startingAt: Int64(target), maxFrames: 8192)
        let channels = reference.channels
        let expected = reference.samples[(target * channels)...].prefix(ours.samples.count)
        #expect(ours.frames == min(8192, reference.frames - target))
        #expect(ours.frames > 0)
        #expect(maxDifference(ours.samples[...], expected) <= Tolerance.against(format))
    }

    @Test("24-bit FLAC is bit-exact")
    func twentyFourBit() async throws {
        let file = try await Fixtures.music24FLAC()
        let ours = try decodeAll(file)
        let reference = try await Fixtures.referenceDecode(file, format: "flac")
        #expect(ours.samples == reference.samples)
    }

    @Test("Mono files decode as one channel", arguments: ["mp3", "flac", "ogg", "opus"])
    func mono(format: String) async throws {
        let file = try await Fixtures.music(format, channels: 1)
        let ours = try decodeAll(file)
        let reference = try await Fixtures.referenceDecode(file, format: format)
        #expect(ours.channels == 1)
        #expect(ours.frames == reference.frames)
        #expect(maxDifference(ours.samples[...], reference.samples[...]) <= Tolerance.against(format))
    }

    @Test("Surround files come out in WAV channel order, whatever the codec's own order",
          arguments: ["flac", "ogg", "opus", "wav"])
    func surroundOrder(format: String) async throws {
        // Channel c of the source is a tone of 200 + 150·c Hz (c ≥ 2); FL and FR carry the sweep.
        let ours = try decodeAll(try await Fixtures.music(format, channels: 6, sampleRate: 48000))
        #expect(ours.channels == 6)
        for channel in [2, 4, 5] {  // FC, BL, BR (LFE is low-passed by lossy encoders)
            let frequency = SignalAnalysis.dominantFrequency(ours.channel(channel)[4800..<52800], sampleRate: 48000)
            #expect(abs(frequency - Double(200 + 150 * channel)) < 2, "channel \(channel)")
        }
    }

    @Test("Sample rates other than 44.1 kHz are kept", arguments: ["mp3", "flac", "ogg"])
    func otherRates(format: String) async throws {
        let file = try await Fixtures.music(format, sampleRate: 32000)
        let ours = try decodeAll(file)
        #expect(ours.sampleRate == 32000)
        #expect(ours.frames == (try await Fixtures.referenceDecode(file, format: format)).frames)
    }
}

@Suite("Files hum does not play")
struct UnsupportedFileTests {
    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = Fixtures.scratchDirectory("unsupported") + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("Other formats are refused with one line naming the file and what it is")
    func refused() async throws {
        let m4a = try write([0, 0, 0, 0x20] + Array("ftypM4A ".utf8) + [UInt8](repeating: 0, count: 100), "song.m4a")
        #expect(throws: AudioFileError.unsupportedFormat(path: m4a, found: "MP4/M4A container (AAC or ALAC)")) {
            try AudioFileOpener.openDecoder(path: m4a)
        }
        var generator = SeededGenerator(seed: 7)
        let noise = try write((0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) }, "noise.mp3")
        #expect(throws: AudioFileError.unsupportedFormat(path: noise, found: "no MPEG audio frames found")) {
            try AudioFileOpener.openDecoder(path: noise)
        }
        let empty = try write([], "empty.flac")
        #expect(throws: AudioFileError.unsupportedFormat(path: empty, found: "empty file")) {
            try AudioFileOpener.openDecoder(path: empty)
        }
    }

    @Test("A missing file and a folder are named in the error")
    func unreadable() async throws {
        #expect(throws: AudioFileError.unreadable(path: "/nonexistent/x.mp3", reason: "no such file")) {
            try AudioFileOpener.openDecoder(path: "/nonexistent/x.mp3")
        }
        let folder = Fixtures.scratchDirectory("folder")
        #expect(throws: AudioFileError.unreadable(path: folder, reason: "is a directory")) {
            try AudioFileOpener.openDecoder(path: folder)
        }
    }

    @Test("The message reads `unsupported format: <path> (<what was found>)`")
    func messageShape() {
        #expect(AudioFileError.unsupportedFormat(path: "/a b/c.wma", found: "ASF/WMA").description
            == "unsupported format: /a b/c.wma (ASF/WMA)")
    }
}
