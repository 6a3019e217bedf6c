import PlaylistFiles
import Testing

/// Paths that are hard to keep: spaces, `#`, CJK, emoji, NFD accents, quotes, `%`, backslashes, line breaks.
enum Fixture {
    static let playlistFolder = "/home/ana/Playlists"

    static let paths = [
        "/home/ana/Music/Björk/Homogenic/01 Hunter.mp3",
        "/home/ana/Music/坂本龍一/戦場のメリークリスマス.flac",
        "/home/ana/Music/Emoji 🎧/🔥 hits #1.mp3",
        "/home/ana/Music/Cafe\u{301} Tacvba/Re\u{301}.ogg",
        "/home/ana/Music/#hash/track.mp3",
        "/home/ana/Music/100% Hits/a%20b.mp3",
        "/home/ana/Playlists/Mixes/Kid A.mp3",
        "/home/ana/Playlists/#1 single.mp3",
        "/home/ana/Playlists/Intro:Outro.mp3",
        "/home/ana/Playlists/C:drive.mp3",
        "/home/ana/Music/ leading space.mp3",
        "/home/ana/Playlists/ leading space.mp3",
        "/home/ana/Music/trailing space ",
        "/home/ana/Music/Tab\tinside.mp3",
        "/home/ana/Music/AC\\DC/Back in Black.mp3",
        "/home/ana/Music/line\nbreak.mp3",
        "/mnt/usb/Some & Other/a'b\"c.mp3",
        "/srv/x.mp3",
    ]

    static func playlist(_ paths: [String] = paths) -> RenderedPlaylist {
        RenderedPlaylist(name: "Road Trip 🚗", tracks: paths.enumerated().map { offset, path in
            .init(path: path, title: "Song \(offset)", artist: offset.isMultiple(of: 2) ? "Artist, \(offset)" : nil,
                  duration: offset.isMultiple(of: 3) ? nil : Double(offset) * 61.4)
        })
    }

    /// The bytes of each string: `String ==` would take NFC and NFD for the same path.
    static func bytes(_ strings: [String?]) -> [[UInt8]?] { strings.map { $0.map { Array($0.utf8) } } }
}

@Suite("Playlists written then read give back the same files")
struct RoundTripTests {
    static let cases: [(PlaylistFormat, String?)] = [
        (.m3u8, Fixture.playlistFolder), (.m3u8, nil),
        (.m3u, Fixture.playlistFolder), (.m3u, nil),
        (.pls, Fixture.playlistFolder), (.pls, nil),
    ]

    @Test("Rendering, parsing the bytes and resolving gives back every absolute path, byte for byte", arguments: cases)
    func pathsSurvive(format: PlaylistFormat, relativeTo: String?) throws {
        let text = PlaylistFiles.render(Fixture.playlist(), format: format, relativeTo: relativeTo)
        let parsed = try PlaylistFiles.parse(Array(text.utf8), format: format)
        let resolved = parsed.entries.map { PlaylistFiles.resolve($0.location, relativeTo: Fixture.playlistFolder) }
        #expect(Fixture.bytes(resolved) == Fixture.bytes(Fixture.paths))
    }

    @Test("Titles, durations and the M3U name survive a round trip", arguments: [PlaylistFormat.m3u8, .m3u, .pls])
    func metadataSurvives(format: PlaylistFormat) throws {
        let playlist = Fixture.playlist()
        let parsed = try PlaylistFiles.parse(PlaylistFiles.render(playlist, format: format, relativeTo: nil), format: format)
        #expect(parsed.name == (format == .pls ? nil : "Road Trip 🚗"))
        #expect(parsed.entries.map(\.title) == playlist.tracks.map { track in
            track.artist.map { "\($0) - \(track.title ?? "")" } ?? track.title
        })
        #expect(parsed.entries.map(\.duration) == playlist.tracks.map { $0.duration.map { $0.rounded() } })
    }

    @Test("Relative M3U8: inside the folder plain, sibling folders with ../, no common prefix absolute, unsafe ones protected")
    func relativeM3U8Text() {
        let text = PlaylistFiles.render(Fixture.playlist(), format: .m3u8, relativeTo: Fixture.playlistFolder)
        let locations = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }
        #expect(locations == [
            "../Music/Björk/Homogenic/01 Hunter.mp3",
            "../Music/坂本龍一/戦場のメリークリスマス.flac",
            "../Music/Emoji 🎧/🔥 hits #1.mp3",
            "../Music/Cafe\u{301} Tacvba/Re\u{301}.ogg",
            "../Music/#hash/track.mp3",
            "../Music/100% Hits/a%20b.mp3",
            "Mixes/Kid A.mp3",
            "./#1 single.mp3",
            "./Intro:Outro.mp3",
            "./C:drive.mp3",
            "../Music/ leading space.mp3",
            "/home/ana/Playlists/ leading space.mp3",
            "file:///home/ana/Music/trailing%20space%20",
            "../Music/Tab\tinside.mp3",
            "/home/ana/Music/AC\\DC/Back in Black.mp3",
            "file:///home/ana/Music/line%0Abreak.mp3",
            "/mnt/usb/Some & Other/a'b\"c.mp3",
            "/srv/x.mp3",
            "",
        ])
        #expect(Fixture.bytes(locations.map(String.init))[3] == Array("../Music/Cafe\u{301} Tacvba/Re\u{301}.ogg".utf8))
    }

    @Test("M3U8 is written with #EXTM3U, #PLAYLIST and #EXTINF in whole seconds, -1 when unknown")
    func m3u8Text() {
        let playlist = RenderedPlaylist(name: "Evening\nMix", tracks: [
            .init(path: "/home/ana/Music/Björk/Jóga.mp3", title: "Jóga", artist: "Björk", duration: 244.6),
            .init(path: "/home/ana/Playlists/b.mp3", artist: "Untitled Artist"),
            .init(path: "/mnt/usb/c.mp3", title: "Only, Title", duration: 0.5),
            .init(path: "/home/ana/Music/no metadata.mp3"),
            .init(path: "/home/ana/Music/d.mp3", title: "Line\r\nBreak", duration: 180.4),
        ])
        #expect(PlaylistFiles.render(playlist, format: .m3u8, relativeTo: Fixture.playlistFolder) == """
            #EXTM3U
            #PLAYLIST:Evening Mix
            #EXTINF:245,Björk - Jóga
            ../Music/Björk/Jóga.mp3
            #EXTINF:-1,Untitled Artist
            b.mp3
            #EXTINF:1,Only, Title
            /mnt/usb/c.mp3
            ../Music/no metadata.mp3
            #EXTINF:180,Line  Break
            ../Music/d.mp3

            """)
        #expect(PlaylistFiles.render(playlist, format: .m3u, relativeTo: nil).contains("\n/home/ana/Playlists/b.mp3\n"))
    }

    @Test("PLS is written with FileN, TitleN, LengthN, then NumberOfEntries and Version=2")
    func plsText() {
        let playlist = RenderedPlaylist(name: "ignored", tracks: [
            .init(path: "/home/ana/Music/Björk/Jóga.mp3", title: "Jóga", artist: "Björk", duration: 244.6),
            .init(path: "/home/ana/Playlists/Mixes/b.mp3"),
            .init(path: "/mnt/usb/c.mp3", title: "C", duration: 61),
        ])
        #expect(PlaylistFiles.render(playlist, format: .pls, relativeTo: Fixture.playlistFolder) == """
            [playlist]
            File1=../Music/Björk/Jóga.mp3
            Title1=Björk - Jóga
            Length1=245
            File2=Mixes/b.mp3
            Length2=-1
            File3=/mnt/usb/c.mp3
            Title3=C
            Length3=61
            NumberOfEntries=3
            Version=2

            """)
    }

    @Test("An empty playlist renders and reads back as empty")
    func emptyPlaylist() throws {
        let empty = RenderedPlaylist(name: "", tracks: [])
        #expect(PlaylistFiles.render(empty, format: .m3u8, relativeTo: nil) == "#EXTM3U\n")
        #expect(PlaylistFiles.render(empty, format: .pls, relativeTo: nil) == "[playlist]\nNumberOfEntries=0\nVersion=2\n")
        for format in [PlaylistFormat.m3u8, .pls] {
            let parsed = try PlaylistFiles.parse(PlaylistFiles.render(empty, format: format, relativeTo: nil), format: format)
            #expect(parsed.name == nil)
            #expect(parsed.entries.isEmpty)
        }
    }

    @Test("Insane durations are written as unknown instead of crashing")
    func insaneDurations() {
        let durations: [Double] = [.nan, .infinity, -3, 1e300]
        let playlist = RenderedPlaylist(name: "x", tracks: durations.map {
            .init(path: "/a.mp3", title: "t", duration: $0)
        })
        let text = PlaylistFiles.render(playlist, format: .m3u8, relativeTo: nil)
        #expect(text.split(separator: "\n").filter { $0 == "#EXTINF:-1,t" }.count == 4)
        #expect(!PlaylistFiles.render(playlist, format: .xspf, relativeTo: nil).contains("<duration>"))
    }
}
