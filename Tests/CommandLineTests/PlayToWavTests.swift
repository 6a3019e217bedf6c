import Foundation
import HumTestSupport
import Testing

/// Runs the real `hum` binary.
func hum(_ arguments: [String], stdin: Data? = nil, timeout: Double = 60) async throws -> ChildProcess.Result {
    try await ChildProcess.run(Repository.humBinary, arguments, environment: ["LANG": "C.UTF-8"], stdin: stdin, timeout: timeout)
}

/// `hum play --output wav:` into a scratch folder; returns the WAV written and the run's result.
func playToWav(_ files: [String], options: [String] = [], label: String = "play",
               into folder: String? = nil) async throws -> (WavData, ChildProcess.Result) {
    let out = (folder ?? Fixtures.scratchDirectory(label)) + "/out.wav"
    let result = try await hum(["play", "--output", "wav:\(out)"] + options + files)
    return (try WavData.read(out), result)
}

/// The measurements behind each tolerance are in DecodingTests' `Tolerance`; repeated here because the
/// end-to-end tests compare the binary's output, not the decoder's.
func tolerance(_ format: String) -> Float {
    switch format {
    case "mp3": 1.0 / 32768   // lame --decode rounds to 16 bits; decoders differ by < ½ LSB more
    case "ogg": 0.5 / 32768 + 1e-7  // oggdec rounds libvorbis's floats to 16 bits
    default: 0                // lossless, or the same libopus float decoder
    }
}

@Suite("hum play --output wav: writes exactly what would be heard")
struct PlayToWavTests {
    @Test("Each format matches an independent decoder: same sample count, samples within tolerance",
          arguments: ["mp3", "flac", "ogg", "opus", "wav"])
    func correctSamples(format: String) async throws {
        let file = try await Fixtures.music(format)
        let (ours, result) = try await playToWav([file], options: ["--replaygain", "off"], label: "correct-\(format)")
        #expect(result.succeeded, "\(result.stderr)")
        let reference = try await Fixtures.referenceDecode(file, format: format)
        #expect(ours.sampleRate == reference.sampleRate)
        #expect(ours.channels == reference.channels)
        #expect(ours.frames == reference.frames)
        let difference = zip(ours.samples, reference.samples).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
        #expect(difference <= tolerance(format))
    }

    @Test("Gapless FLAC: three parts played as a queue equal the whole sweep, bit for bit")
    func gaplessFLAC() async throws {
        var parts: [String] = []
        for index in 0..<3 { parts.append(try await Fixtures.gaplessPart(index, "flac")) }
        let (ours, result) = try await playToWav(parts, label: "gapless-flac")
        #expect(result.succeeded, "\(result.stderr)")
        let whole = try WavData.read(try await Fixtures.gaplessWholeWAV())
        #expect(ours.frames == whole.frames)
        #expect(ours.samples == whole.samples)
    }

    @Test("Gapless MP3: the whole sweep's length, and no silence or jump at either boundary")
    func gaplessMP3() async throws {
        var parts: [String] = []
        for index in 0..<3 { parts.append(try await Fixtures.gaplessPart(index, "mp3")) }
        let (ours, result) = try await playToWav(parts, label: "gapless-mp3")
        #expect(result.succeeded, "\(result.stderr)")
        let whole = try WavData.read(try await Fixtures.gaplessWholeWAV())
        #expect(ours.frames == whole.frames, "encoder delay and padding removed from every part, nothing added")

        // Nothing inserted or dropped anywhere: each part lines up with lame's own gapless decode of it.
        var reference: [Float] = []
        for part in parts { reference += try await Fixtures.referenceDecode(part, format: "mp3").samples }
        #expect(zip(ours.samples, reference).allSatisfy { abs($0 - $1) <= tolerance("mp3") })

        // Against the original sweep, around each cut: each part was encoded on its own, so the encoder's
        // edge effects sit exactly there. The codec tolerance is what lame's own gapless decoder shows in
        // the same window, plus the 1 LSB the two decoders may differ by. A gap of silence, a repeated or a
        // dropped frame would show as an error of 0.3–0.5 (the signal's amplitude).
        let window = 1024
        func error(_ samples: [Float], _ frame: Int) -> Float {
            max(abs(samples[frame * 2] - whole.samples[frame * 2]), abs(samples[frame * 2 + 1] - whole.samples[frame * 2 + 1]))
        }
        for cut in Fixtures.gaplessCuts[1...2] {
            let frames = cut - window..<cut + window
            let ourWorst: Float = frames.map { (frame: Int) -> Float in error(ours.samples, frame) }.max() ?? 0
            let codecWorst: Float = frames.map { (frame: Int) -> Float in error(reference, frame) }.max() ?? 0
            #expect(ourWorst <= codecWorst + tolerance("mp3"), "cut at frame \(cut): \(ourWorst) vs codec \(codecWorst)")
            #expect(ourWorst < 0.1, "no silence and no jump at frame \(cut)")
            let quiet = (cut - 64..<cut + 64).filter { abs(ours.samples[$0 * 2]) < 1e-4 && abs(ours.samples[$0 * 2 + 1]) < 1e-4 }
            #expect(quiet.count < 4, "no run of silence at frame \(cut)")
        }
    }

    @Test("A change of sample rate between tracks starts a new WAV file (the stream is reopened)")
    func formatChange() async throws {
        let folder = Fixtures.scratchDirectory("rates")
        let (first, result) = try await playToWav([try await Fixtures.music("flac"), try await Fixtures.music("flac", sampleRate: 32000)],
                                            into: folder)
        #expect(result.succeeded)
        #expect(first.sampleRate == 44100)
        #expect(first.frames == 132_300)
        let second = try WavData.read(folder + "/out.2.wav")
        #expect(second.sampleRate == 32000)
        #expect(second.frames == 96_000)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["out.2.wav", "out.wav"])
    }

    @Test("ReplayGain −6.00 dB plays 6.00 dB quieter (FLAC, ID3 TXXX and Opus R128 tags)",
          arguments: [("flac", [("REPLAYGAIN_TRACK_GAIN", "-6.00 dB")]), ("mp3", [("REPLAYGAIN_TRACK_GAIN", "-6.00 dB")]),
                      ("opus", [("R128_TRACK_GAIN", "-2816")])])
    func replayGain(format: String, tags: [(String, String)]) async throws {
        let tagged = try await Fixtures.tagged(format, name: "rg-minus6", tags: tags)
        let (quiet, r1) = try await playToWav([tagged], options: ["--replaygain", "track"], label: "rg-\(format)")
        let (plain, r2) = try await playToWav([tagged], options: ["--replaygain", "off"], label: "rg-off-\(format)")
        #expect(r1.succeeded && r2.succeeded)
        let difference = SignalAnalysis.rmsDB(quiet.samples) - SignalAnalysis.rmsDB(plain.samples)
        #expect(abs(difference - -6.0) <= 0.05, "measured \(difference) dB")
    }

    @Test("ReplayGain auto: album gain for an album played in order, track gain for a track on its own")
    func replayGainAuto() async throws {
        func track(_ number: Int) async throws -> String {
            try await Fixtures.tagged("flac", name: "album-track\(number)", tags: [
                ("ALBUM", "Gain Album"), ("ALBUMARTIST", "Gain Artist"), ("TRACKNUMBER", "\(number)"),
                ("REPLAYGAIN_TRACK_GAIN", "-3.00 dB"), ("REPLAYGAIN_ALBUM_GAIN", "-9.00 dB"),
            ])
        }
        let (first, second) = (try await track(1), try await track(2))
        let (plain, _) = try await playToWav([first], options: ["--replaygain", "off"], label: "auto-off")
        let (album, _) = try await playToWav([first, second], options: ["--replaygain", "auto"], label: "auto-album")
        let (single, _) = try await playToWav([second], options: ["--replaygain", "auto"], label: "auto-single")
        let reference = SignalAnalysis.rmsDB(plain.samples)
        #expect(abs(SignalAnalysis.rmsDB(album.samples) - reference - -9) <= 0.05, "album in order: album gain")
        #expect(abs(SignalAnalysis.rmsDB(single.samples) - reference - -3) <= 0.05, "alone: track gain")
    }

    @Test("Surround: a 5.1 FLAC comes out as a 6-channel WAV equal to flac -d, bit for bit")
    func surround() async throws {
        let file = try await Fixtures.music("flac", channels: 6, sampleRate: 48000)
        let (ours, result) = try await playToWav([file], label: "surround")
        #expect(result.succeeded, "\(result.stderr)")
        let reference = try await Fixtures.referenceDecode(file, format: "flac")
        #expect(ours.channels == 6 && ours.sampleRate == 48000)
        #expect(ours.samples == reference.samples)
    }

    @Test("The tagged peak stops ReplayGain from clipping")
    func clippingPrevention() async throws {
        // +12 dB would take the 0.45-peak signal to 1.8; the tagged peak (0.5) limits the gain to 2×.
        let loud = try await Fixtures.tagged("flac", name: "rg-plus12", tags: [("REPLAYGAIN_TRACK_GAIN", "+12.00 dB"),
                                                                         ("REPLAYGAIN_TRACK_PEAK", "0.500000")])
        let (limited, _) = try await playToWav([loud], options: ["--replaygain", "track"], label: "peak")
        let (plain, _) = try await playToWav([loud], options: ["--replaygain", "off"], label: "peak-off")
        #expect(SignalAnalysis.peak(limited.samples) <= 1.0)
        #expect(zip(limited.samples, plain.samples).allSatisfy { $0 == $1 * 2 })
        let (clipping, _) = try await playToWav([loud], options: ["--replaygain", "track", "--allow-clipping"], label: "peak-allowed")
        #expect(SignalAnalysis.peak(clipping.samples) > 1.0)
    }

    @Test("Volume is applied after the decoder: 50 % is exactly the cubic 0.125")
    func volume() async throws {
        let file = try await Fixtures.music("flac")
        let (half, _) = try await playToWav([file], options: ["--volume", "50"], label: "vol50")
        let (full, _) = try await playToWav([file], label: "vol100")
        // The first 10 ms glide from full volume (no click at start); after that, exactly ×0.125.
        let settled = 441 * 2 * 2
        #expect(zip(half.samples[settled...], full.samples[settled...]).allSatisfy { $0 == $1 * 0.125 })
    }
}
