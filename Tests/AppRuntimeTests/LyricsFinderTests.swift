@testable import AppRuntime
import Foundation
import HumTestSupport
import Testing

/// Where the lyrics panel looks, on real files: an MP3's ID3 USLT frame (written by mutagen), a `.lrc`
/// beside the file first, and a sidecar too large to be lyrics.
@Suite("Lyrics are found beside the file or in its tags")
struct LyricsFinderTests {
    @Test("An ID3 USLT frame is read; a .lrc beside the file wins; an oversized .lrc is passed over; nothing gives nil")
    func sources() async throws {
        let folder = Fixtures.scratchDirectory("lyrics-finder")
        let source = try await Fixtures.tagged("mp3", name: "lyrics-plain", tags: [("TITLE", "Sung")])
        let path = folder + "/song.mp3"
        try FileManager.default.copyItem(atPath: source, toPath: path)
        #expect(LyricsFinder.find(path: path) == nil, "no lyrics anywhere yet")

        let script = folder + "/uslt.py"
        try """
            import sys
            from mutagen.id3 import ID3, USLT
            tags = ID3(sys.argv[1])
            tags.add(USLT(encoding=3, lang='eng', desc='', text='First line\\nSecond line'))
            tags.save()
            """.write(toFile: script, atomically: true, encoding: .utf8)
        _ = try ChildProcess.shell("python3 '\(script)' '\(path)'")
        let tagged = try #require(LyricsFinder.find(path: path))
        #expect(tagged.source == "from the file's tags")
        #expect(tagged.lines.map(\.text) == ["First line", "Second line"] && !tagged.isTimed)

        try "[00:01.00]timed\n".write(toFile: folder + "/song.lrc", atomically: true, encoding: .utf8)
        let sidecar = try #require(LyricsFinder.find(path: path))
        #expect(sidecar.source == "from song.lrc" && sidecar.isTimed)

        try String(repeating: "[00:01.00]la\n", count: LyricsFinder.sizeLimit / 10).write(toFile: folder + "/song.lrc", atomically: true, encoding: .utf8)
        #expect(LyricsFinder.find(path: path)?.source == "from the file's tags", "a sidecar over 1 MiB is not read")
    }
}
