import Foundation
import HumTestSupport
import LibraryScanning
import MusicLibrary
import Testing

/// The corpora's rule for the library: where mutagen parses a file, `hum scan` stores the same tags and
/// length. Differences on purpose are listed with the reason; the test fails when one disappears too.
@Suite("Scanned tags and lengths agree with mutagen", .enabled(if: Repository.corpora != nil, "HUM_CORPORA is not set"))
struct ScanMutagenTests {
    /// Files the scan refuses although mutagen reads their header, and why.
    static let expectedRefusals: [String: String] = [
        "lofty-files/minimal/mpc_sv5.mpc": "Musepack: not a format hum plays (and not an audio name, so not opened)",
        "lofty-files/minimal/mpc_sv7.mpc": "Musepack: not a format hum plays (and not an audio name, so not opened)",
        "lofty-fuzz/mpegfile_read_from/crash-625fdf469a07ca27b291122f8f95f6fce4458ad5_minimized": "no audio file name ending: not opened",
        "lofty-fuzz/wavfile_read_from/aa": "no audio file name ending: not opened",
        "mutagen/issue_21.id3": "an .id3 file is a bare tag, not audio: not opened",
        "lofty-fuzz/vorbisfile_read_from/order01d_IDX_62_RAND_1029626158139888904228417_minimized_403.ogg": "fuzzed: libvorbis rejects the headers",
        "lofty-files/issue_174_waveformatextensible-ieeefloat-44100Hz-mono95060.wav": "its fmt chunk claims 208 channels",
        "lofty-files/hound/fuzz/crash-24728523ef4be15c838293b676f6853e73723bf4.wav": "fuzzed: malformed fmt chunk",
        "lofty-files/hound/fuzz/crash-b8447179832529c48f9c6bf17feab6337bbc78ea.wav": "fuzzed: short fmt chunk",
        "lofty-files/hound/fuzz/crash-cbd757427cea12bd8a21f86cd8cf74d98ce56bee.wav": "fuzzed: malformed fmt chunk",
        "lofty-files/hound/fuzz/crash-e5471f5b58397287b509db7d026e95f1724454f5.wav": "fuzzed: libsndfile cannot read its header",
        "lofty-fuzz/wavfile_read_from/2_IDX_34_RAND_128635499166458268533001.wav": "fuzzed: unknown WAV codec",
    ]

    /// Fields where the scan differs on purpose, per file.
    static let expectedDifferences: [String: (fields: Set<String>, reason: String)] = [
        "beets/mpeglayer3.wav": (["length"], "MPEG audio inside WAV: mutagen reads 0.001 s from the header, 5.025 s decode"),
        "mediafile/mpeglayer3.wav": (["length"], "MPEG audio inside WAV: mutagen reads 0.001 s from the header, 5.025 s decode"),
        "lofty-files/zero/zero.aiff": (["length"], "COMM promises 68546 frames but SSND holds none"),
        "lofty-fuzz/wavfile_read_from/2_IDX_0_RAND_85629492689553753214598.wav": (["length"], "fuzzed: the data chunk holds no frames"),
        "mutagen/52-too-short-block-size.flac": (["title", "artist", "album", "track", "year", "genre"],
                                                 "TagLib rejects a metadata block shorter than its content; mutagen tolerates it"),
        "mutagen/bad-POPM-frame.mp3": (["title", "artist", "album", "track", "year", "genre"],
                                       "TagLib rejects its malformed POPM frame and the whole tag with it; mutagen skips the frame"),
        "mutagen/apev2-lyricsv2.mp3": (["year"], "its year is \"0000\", which hum does not take for a year"),
        "mutagen/id3v1v2-combined.mp3": (["year"], "hum prefers the APE tag (2004) to ID3v1 (1337); mutagen ignores APE in MP3"),
        "mutagen/audacious-trailing-id32-id31.mp3": (["length"], "mutagen estimates from the bitrate; 3.736 s decode (lame: 3.72 s)"),
        "mutagen/bad-xing.mp3": (["length"], "its Xing header says 0 frames; 0.104 s of audio decode"),
        "mutagen/vbri.mp3": (["length"], "its VBRI header claims 222 s; the file holds 0.44 s (lame --decode: 0.43 s)"),
        "mutagen/lame397v9short.mp3": (["length"], "mutagen reads 0 s; its Info frame counts 3 frames less the LAME delay: 0.072 s"),
        "lofty-fuzz/vorbisfile_read_from/order01d_IDX_32_RAND_22064097693866277502540.ogg":
            (["length"], "fuzzed: its last page's granule position says 0.76 s; mutagen reads 0 s"),
    ]

    @Test("Every file mutagen parses and hum plays is stored with mutagen's tags and length, but for the reasoned exceptions")
    func agrees() async throws {
        let root = try #require(Repository.corpora)
        let references = try await MutagenReference.rows(root: root)
        #expect(references.count > 150)
        let (store, _) = try scratchStore("corpora")
        let summary = try await offPool { try LibraryScanner(store: store, includeHidden: true).scan([root]) }
        let tracks = Dictionary(try store.allTracks().map { (String($0.path.dropFirst(root.count + 1)), $0) },
                                uniquingKeysWith: { a, _ in a })
        var agreeing = 0
        var report: [String] = []
        for reference in references {
            guard let track = tracks[reference.path] else {
                let why = summary.failures.first { $0.path.hasSuffix(reference.path) }?.reason ?? "not found"
                if Self.expectedRefusals[reference.path] == nil { report.append("refused \(reference.path): \(why)") }
                continue
            }
            #expect(Self.expectedRefusals[reference.path] == nil, "\(reference.path) is listed as refused but is now scanned")
            let reading = MutagenReference.Reading(
                duration: track.duration, sampleRate: track.sampleRate, channels: track.channels, title: track.title,
                artists: track.artists, album: track.album, trackNumber: track.trackNumber, year: track.year,
                genres: track.genre.map { [String($0.split(separator: ";").first ?? "")] } ?? [])
            let differing = MutagenReference.differences(reference, reading)
            let expected = Self.expectedDifferences[reference.path]?.fields ?? []
            if differing != expected {
                report.append("\(reference.path): differs in \(differing.sorted()), expected \(expected.sorted()) "
                              + "(mutagen length \(reference.length ?? -1), hum \(track.duration ?? -1))")
            }
            if differing.isEmpty { agreeing += 1 }
        }
        #expect(report.isEmpty, "\(report.count) unexpected:\n\(report.joined(separator: "\n"))")
        #expect(try store.integrityCheck() == "ok")
        print("scan vs mutagen: \(agreeing) of \(references.count) files agree on every field")
    }

    @Test("hum scan of every hostile file: no crash, no hang, bounded memory, each failure one line naming its file")
    func hostileScan() async throws {
        let root = try #require(Repository.corpora)
        let folder = Fixtures.scratchDirectory("hostile-scan")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let scan = try await ChildProcess.run(Repository.humBinary, ["scan", "--verbose", "--hidden", "--library", folder + "/hum.sqlite", root],
                                              timeout: 120)
        #expect(scan.succeeded, "\(scan.stderr)")
        #expect(!scan.timedOut)
        #expect(scan.maxResidentKiB < 256 * 1024, "peak RSS \(scan.maxResidentKiB) KiB")
        let failures = scan.stdoutLines.filter { $0.hasPrefix("failed: ") }
        #expect(failures.count >= 10, "the corpora hold a dozen broken files with audio names")
        #expect(failures.allSatisfy { $0.hasPrefix("failed: \(root)/") && $0.dropFirst(8 + root.count).contains(": ") })
        let again = try await ChildProcess.run(Repository.humBinary, ["scan", "--library", folder + "/hum.sqlite", root], timeout: 120)
        #expect(again.stdout.contains("0 added, 0 updated, 0 moved, 0 removed"), "\(again.stdout)")
    }
}
