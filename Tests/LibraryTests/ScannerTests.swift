import Foundation
import HumTestSupport
import LibraryScanning
import MusicCore
import MusicLibrary
import Testing

/// A fresh library file in a scratch folder.
func scratchStore(_ label: String) throws -> (store: LibraryStore, folder: String) {
    let folder = Fixtures.scratchDirectory(label)
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return (try LibraryStore(path: folder + "/hum.sqlite"), folder)
}

@Suite("Scanning folders into the library", .enabled(if: GeneratedLibrary.tools != nil, "../shared/tools not found"))
struct ScannerTests {
    @Test("A generated 2,000-file library (CJK, emoji, RTL, long titles, multi-artist) reads as its manifest says")
    func matchesManifest() async throws {
        let library = try await GeneratedLibrary.make(count: 2000, seed: 7)
        let (store, _) = try scratchStore("manifest")
        let summary = try await offPool { try LibraryScanner(store: store).scan([library]) }
        #expect(summary.added == 2000)
        #expect(summary.failures.isEmpty, "\(summary.failures.prefix(3))")
        let tracks = Dictionary(try store.allTracks().map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        var mismatches: [String] = []
        for row in try GeneratedLibrary.manifest(library) {
            guard let track = tracks[library + "/" + row.path] else {
                mismatches.append("\(row.path): not in the library")
                continue
            }
            let e = row.expected
            var wrong: [String] = []
            if track.title != e.title { wrong.append("title \(track.title ?? "nil") ≠ \(e.title ?? "nil")") }
            // A title-only ID3v2 tag over a full ID3v1 tag: the manifest lists the ID3v2 title alone, but the
            // ID3v1 fields fill the rest, as mutagen merges them too.
            if row.id3v1 && e.artist == nil {
                if !wrong.isEmpty { mismatches.append("\(row.path): " + wrong.joined(separator: "; ")) }
                continue
            }
            if let artists = e.artists, track.artists != artists && track.artists != [artists.joined(separator: "/")] {
                wrong.append("artists \(track.artists) ≠ \(artists)")
            }
            if track.album != e.album { wrong.append("album \(track.album ?? "nil") ≠ \(e.album ?? "nil")") }
            if track.albumArtist != e.albumartist { wrong.append("album artist \(track.albumArtist ?? "nil") ≠ \(e.albumartist ?? "nil")") }
            if track.trackNumber != e.track { wrong.append("track \(track.trackNumber.map(String.init) ?? "nil") ≠ \(e.track.map(String.init) ?? "nil")") }
            if track.discNumber != e.disc { wrong.append("disc") }
            if track.year != e.year { wrong.append("year \(track.year.map(String.init) ?? "nil") ≠ \(e.year.map(String.init) ?? "nil")") }
            // "(17)" and "(13)Pop" are ID3v1 genre references, which TagLib (like mutagen) turns into names.
            if let genre = e.genre, !genre.hasPrefix("("), track.genre != genre { wrong.append("genre \(track.genre ?? "nil") ≠ \(genre)") }
            // MP3 without an Info frame keeps the encoder's delay and padding: up to two frames longer.
            let tolerance = row.variant.hasPrefix("noxing") ? 2 * 1152 / 22050.0 : 0.001
            if let duration = track.duration, abs(duration - row.seconds) > tolerance {
                wrong.append("duration \(duration) ≠ \(row.seconds)")
            } else if track.duration == nil {
                wrong.append("no duration")
            }
            if !wrong.isEmpty { mismatches.append("\(row.path): " + wrong.joined(separator: "; ")) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) files differ, e.g. \(mismatches.prefix(5))")
        // Search folds case and accents.
        let someTitle = try #require(tracks.values.first { $0.title?.contains("é") == true }?.title)
        let folded = someTitle.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        #expect(try store.search(folded).contains { $0.title == someTitle }, "searching \(folded) finds \(someTitle)")
    }

    @Test("Rescanning an unchanged 10,000-file library opens no file")
    func rescanOpensNothing() async throws {
        let library = try await GeneratedLibrary.make(count: 10_000, seed: 3, flat: false)
        let (store, _) = try scratchStore("rescan")
        let scanner = LibraryScanner(store: store)
        let first = try await offPool { try scanner.scan([library]) }
        #expect(first.added == 10_000)
        #expect(first.filesOpened == 10_000)
        let second = try await offPool { try scanner.scan([library]) }
        #expect(second.filesOpened == 0)
        #expect(second.unchanged == 10_000)
        #expect(second.added + second.updated + second.moved + second.removed == 0)
        #expect(try store.trackCount() == 10_000)
    }

    @Test("A moved folder keeps its play counts; a deleted file leaves, and its history returns with it")
    func movesAndReAdds() async throws {
        let source = try await GeneratedLibrary.make(count: 2000, seed: 7)
        let (store, folder) = try scratchStore("moves")
        let music = folder + "/Music"
        let album = music + "/Artist/Album"
        try FileManager.default.createDirectory(atPath: album, withIntermediateDirectories: true)
        let files = try GeneratedLibrary.manifest(source).filter { $0.format == "flac" }.prefix(3)
        for (index, row) in files.enumerated() {
            try FileManager.default.copyItem(atPath: source + "/" + row.path, toPath: album + "/\(index + 1).flac")
        }
        let scanner = LibraryScanner(store: store)
        _ = try await offPool { try scanner.scan([music]) }
        let first = try #require(try store.track(path: album + "/1.flac"))
        try recordPlays(store, trackID: first.id, count: 3)
        #expect(try store.stats(trackID: first.id).plays == 3)

        // Given the album folder renamed, when rescanned, then the same track (and its plays) is at the new path.
        let renamed = music + "/Artist/Album (2019)"
        try FileManager.default.moveItem(atPath: album, toPath: renamed)
        let afterMove = try await offPool { try scanner.scan([music]) }
        #expect(afterMove.moved == 3)
        #expect(afterMove.added == 0 && afterMove.removed == 0)
        let moved = try #require(try store.track(path: renamed + "/1.flac"))
        #expect(moved.id == first.id)
        #expect(try store.stats(trackID: moved.id).plays == 3)

        // Given the file deleted, it leaves the library but not its history…
        let kept = folder + "/1.flac.kept"
        try FileManager.default.moveItem(atPath: renamed + "/1.flac", toPath: kept)
        let afterDelete = try await offPool { try scanner.scan([music]) }
        #expect(afterDelete.removed == 1)
        #expect(try store.trackCount() == 2)
        #expect(try store.track(id: first.id)?.isPresent == false)
        #expect(try store.listens(trackID: first.id).count == 3)
        // …and when it comes back (under another name), its history reconnects.
        try FileManager.default.moveItem(atPath: kept, toPath: music + "/back.flac")
        let afterReAdd = try await offPool { try scanner.scan([music]) }
        #expect(afterReAdd.reconnected == 1)
        #expect(afterReAdd.added == 0)
        let back = try #require(try store.track(path: music + "/back.flac"))
        #expect(back.id == first.id && back.isPresent)
        #expect(try store.stats(trackID: back.id).plays == 3)
    }

    @Test("Bad files are counted with a reason, the rest is scanned, and a name that is not UTF-8 is kept exactly")
    func badInput() async throws {
        let source = try await GeneratedLibrary.make(count: 2000, seed: 7)
        let (store, folder) = try scratchStore("bad")
        let music = folder + "/Music"
        try FileManager.default.createDirectory(atPath: music + "/.hidden", withIntermediateDirectories: true)
        let rows = try GeneratedLibrary.manifest(source)
        let mp3 = try #require(rows.first { $0.format == "mp3" && $0.expected.title != nil })
        let flac = try #require(rows.first { $0.format == "flac" })
        try FileManager.default.copyItem(atPath: source + "/" + mp3.path, toPath: music + "/good.mp3")
        try FileManager.default.copyItem(atPath: source + "/" + mp3.path, toPath: music + "/.hidden/secret.mp3")
        _ = FileManager.default.createFile(atPath: music + "/empty.mp3", contents: Data())
        _ = FileManager.default.createFile(atPath: music + "/notes.mp3", contents: Data("just text, not audio\n".utf8))
        let flacBytes = try Data(contentsOf: URL(fileURLWithPath: source + "/" + flac.path))
        _ = FileManager.default.createFile(atPath: music + "/truncated.flac", contents: flacBytes.prefix(30))
        try FileManager.default.createSymbolicLink(atPath: music + "/loop", withDestinationPath: music)
        // A name with the byte 0xFF, which is not UTF-8.
        let badName = Array((music + "/caf").utf8) + [0xFF] + Array(".mp3".utf8)
        let copied = badName.withUnsafeBufferPointer { buffer -> Bool in
            var path = Array(buffer); path.append(0)
            let source = try? Data(contentsOf: URL(fileURLWithPath: music + "/good.mp3"))
            let fd = path.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
            guard fd >= 0, let source else { return false }
            defer { close(fd) }
            return source.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == source.count
        }
        #expect(copied)
        // Absurd tags: a 1 MB title with a NUL inside.
        let absurd = try await Fixtures.tagged("mp3", name: "absurd-title", tags: [("TITLE", String(repeating: "A", count: 1 << 20) + "\u{0}B"), ("ARTIST", "X")])
        try FileManager.default.copyItem(atPath: absurd, toPath: music + "/absurd.mp3")

        let summary = try await offPool { try LibraryScanner(store: store).scan([music]) }
        let failed = Dictionary(summary.failures.map { ($0.path.replacingOccurrences(of: music + "/", with: ""), $0.reason) },
                                uniquingKeysWith: { a, _ in a })
        #expect(failed["empty.mp3"]?.contains("empty") == true, "\(failed)")
        #expect(failed["notes.mp3"] != nil)
        #expect(failed["truncated.flac"] != nil)
        #expect(summary.failures.count == 3, "\(summary.failures)")
        #expect(summary.added == 3, "good.mp3, caf\\xFF.mp3 and absurd.mp3 (the loop is walked once, .hidden skipped)")
        let odd = try #require(try store.track(path: music + "/caf\\xFF.mp3"))
        #expect(odd.rawPath == badName)
        #expect(odd.title == mp3.expected.title)
        let long = try #require(try store.track(path: music + "/absurd.mp3"))
        #expect((long.title?.count ?? 0) >= 1 << 20)
        #expect(try store.integrityCheck() == "ok")

        // Failures are not opened again while unchanged; hidden folders are scanned when asked.
        let again = try await offPool { try LibraryScanner(store: store, includeHidden: true).scan([music]) }
        #expect(again.filesOpened == 1, "only .hidden/secret.mp3 is new")
        #expect(again.failures.count == 3)
        #expect(again.added == 1)
    }
}

extension ScannerTests {
    @Test("A folder that cannot be read is reported, the rest is scanned, and what is under it stays in the library")
    func unreadableFolder() async throws {
        let source = try await GeneratedLibrary.make(count: 2000, seed: 7)
        let (store, folder) = try scratchStore("unreadable")
        let music = folder + "/Music"
        for name in ["Open", "Closed"] {
            try FileManager.default.createDirectory(atPath: music + "/" + name, withIntermediateDirectories: true)
        }
        let files = try GeneratedLibrary.manifest(source).filter { $0.format == "ogg" }.prefix(2).map { source + "/" + $0.path }
        try FileManager.default.copyItem(atPath: files[0], toPath: music + "/Open/a.ogg")
        try FileManager.default.copyItem(atPath: files[1], toPath: music + "/Closed/b.ogg")
        _ = try await offPool { try LibraryScanner(store: store).scan([music]) }
        #expect(try store.trackCount() == 2)

        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: music + "/Closed")
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: music + "/Closed") }
        let probe = try await ChildProcess.runObeyingFileModes(["ls", music + "/Closed"])
        try #require(!probe.succeeded, "the folder can still be read: no unreadable folder to test with")
        let scan = try await ChildProcess.runObeyingFileModes([Repository.humBinary, "scan", "--verbose", "--library", store.path, music])
        #expect(scan.succeeded, "\(scan.stderr)")
        #expect(scan.stdout.contains("failed: \(music)/Closed: permission denied"), "\(scan.stdout)")
        #expect(scan.stdout.contains("0 removed"), "\(scan.stdout)")
        #expect(try store.trackCount() == 2, "b.ogg is still in the library: its folder was not read, not emptied")
    }
}

/// Records `count` completed listens of a track, as the player would.
func recordPlays(_ store: LibraryStore, trackID: Int64, count: Int, start: Double = 1_700_000_000) throws {
    var open: [Int: Int64] = [:]
    var entries: [ListeningLogEntry] = []
    for index in 0..<count {
        let at = start + Double(index) * 600
        entries.append(.listenStarted(ListenStart(token: index, trackID: trackID, startedAt: at, utcOffsetMinutes: 0, localHour: 12,
                                                  weekday: 3, duration: 200, source: .queue, sourceName: nil, previousTrackID: nil,
                                                  sessionID: "s")))
        entries.append(.listenEnded(token: index, ListenEnd(endedAt: at + 200, position: 200, heard: 200, reason: .completed, outcome: .play)))
    }
    try store.recordListeningLog(entries, openListens: &open)
}
