@testable import AppCore
@testable import AppRuntime
import Foundation
import HumTestSupport
import MusicLibrary
import Taste
import Testing

@Suite("The why panel says what hum why says")
struct TasteExplainerTests {
    @Test("For the same library, state and time, the panel's reasons are hum why's, line for line")
    func panelMatchesHumWhy() async throws {
        let home = Fixtures.scratchDirectory("panel-why")
        let music = home + "/Music"
        try FileManager.default.createDirectory(atPath: music, withIntermediateDirectories: true)
        for (index, artist) in ["Nina", "Nina", "Nina", "Otis"].enumerated() {
            let file = try await Fixtures.tagged("ogg", name: "panel-\(index)", tags: [("TITLE", "Song \(index)"), ("ARTIST", artist),
                                                                                     ("ALBUM", "\(artist) Live")])
            try FileManager.default.copyItem(atPath: file, toPath: music + "/\(index).ogg")
        }
        let library = home + "/hum.sqlite"
        #expect(try await ChildProcess.run(Repository.humBinary, ["scan", "--library", library, music]).succeeded)
        let feedback = [(0, "complete"), (1, "complete"), (3, "skip"), (2, "like")].enumerated().map { step, item in
            #"{"op":"feedback","track":"\#(music)/\#(item.0).ogg","event":"\#(item.1)","position_s":2,"at":"2026-11-21T20:0\#(step):00Z"}"#
        }
        let lab = try await ChildProcess.run(Repository.humBinary, ["lab", "--library", library],
                                             stdin: Data((feedback.joined(separator: "\n") + "\n").utf8))
        #expect(lab.stdout.split(separator: "\n").allSatisfy { $0 == #"{"ok":true}"# }, "\(lab.stdout)\(lab.stderr)")

        let at = "2026-11-22T21:30:00Z"
        let why = try await ChildProcess.run(Repository.humBinary, ["why", "--library", library, music + "/0.ogg", "--at", at],
                                             environment: ["TZ": "UTC"])
        #expect(why.succeeded, "\(why.stderr)")
        let service = try TasteService(store: try LibraryStore(path: library))
        let instant = try #require(ISO8601DateFormatter().date(from: at)).timeIntervalSince1970
        let explainer = TasteExplainer(model: service.model, analysed: 1, now: { instant }, utcOffsetMinutes: 0)
        let track = try #require(try service.track(atPath: music + "/0.ogg"))
        let panel = explainer.explain(TrackRow(id: track.id, path: track.path, title: track.title, artist: track.artist, album: ""),
                                      source: "smart")
        let cli = why.stdout.split(separator: "\n").map(String.init)
        // The first line differs only in the title hum why puts before it; the reasons are the same lines.
        #expect(panel.count >= 3)
        #expect(Array(panel.dropFirst()) == Array(cli.dropFirst().prefix(panel.count - 1)), "panel:\n\(panel)\nhum why:\n\(cli)")
        #expect(panel.contains { $0.contains("You finished 2 of 2 Nina tracks this month") || $0.contains("You liked this") })
    }
}
