import Foundation
import HumTestSupport
import Testing

/// The lyrics panel in the real interface: a `.lrc` beside the track, a LYRICS tag, and neither.
@Suite("Lyrics, end to end in tmux")
struct LyricsPanelTests {
    @Test("t shows timed lyrics from a .lrc that follow the track, then a LYRICS tag's, then says there are none; t closes")
    func lyricsFollowTheTrack() async throws {
        let long = try await Fixtures.longTracks()
        let folder = Fixtures.scratchDirectory("ui-lyrics-music")
        try FileManager.default.copyItem(atPath: long + "/1 Long One.flac", toPath: folder + "/1 Sung.flac")
        // One line a second, "Line 00" to "Line 59"; the panel keeps the one being sung in its middle.
        let lrc = "[ar:Zyx Testband]\n" + (0..<60).map { "[00:\(String(format: "%02d", $0)).00]Line \(String(format: "%02d", $0))" }.joined(separator: "\n")
        try lrc.write(toFile: folder + "/1 Sung.lrc", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: long + "/2 Long Two.flac", toPath: folder + "/2 Tagged.flac")
        let tag = try ChildProcess.shell("metaflac --set-tag='LYRICS=Plain words here\nand a second line' '\(folder)/2 Tagged.flac' && echo tagged")
        #expect(tag.contains("tagged"))
        try FileManager.default.copyItem(atPath: long + "/3 Long Three.flac", toPath: folder + "/3 None.flac")
        let (home, library) = try await HumInterface.prepare(label: "ui-lyrics", folders: [folder])
        let daemon = try await offPool { try PulseTestDaemon() }
        let hum = try HumInterface(home: home, libraryPath: library, daemon: daemon)
        defer { hum.close() }
        try await offPool {
            try hum.waitFor("Artist / Album")
            try hum.keys("Enter")
            try hum.waitFor("▶ Long One")
            try hum.keys("t")
            try hum.waitFor { $0.contains("Lyrics of “Long One”") && $0.contains("from 1 Sung.lrc") && $0.contains("Line 00") }
            // It follows the track: past 15 s the first lines have scrolled away.
            try hum.command("seek 0:20")
            try hum.waitFor { $0.contains("Line 20") && !$0.contains("Line 00") }
            try hum.keys("b")
            try hum.waitFor { $0.contains("Lyrics of “Long Two”") && $0.contains("from the file's tags") && $0.contains("Plain words here") }
            try hum.keys("b")
            try hum.waitFor { $0.contains("Lyrics of “Long Three”") && $0.contains("No lyrics") }
            try hum.keys("t")
            try hum.waitFor { !$0.contains("Lyrics of") }
            try hum.quit()
        }
    }
}
