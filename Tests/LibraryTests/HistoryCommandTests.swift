import Foundation
import HumTestSupport
import MusicLibrary
import Testing

/// Runs the real `hum` binary; `stdinLines` are written to its standard input 0.3 s apart, the first after
/// 1.5 s (a debug build starting while the parallel tests load both cores can take a second to play).
func hum(_ arguments: [String], stdinLines: [String]? = nil, timeout: Double = 120) async throws -> ChildProcess.Result {
    if let stdinLines {
        let feed = "sleep 1.2; " + stdinLines.map { "sleep 0.3; echo '\($0)'" }.joined(separator: "; ")
        return try await ChildProcess.run("/bin/sh", ["-c", "{ \(feed); } | \"$@\"", "sh", Repository.humBinary] + arguments,
                                          timeout: timeout)
    }
    return try await ChildProcess.run(Repository.humBinary, arguments, timeout: timeout)
}

@Suite("hum scan, play, export, forget and import-listens on a real library file",
       .enabled(if: GeneratedLibrary.tools != nil, "../shared/tools not found"))
struct HistoryCommandTests {
    /// A folder of four generated tracks, one of them with a title nothing else has.
    func smallLibrary(_ label: String) async throws -> (music: String, database: String, secretTitle: String) {
        let folder = Fixtures.scratchDirectory(label)
        let music = folder + "/Music"
        try FileManager.default.createDirectory(atPath: music, withIntermediateDirectories: true)
        for (index, name) in ["one", "two", "three"].enumerated() {
            let file = try await Fixtures.tagged("ogg", name: "history-\(name)", tags: [("TITLE", "Song \(name)"), ("ARTIST", "Band"),
                                                                                      ("ALBUM", "Record"), ("TRACKNUMBER", "\(index + 1)")])
            try FileManager.default.copyItem(atPath: file, toPath: music + "/\(index + 1).ogg")
        }
        let secret = "Zqxjv Secret Waltz"
        let file = try await Fixtures.tagged("ogg", name: "history-secret", tags: [("TITLE", secret), ("ARTIST", "Quiet Person")])
        try FileManager.default.copyItem(atPath: file, toPath: music + "/secret.ogg")
        return (music, folder + "/hum.sqlite", secret)
    }

    @Test("scan prints one summary line when piped; play records listens; collect_history off records none")
    func scanAndPlay() async throws {
        let (music, database, _) = try await smallLibrary("scan-play")
        let scan = try await hum(["scan", "--library", database, music])
        #expect(scan.succeeded, "\(scan.stderr)")
        #expect(scan.stdoutLines.count == 1)
        #expect(scan.stdout.contains("4 added"))
        #expect(scan.stderr.isEmpty, "no progress bar when not on a terminal")

        let play = try await hum(["play", "--library", database, "--output", "null", music])
        #expect(play.succeeded, "\(play.stderr)")
        let store = try LibraryStore(path: database)
        let listens = try store.listens()
        #expect(listens.count == 4)
        #expect(listens.first?.source == .album, "the folder is one album played in order")
        #expect(listens.first?.sourceName == "Record")
        #expect(listens.allSatisfy { $0.endReason == .completed })

        // A long file (the null output plays far faster than real time) to seek in and skip.
        let long = try await Fixtures.file("long-20min.flac") { path in
            _ = try ChildProcess.shell("sox -n -r 44100 -c 2 -b 16 '\(path)' synth 1200 sine 440 vol 0.05", timeout: 300)
        }
        let commands = try await hum(["play", "--library", database, "--output", "null", "--stdin-commands", long, long],
                                     stdinLines: ["seek +1", "like", "next", "quit"])
        #expect(commands.succeeded, "\(commands.stderr)")
        #expect(try store.listeningEvents().contains { $0.kind == .seek })
        #expect(try store.listeningEvents().contains { $0.kind == .like })
        #expect(try store.listens().suffix(2).map(\.endReason) == [.skipped, .stopped])

        let off = try await hum(["settings", "--library", database, "collect_history", "off"])
        #expect(off.stdout.contains("collect_history = off"))
        let before = try store.historyCounts()
        let quiet = try await hum(["play", "--library", database, "--output", "null", music])
        #expect(quiet.succeeded)
        #expect(try store.historyCounts() == before, "nothing is written with collect_history off")
        _ = try await hum(["settings", "--library", database, "collect_history", "on"])
        let privately = try await hum(["play", "--private", "--library", database, "--output", "null", music])
        #expect(privately.succeeded)
        #expect(try store.historyCounts() == before, "nothing is written in a private session")
        let bad = try await hum(["settings", "--library", database, "collect_history", "sometimes"])
        #expect(!bad.succeeded)
        #expect(bad.stderr.contains("collect_history") && bad.stderr.contains("sometimes"))
    }

    @Test("export, forget --all, import-listens restores the listens; forgotten titles leave the file and its WAL")
    func exportForgetImport() async throws {
        let (music, database, secret) = try await smallLibrary("export")
        #expect(try await hum(["scan", "--library", database, music]).succeeded)
        for _ in 0..<2 {
            #expect(try await hum(["play", "--library", database, "--output", "null", music]).succeeded)
        }
        let store = try LibraryStore(path: database)
        let original = try store.listens()
        #expect(original.count == 8)
        let exportFolder = Fixtures.scratchDirectory("export-out")
        let export = try await hum(["export", "--library", database, "--out", exportFolder])
        #expect(export.succeeded, "\(export.stderr)")
        let lines = try String(contentsOfFile: exportFolder + "/listens.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 8)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(first?["listened_at"] is Int)
        #expect((first?["track_metadata"] as? [String: Any])?["track_name"] is String)
        let csv = try await hum(["export", "--library", database, "--format", "csv", "--out", exportFolder + "-csv"])
        #expect(csv.succeeded)
        #expect(try String(contentsOfFile: exportFolder + "-csv/track_stats.csv", encoding: .utf8).hasPrefix("path,title,artist,listens"))

        // The secret track's file goes away: only its history still names it.
        try FileManager.default.removeItem(atPath: music + "/secret.ogg")
        #expect(try await hum(["scan", "--library", database, music]).stdout.contains("1 removed"))
        let forget = try await hum(["forget", "--library", database, "--all"])
        #expect(forget.succeeded, "\(forget.stderr)")
        #expect(try store.historyCounts().listens == 0)
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: database + suffix))) ?? Data()
            for needle in [secret, secret.lowercased(), "Quiet Person", "zqxjv"] {
                #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(needle) is still in hum.sqlite\(suffix)")
            }
        }

        let imported = try await hum(["import-listens", "--library", database, exportFolder + "/listens.jsonl"])
        #expect(imported.succeeded, "\(imported.stderr)")
        #expect(imported.stdout.contains("read 8 listens: 6 added"), "\(imported.stdout)")
        #expect(imported.stdout.contains("2 not in the library"))
        let restored = try store.listens()
        let kept = original.filter { listen in restored.contains { $0.trackID == listen.trackID } }
        #expect(restored.count == 6)
        #expect(restored.map(\.startedAt) == kept.map(\.startedAt))
        #expect(restored.map(\.endReason) == kept.map(\.endReason))
        #expect(restored.map(\.sessionID) == kept.map(\.sessionID))
        let again = try await hum(["import-listens", "--library", database, exportFolder + "/listens.jsonl"])
        #expect(again.stdout.contains("0 added"), "importing twice adds nothing")
        // The ListenBrainz ZIP form reads the same.
        let zip = exportFolder + "/listens.zip"
        _ = try ChildProcess.shell("cd '\(exportFolder)' && zip -q listens.zip listens.jsonl")
        #expect(try await hum(["import-listens", "--library", database, zip]).stdout.contains("6 already present"))
    }

    @Test("forget --since/--before erases one period, --artist one artist, and bad dates are refused")
    func forgetScopes() async throws {
        let (music, database, _) = try await smallLibrary("forget-scopes")
        #expect(try await hum(["scan", "--library", database, music]).succeeded)
        let store = try LibraryStore(path: database)
        let tracks = try store.allTracks()
        let secretID = try #require(tracks.first { $0.artists == ["Quiet Person"] }?.id)
        let bandID = try #require(tracks.first { $0.artists == ["Band"] }?.id)
        try recordPlays(store, trackID: secretID, count: 2, start: 1_700_000_000)
        try recordPlays(store, trackID: bandID, count: 3, start: 1_600_000_000)
        #expect(try await hum(["forget", "--library", database, "--before", "1650000000"]).stdout.contains("forgot 3 listens"))
        #expect(try store.listens(trackID: bandID).isEmpty)
        #expect(try store.listens(trackID: secretID).count == 2)
        #expect(try await hum(["forget", "--library", database, "--artist", "Quiet Person"]).stdout.contains("forgot 2 listens"))
        #expect(try store.stats(trackID: secretID).listens == 0)
        let bad = try await hum(["forget", "--library", database, "--since", "2026-13-45"])
        #expect(!bad.succeeded && bad.stderr.contains("2026-13-45"))
        let nothing = try await hum(["forget", "--library", database])
        #expect(!nothing.succeeded)
    }

    @Test("A playlist keeps its order, saving it again replaces it, and export lists its files in order")
    func playlists() async throws {
        let (music, database, _) = try await smallLibrary("playlists")
        #expect(try await hum(["scan", "--library", database, music]).succeeded)
        let store = try LibraryStore(path: database)
        let ids = try store.allTracks().map(\.id)
        try store.savePlaylist(name: "Mix", trackIDs: [ids[2], ids[0], ids[2]])
        try store.savePlaylist(name: "Mix", trackIDs: [ids[3], ids[1]])
        #expect(try store.playlists().map(\.trackIDs) == [[ids[3], ids[1]]])
        let out = Fixtures.scratchDirectory("playlists-out")
        #expect(try await hum(["export", "--library", database, "--out", out]).succeeded)
        let lines = try String(contentsOfFile: out + "/playlists.jsonl", encoding: .utf8).split(separator: "\n")
        let paths = try [ids[3], ids[1]].map { try #require(try store.track(id: $0)).path }
        #expect(lines.count == 2)
        #expect(lines.enumerated().allSatisfy { index, line in
            line.contains("\"position\":\"\(index + 1)\"") && line.contains(paths[index])
        }, "\(lines)")
        try store.deletePlaylist(name: "Mix")
        #expect(try store.playlists().isEmpty)
    }
}
