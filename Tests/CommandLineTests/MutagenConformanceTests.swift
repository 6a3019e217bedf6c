import Foundation
import HumTestSupport
import Testing

/// The corpora's rule: where mutagen parses a file, hum reads the same tags and length. mutagen's view
/// comes from `../tools/mutagen_reference.py`, run now; hum's from one `hum probe --json` over all files.
/// The few places where hum differs on purpose are listed below with the reason, and the test also
/// fails when a listed difference disappears (so the list stays true).
@Suite("Tags and lengths agree with mutagen", .enabled(if: Repository.corpora != nil, "HUM_CORPORA is not set"))
struct MutagenConformanceTests {
    /// Files hum refuses although mutagen reads their header, and why refusing is right.
    static let expectedRefusals: [String: String] = [
        "lofty-files/minimal/mpc_sv5.mpc": "Musepack behind an ID3 tag: not a format hum plays",
        "lofty-files/minimal/mpc_sv7.mpc": "Musepack: not a format hum plays",
        "lofty-files/issue_174_waveformatextensible-ieeefloat-44100Hz-mono95060.wav": "its fmt chunk claims 208 channels",
        "lofty-files/hound/fuzz/crash-24728523ef4be15c838293b676f6853e73723bf4.wav": "fuzzed: malformed fmt chunk",
        "lofty-files/hound/fuzz/crash-b8447179832529c48f9c6bf17feab6337bbc78ea.wav": "fuzzed: short fmt chunk",
        "lofty-files/hound/fuzz/crash-cbd757427cea12bd8a21f86cd8cf74d98ce56bee.wav": "fuzzed: malformed fmt chunk",
        "lofty-files/hound/fuzz/crash-e5471f5b58397287b509db7d026e95f1724454f5.wav": "fuzzed: libsndfile cannot read its header",
        "lofty-fuzz/mpegfile_read_from/crash-625fdf469a07ca27b291122f8f95f6fce4458ad5_minimized": "fuzzed: no two MPEG frames in a row",
        "lofty-fuzz/vorbisfile_read_from/order01d_IDX_62_RAND_1029626158139888904228417_minimized_403.ogg": "fuzzed: libvorbis rejects the headers",
        "lofty-fuzz/wavfile_read_from/2_IDX_34_RAND_128635499166458268533001.wav": "fuzzed: unknown WAV codec",
        "lofty-fuzz/wavfile_read_from/aa": "fuzzed: unknown WAV codec",
        "mutagen/106-short-picture-block-size.flac": "`flac -t` rejects its metadata too",
        "mutagen/bad-POPM-frame.mp3": "2000 bytes holding no decodable MPEG frame (mpg123 plays 0:00 of it)",
    ]

    /// Fields where hum differs on purpose, per file.
    static let expectedDifferences: [String: (fields: Set<String>, reason: String)] = [
        "beets/emptylist.mp3": (["length"], "its Xing header claims 217 s; the file holds 1.1 s (lame --decode: 1.06 s)"),
        "mediafile/emptylist.mp3": (["length"], "its Xing header claims 217 s; the file holds 1.1 s (lame --decode: 1.06 s)"),
        "mutagen/vbri.mp3": (["length"], "its VBRI header claims 222 s; the file holds 0.44 s (lame --decode: 0.43 s)"),
        "mutagen/apev2-lyricsv2.mp3": (["length", "year"], "header claims 211 s, the file holds 1.96 s; its year is \"0000\""),
        "mutagen/bad-xing.mp3": (["length"], "its Xing header says 0 frames; 0.104 s of audio decode"),
        "mutagen/audacious-trailing-id32-id31.mp3": (["length"], "mutagen estimates from the bitrate; 3.736 s decode (lame: 3.72 s)"),
        "beets/mpeglayer3.wav": (["length"], "MPEG audio inside WAV: mutagen reads 0.001 s from the header, 5.079 s decode"),
        "mediafile/mpeglayer3.wav": (["length"], "MPEG audio inside WAV: mutagen reads 0.001 s from the header, 5.079 s decode"),
        "lofty-files/zero/zero.aiff": (["length"], "COMM promises 68546 frames but SSND holds none"),
        "lofty-fuzz/wavfile_read_from/2_IDX_0_RAND_85629492689553753214598.wav": (["length"], "fuzzed: the data chunk holds no frames"),
        "mutagen/id3v1v2-combined.mp3": (["year"], "hum prefers the APE tag (2004) to ID3v1 (1337); mutagen ignores APE in MP3"),
        "mutagen/52-too-short-block-size.flac": (["title", "artist", "album", "track", "year", "genre"],
                                                 "TagLib rejects a metadata block shorter than its content; mutagen tolerates it"),
    ]

    struct Probe: Decodable {
        var path: String
        var duration: Double?
        var sampleRate: Int
        var channels: Int
        var title: String?
        var artists: [String]
        var album: String?
        var trackNumber: Int?
        var year: Int?
        var genres: [String]

        var reading: MutagenReference.Reading {
            .init(duration: duration, sampleRate: sampleRate, channels: channels, title: title, artists: artists, album: album,
                  trackNumber: trackNumber, year: year, genres: genres)
        }
    }

    @Test("Every file mutagen parses and hum plays has the same tags and length, but for the reasoned exceptions")
    func agrees() async throws {
        let root = try #require(Repository.corpora)
        let references = try await MutagenReference.rows(root: root)
        #expect(references.count > 150)

        let probeRun = try await hum(["probe", "--json"] + references.map { root + "/" + $0.path }, timeout: 300)
        let probes = try probeRun.stdoutLines.map { try JSONDecoder().decode(Probe.self, from: Data($0.utf8)) }
        let byPath = Dictionary(probes.map { (String($0.path.dropFirst(root.count + 1)), $0) }, uniquingKeysWith: { a, _ in a })

        var agreeing = 0
        for reference in references {
            guard let probe = byPath[reference.path] else {
                #expect(Self.expectedRefusals[reference.path] != nil, "hum refused \(reference.path), which mutagen reads")
                continue
            }
            #expect(Self.expectedRefusals[reference.path] == nil, "\(reference.path) is listed as refused but now plays")
            let differing = MutagenReference.differences(reference, probe.reading)
            let expected = Self.expectedDifferences[reference.path]?.fields ?? []
            #expect(differing == expected, "\(reference.path): differs in \(differing.sorted()), expected \(expected.sorted())")
            if differing.isEmpty { agreeing += 1 }
        }
        print("mutagen conformance: \(agreeing) of \(references.count) files agree on every field")
    }
}
