import Foundation
import HumTestSupport
import Testing

@Suite("hum's command line: help, probe, errors and exit status")
struct CommandLineBehaviourTests {
    @Test("hum --help lists the subcommands; hum play --help documents keys and options")
    func help() async throws {
        let top = try await hum(["--help"])
        #expect(top.succeeded)
        #expect(top.stdout.contains("play") && top.stdout.contains("probe"))
        let play = try await hum(["play", "--help"])
        #expect(play.stdout.contains("--output") && play.stdout.contains("--replaygain") && play.stdout.contains("--volume"))
        #expect(play.stdout.contains("seek -/+ 5 seconds"))
        #expect(try await hum(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines).first?.isNumber == true)
    }

    @Test("hum config --defaults prints every setting and key; hum without a terminal says it needs one")
    func configAndNoTerminal() async throws {
        let defaults = try await hum(["config", "--defaults"])
        #expect(defaults.succeeded)
        for key in ["theme = \"default\"", "replaygain = \"auto\"", "restore_session", "[keys]", "\"j\" = \"down\""] {
            #expect(defaults.stdout.contains(key), "\(key) missing from:\n\(defaults.stdout)")
        }
        // Standard input is a pipe here: the interface refuses, in one line, and points to hum play.
        let library = Fixtures.scratchDirectory("no-terminal") + "/hum.sqlite"
        let ui = try await hum(["--library", library])
        #expect(ui.status == 1)
        #expect(ui.stderr.contains("needs a terminal") && ui.stderr.contains("hum play"), "\(ui.stderr)")
        #expect(!FileManager.default.fileExists(atPath: library), "nothing is created without a terminal")
    }

    @Test("Bad option values are refused with a message naming them")
    func badOptions() async throws {
        let file = try await Fixtures.music("flac")
        let volume = try await hum(["play", "--volume", "150", "--output", "null", file])
        #expect(volume.status == 64)
        #expect(volume.stderr.contains("--volume"))
        let output = try await hum(["play", "--output", "speakers", file])
        #expect(output.status == 64)
        #expect(output.stderr.contains("speakers"))
        let mode = try await hum(["play", "--replaygain", "loud", "--output", "null", file])
        #expect(mode.status == 64)
    }

    @Test("hum probe prints format, exact duration, tags and ReplayGain")
    func probeText() async throws {
        let file = try await Fixtures.tagged("flac", name: "probe-text", tags: [
            ("TITLE", "Probe Me"), ("ARTIST", "Somebody"), ("ALBUM", "Tests"), ("TRACKNUMBER", "2/9"),
            ("REPLAYGAIN_TRACK_GAIN", "-3.21 dB"), ("REPLAYGAIN_TRACK_PEAK", "0.5"),
        ])
        let result = try await hum(["probe", file])
        #expect(result.succeeded)
        for expected in ["FLAC, 44100 Hz, 2 channels", "0:03.000 (132300 frames)", "Probe Me", "Somebody", "2/9",
                         "track -3.21 dB (peak 0.500000)"] {
            #expect(result.stdout.contains(expected), "missing \(expected)")
        }
    }

    @Test("hum probe --json prints one JSON object per file with exact frames")
    func probeJSON() async throws {
        let files = [try await Fixtures.music("mp3"), try await Fixtures.music("opus"), try await Fixtures.music("ogg")]
        let result = try await hum(["probe", "--json"] + files)
        #expect(result.succeeded)
        let objects = try result.stdoutLines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.count == 3)
        #expect(objects.map { $0["frames"] as? Int } == [132_300, 144_000, 132_300])
        #expect(objects.map { $0["codec"] as? String } == ["mpeg", "opus", "vorbis"])
        #expect(objects[0]["format"] as? String == "MPEG-1 Layer III")
        #expect(objects[0]["bitrateKbps"] as? Int == 192)
    }

    @Test("Every failure is named on its own line, the other files still play, and the exit status is 1")
    func failuresAreNamed() async throws {
        let scratch = Fixtures.scratchDirectory("failures")
        let m4a = scratch + "/song.m4a", noise = scratch + "/noise.bin", missing = scratch + "/missing.mp3"
        try Data([0, 0, 0, 0x20] + Array("ftypM4A ".utf8) + [UInt8](repeating: 0, count: 64)).write(to: URL(fileURLWithPath: m4a))
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }).write(to: URL(fileURLWithPath: noise))
        let good = try await Fixtures.music("flac"), alsoGood = try await Fixtures.music("mp3")
        let result = try await hum(["play", "--output", "null", good, m4a, noise, missing, alsoGood])
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 3, "\(result.stderr)")
        #expect(result.stderrLines.contains("hum: unsupported format: \(m4a) (MP4/M4A container (AAC or ALAC))"))
        #expect(result.stderrLines.contains { $0.hasPrefix("hum: unsupported format: \(noise) (unrecognised data") })
        #expect(result.stderrLines.contains("hum: cannot read \(missing): no such file"))
        #expect(result.stdoutLines.filter { $0.hasPrefix("finished:") }.count == 2)
        #expect(result.stdoutLines.last == "end of queue")

        let probe = try await hum(["probe", good, m4a])
        #expect(probe.status == 1)
        #expect(probe.stderrLines == ["hum: unsupported format: \(m4a) (MP4/M4A container (AAC or ALAC))"])
        #expect(probe.stdout.contains("0:03.000"))
    }

    @Test("A FLAC whose header claims an impossible sample rate is refused in one line, no crash",
          arguments: [0, 500_000])
    func impossibleSampleRate(rate: Int) async throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try await Fixtures.music("flac"))))
        // STREAMINFO's 20-bit sample rate starts at byte 18 (after "fLaC", the block header, 10 bytes).
        bytes[18] = UInt8((rate >> 12) & 0xFF)
        bytes[19] = UInt8((rate >> 4) & 0xFF)
        bytes[20] = UInt8((rate & 0xF) << 4) | (bytes[20] & 0x0F)
        let path = Fixtures.scratchDirectory("rate") + "/rate\(rate).flac"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        for arguments in [["probe", path], ["play", "--output", "null", path]] {
            let result = try await hum(arguments)
            #expect(result.signal == nil && result.status == 1, "\(arguments[0]): \(result.stderr)")
            #expect(result.stderrLines == ["hum: broken audio in \(path): impossible format \(rate) Hz, 2 ch"])
        }
    }

    @Test("A truncated file plays what it can, is reported once, and the queue moves on")
    func truncated() async throws {
        let whole = try await Fixtures.music("flac")
        let cut = Fixtures.scratchDirectory("truncated") + "/cut.flac"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        let next = try await Fixtures.music("mp3")
        let (ours, result) = try await playToWav([cut, next], label: "truncated")
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderrLines.first?.hasPrefix("hum: broken audio in \(cut):") == true)
        let reference = try await Fixtures.referenceDecode(whole, format: "flac")
        let nextFrames = try await Fixtures.referenceDecode(next, format: "mp3").frames
        let played = ours.frames - nextFrames
        #expect(played > 44100 && played < reference.frames, "about half of the file played")
        #expect(Array(ours.samples[..<(played * 2)]) == Array(reference.samples[..<(played * 2)]))
    }

    @Test("Folders are played recursively in name order, skipping other files")
    func folders() async throws {
        let folder = Fixtures.scratchDirectory("folder")
        try FileManager.default.createDirectory(atPath: folder + "/CD2", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try await Fixtures.music("flac"), toPath: folder + "/10 ten.flac")
        try FileManager.default.copyItem(atPath: try await Fixtures.music("ogg"), toPath: folder + "/2 two.ogg")
        try FileManager.default.copyItem(atPath: try await Fixtures.music("mp3"), toPath: folder + "/CD2/1 one.mp3")
        try Data("cover".utf8).write(to: URL(fileURLWithPath: folder + "/cover.jpg"))
        let result = try await hum(["play", "--output", "null", folder])
        #expect(result.succeeded, "\(result.stderr)")
        #expect(result.stdoutLines.filter { $0.hasPrefix("playing") } == [
            "playing 1/3: 2 two.ogg [0:03.000]", "playing 2/3: 10 ten.flac [0:03.000]", "playing 3/3: 1 one.mp3 [0:03.000]",
        ])
    }
}
