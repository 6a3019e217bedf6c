import Foundation
import HumTestSupport
import Testing

@Suite("The benchmark's keystroke measurement of hum, and its floor (FrameReplay)")
struct FrameReplayTests {
    @Test("tmux's %output lines decode to the program's bytes: octal escapes, backslashes, UTF-8 as is")
    func decodesOutput() {
        var bytes: [UInt8] = []
        TmuxControl.decodeOutput(ArraySlice(Array(#"%output %3 a\033[1mb\134c é"#.utf8)), into: &bytes)
        #expect(bytes == Array("a\u{1B}[1mb\\c é".utf8))
        bytes = []
        TmuxControl.decodeOutput(ArraySlice(Array(#"%output %3 \01"#.utf8)), into: &bytes)
        #expect(bytes == Array(#"\01"#.utf8), "a cut-off escape is kept as text")
    }

    @Test("Filter keystrokes are timed; hum's frames for them are recorded, and replayed make the same screens",
          .timeLimit(.minutes(3)))
    func recordsAndReplays() async throws {
        let folders = [try await GeneratedLibrary.make(count: 300, seed: 6), try await Fixtures.longTracks()]
        let (home, library) = try await HumInterface.prepare(label: "frame-replay", folders: folders)
        let (latencies, recording, replayed, tamperedError) = try await offPool {
            let session = try HumUISession(HumLaunch(binary: Repository.humBinary, library: library, home: home + "/ui",
                                                     outputArguments: ["--output", "null"]), rows: 30, columns: 100)
            defer { session.close() }
            let latencies = try session.filterKeystrokeLatency(query: "zyx")
            let recording = try session.recordFilterFrames(query: "zyx")
            let replayed = try FrameReplay.keystrokeLatencies(recording, workDirectory: home)
            var tampered = recording
            tampered.screens[tampered.screens.count - 1].text += "not hum's"
            var tamperedError = ""
            do { _ = try FrameReplay.keystrokeLatencies(tampered, workDirectory: home, timeout: 1) } catch { tamperedError = "\(error)" }
            return (latencies, recording, replayed, tamperedError)
        }
        #expect(latencies.count == 3 && latencies.allSatisfy { $0 > 0 && $0 < 10 }, "\(latencies)")
        #expect(recording.keys == ["z", "y", "x"])
        #expect(recording.leadingPieces == 2, "the full redraw and F")
        // "z" narrows 300 tracks to the few with a z-word: the lists change, not only the prompt.
        #expect(recording.keyPieceSizes.count == 3 && recording.keyPieceSizes[0] > 200, "\(recording.keyPieceSizes)")
        #expect(recording.screens.last.map { $0.text.contains("Zyx Testband") } == true)
        #expect(replayed.count == 3 && replayed.allSatisfy { $0 > 0 && $0 < 10 }, "\(replayed)")
        #expect(tamperedError.contains("did not become as expected"), "\(tamperedError)")
    }
}
