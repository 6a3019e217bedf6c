import Foundation
import HumTestSupport
import MusicLibrary
import Testing

/// `hum import-cmus` on a library cmus itself wrote: the real cmus imports a folder in tmux and quits,
/// leaving its `lib.pl`; the playlists are files in cmus's own format (one path a line, no extension).
@Suite("hum import-cmus: cmus's library and playlists into hum's library")
struct CmusMigrationTests {
    @Test("cmus's library is scanned in, each playlist becomes a hum playlist; a second run adds nothing twice; bad input is named")
    func importsLibraryAndPlaylists() async throws {
        let work = Fixtures.scratchDirectory("cmus-migration")
        let music = try await Fixtures.longTracks()
        let cmus = try await offPool { try CmusInteractive.prepareLibrary(folder: music, workDirectory: work, timeout: 120) }
        #expect(cmus.tracks == 3)
        let files = try String(contentsOfFile: cmus.path + "/lib.pl", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(files.count == 3, "cmus's lib.pl: \(files)")
        try FileManager.default.createDirectory(atPath: cmus.path + "/playlists", withIntermediateDirectories: true)
        try ([files[2], files[0], "/gone/away.flac"].joined(separator: "\n") + "\n")
            .write(toFile: cmus.path + "/playlists/Road Trip", atomically: true, encoding: .utf8)
        try "[playlist]\nFile1=\(files[1])\nNumberOfEntries=1\n".write(toFile: cmus.path + "/playlists/one.pls", atomically: true, encoding: .utf8)
        try Data([0, 1, 2, 0xFF]).write(to: URL(fileURLWithPath: cmus.path + "/playlists/junk"))

        let database = work + "/hum.sqlite"
        let first = try await hum(["import-cmus", "--library", database, "--from", cmus.path])
        #expect(first.succeeded, "\(first.stderr)")
        #expect(first.stdout.contains("cmus library (\(cmus.path)/lib.pl): 3 files; scanned 3 files"), "\(first.stdout)")
        #expect(first.stdout.contains("3 added"), "\(first.stdout)")
        #expect(first.stdoutLines.contains("playlist Road Trip: 2 tracks, 1 not found"), "\(first.stdout)")
        #expect(first.stdoutLines.contains("playlist one.pls: 1 track"), "\(first.stdout)")
        #expect(first.stderr.contains("playlists/junk: not a playlist hum reads"), "\(first.stderr)")

        let store = try LibraryStore(path: database)
        #expect(try store.trackCount() == 3)
        let lists = Dictionary(uniqueKeysWithValues: try store.playlists().map { ($0.name, $0.trackIDs) })
        let road = try #require(lists["Road Trip"])
        #expect(try road.map { try #require(try store.track(id: $0)).path } == [files[2], files[0]], "in cmus's order")
        #expect(lists["one.pls"]?.count == 1)

        // Again: the files are unchanged, the playlists hum has are kept as they are.
        try (files[1] + "\n").write(toFile: cmus.path + "/playlists/Road Trip", atomically: true, encoding: .utf8)
        let second = try await hum(["import-cmus", "--library", database, "--from", cmus.path])
        #expect(second.stdout.contains("0 added") && second.stdout.contains("3 unchanged"), "\(second.stdout)")
        #expect(second.stdoutLines.contains("playlist Road Trip: hum has one of that name; kept as it is"), "\(second.stdout)")
        #expect(try store.playlists().first { $0.name == "Road Trip" }?.trackIDs == road)

        let missing = try await hum(["import-cmus", "--library", database, "--from", work + "/nope"])
        #expect(!missing.succeeded && missing.stderr == "hum: no cmus folder at \(work)/nope (cmus keeps it in ~/.config/cmus; --from names another)\n",
                "\(missing.stderr)")
    }
}
