import Foundation
import HumTestSupport
import Testing

/// Filters and smart playlists on the listening log, in the real interface: what you do moves them.
@Suite("Filters on the listening log, end to end in tmux")
struct ListeningFilterEndToEndTests {
    @Test("A like fills a liked:yes smart playlist; a skip brings the track into a live skips:>0 filter")
    func likesAndSkipsMoveFilters() async throws {
        let (home, library) = try await HumInterface.prepare(label: "ui-listening-filters", folders: [try await Fixtures.longTracks()])
        let daemon = try await offPool { try PulseTestDaemon() }
        let hum = try HumInterface(home: home, libraryPath: library, daemon: daemon)
        defer { hum.close() }
        try await offPool {
            try hum.waitFor("Artist / Album")
            try hum.command("pl-smart Loved liked:yes")
            try hum.keys("3")
            try hum.waitFor { $0.contains("Loved") && !$0.contains("Long") }

            try hum.keys("1", "Enter")
            try hum.waitFor("▶ Long One")
            try hum.keys("L")
            try hum.waitFor("Long One: liked")
            // The playlist view: the smart playlist's one track, listed above the now-playing bar.
            try hum.keys("3")
            try hum.waitFor { screen in
                let lines = screen.split(separator: "\n")
                return lines.dropLast(3).contains { $0.contains("Long One") }
            }

            // A live filter on skips: nothing yet; skipping Long One puts it there.
            try hum.keys("2")
            try hum.command("filter skips:>0")
            try hum.waitFor { screen in
                !screen.split(separator: "\n").dropLast(3).contains { $0.contains("Long") }
            }
            try hum.keys("b")
            try hum.waitFor("▶ Long Two")
            try hum.waitFor { screen in
                let list = screen.split(separator: "\n").dropLast(3)
                return list.contains { $0.contains("Long One") } && !list.contains { $0.contains("Long Two") || $0.contains("Long Three") }
            }
            try hum.quit()
        }
    }
}
