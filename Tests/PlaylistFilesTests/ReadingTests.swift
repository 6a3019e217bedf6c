import PlaylistFiles
import Testing

@Suite("Reading playlist files other programs wrote")
struct ForeignFileTests {
    @Test("A Winamp .m3u with CRLF line ends and Windows-1252 names is read as Latin-1")
    func winampM3U() throws {
        var bytes = Array("#EXTM3U\r\n#EXTINF:245,Bj".utf8) + [0xF6] + Array("rk - J".utf8) + [0xF3] + Array("ga\r\n".utf8)
        bytes += Array("D:\\Music\\Bj".utf8) + [0xF6] + Array("rk\\J".utf8) + [0xF3] + Array("ga.mp3\r\n".utf8)
        bytes += Array("#EXTINF:180,Sigur R".utf8) + [0xF3, 0x73, 0x20, 0x96, 0x20] + Array("Hopp".utf8) + [0xED]
            + Array("polla\r\n".utf8)
        bytes += Array("Music\\Sigur R".utf8) + [0xF3] + Array("s\\Hopp".utf8) + [0xED] + Array("polla.mp3\r\n\r\n".utf8)
        let parsed = try PlaylistFiles.parse(bytes, format: .m3u)
        #expect(parsed.name == nil)
        #expect(parsed.entries == [
            PlaylistFileEntry(location: "D:\\Music\\Björk\\Jóga.mp3", title: "Björk - Jóga", duration: 245),
            PlaylistFileEntry(location: "Music\\Sigur Rós\\Hoppípolla.mp3", title: "Sigur Rós – Hoppípolla", duration: 180),
        ])
        #expect(PlaylistFiles.resolve(parsed.entries[0].location, relativeTo: "/home/ana/Playlists") == nil)
        #expect(PlaylistFiles.resolve(parsed.entries[1].location, relativeTo: "/home/ana/Playlists")
            == "/home/ana/Playlists/Music/Sigur Rós/Hoppípolla.mp3")
    }

    @Test("The same Latin-1 bytes in an .m3u8 or .pls file are an error naming the line")
    func latin1IsNotUTF8() {
        let bytes = Array("#EXTM3U\n/ok.mp3\n/caf".utf8) + [0xE9] + Array(".mp3\n".utf8)
        #expect(throws: PlaylistFileError("not valid UTF-8 text", line: 3)) {
            try PlaylistFiles.parse(bytes, format: .m3u8)
        }
        #expect((try? PlaylistFiles.parse(bytes, format: .m3u))?.entries.map(\.location) == ["/ok.mp3", "/café.mp3"])
        let pls = Array("[playlist]\r\nFile1=/caf".utf8) + [0xE9] + Array(".mp3\r\n".utf8)
        #expect(throws: PlaylistFileError("not valid UTF-8 text", line: 2)) { try PlaylistFiles.parse(pls, format: .pls) }
        #expect(PlaylistFileError("not valid UTF-8 text", line: 2).description == "line 2: not valid UTF-8 text")
    }

    @Test("A VLC .m3u8 with file:// URLs, percent escapes, options and a stream")
    func vlcM3U8() throws {
        let text = """
            #EXTM3U
            #EXTINF:215,Sigur Rós - Hoppípolla
            file:///home/ana/Music/Sigur%20R%C3%B3s/Takk.../04%20-%20Hopp%C3%ADpolla.flac
            #EXTVLCOPT:start-time=10
            #EXTINF:-1,Radio Paradise
            http://stream.radioparadise.com/mp3-192
            #EXTINF:61,
            file:///home/ana/Music/%23%20Numbers/100%25%20%F0%9F%8E%A7.mp3
            file://localhost/home/ana/Music/%E5%9D%82%E6%9C%AC.flac

            """
        let parsed = try PlaylistFiles.parse(Array(text.utf8), format: .m3u8)
        #expect(parsed.entries == [
            PlaylistFileEntry(location: "file:///home/ana/Music/Sigur%20R%C3%B3s/Takk.../04%20-%20Hopp%C3%ADpolla.flac",
                              title: "Sigur Rós - Hoppípolla", duration: 215),
            PlaylistFileEntry(location: "http://stream.radioparadise.com/mp3-192", title: "Radio Paradise"),
            PlaylistFileEntry(location: "file:///home/ana/Music/%23%20Numbers/100%25%20%F0%9F%8E%A7.mp3", duration: 61),
            PlaylistFileEntry(location: "file://localhost/home/ana/Music/%E5%9D%82%E6%9C%AC.flac"),
        ])
        #expect(parsed.entries.map { PlaylistFiles.resolve($0.location, relativeTo: "/elsewhere") } == [
            "/home/ana/Music/Sigur Rós/Takk.../04 - Hoppípolla.flac",
            nil,
            "/home/ana/Music/# Numbers/100% 🎧.mp3",
            "/home/ana/Music/坂本.flac",
        ])
    }

    @Test("PLS entries come in the order of their numbers, keys in any case, missing numbers skipped")
    func plsOutOfOrder() throws {
        let text = """
            ; written by hand
            [Playlist]
            NumberOfEntries=7
            file3=/music/c.mp3
            Title3=C
            File1=/music/a.mp3
            LENGTH1=61
            Title1 = A = first
            Length3=-1
            File10=b.mp3
            Title7=orphan title
            Length2=40
            File4=
            garbage line
            Version=2
            [other]
            File2=/music/not-in-playlist.mp3
            """
        let parsed = try PlaylistFiles.parse(text, format: .pls)
        #expect(parsed.name == nil)
        #expect(parsed.entries == [
            PlaylistFileEntry(location: "/music/a.mp3", title: "A = first", duration: 61),
            PlaylistFileEntry(location: "/music/c.mp3", title: "C"),
            PlaylistFileEntry(location: "b.mp3"),
        ])
    }

    @Test("PLS: a later FileN replaces an earlier one, and absurd numbers are skipped")
    func plsDuplicatesAndHugeNumbers() throws {
        let text = "[playlist]\nFile2=/two.mp3\nFile1=/old.mp3\nFile1=/new.mp3\nFile99999999999999999999999=/huge.mp3\n"
            + "File9223372036854775807=/max.mp3\nFile-1=/negative.mp3\nFilex=/x.mp3\n"
        #expect(try PlaylistFiles.parse(text, format: .pls).entries.map(\.location) == ["/new.mp3", "/two.mp3", "/max.mp3"])
    }

    @Test("A PLS file without a [playlist] section is an error saying so", arguments: [
        "File1=/music/a.mp3\nNumberOfEntries=1\n",
        "#EXTM3U\n/music/a.mp3\n",
        "",
        "[playlists]\nFile1=/a.mp3",
    ])
    func plsWithoutSection(text: String) {
        #expect(throws: PlaylistFileError("not a PLS playlist: no [playlist] section")) {
            try PlaylistFiles.parse(text, format: .pls)
        }
        #expect(PlaylistFileError("not a PLS playlist: no [playlist] section").description
            == "not a PLS playlist: no [playlist] section")
    }

    @Test("XSPF is written, never read")
    func xspfIsNotRead() {
        #expect(!PlaylistFormat.xspf.canRead)
        #expect(throws: PlaylistFileError("XSPF playlists can be written but not read")) {
            try PlaylistFiles.parse(Array("<playlist/>".utf8), format: .xspf)
        }
        #expect(throws: PlaylistFileError("XSPF playlists can be written but not read")) {
            try PlaylistFiles.parse("<playlist/>", format: .xspf)
        }
    }
}

@Suite("M3U lines and #EXTINF")
struct M3UParsingTests {
    @Test("#EXTINF variants give the duration and title of the next location", arguments: [
        ("#EXTINF:123,Artist - Title", 123, "Artist - Title"),
        ("#EXTINF:123.5,Title", 123.5, "Title"),
        ("#EXTINF:-1,Radio", nil, "Radio"),
        ("#EXTINF:-5.5,Negative", nil, "Negative"),
        ("#EXTINF:0,Zero", 0, "Zero"),
        ("#EXTINF:123 tvg-id=\"x\" group-title=\"News, Weather\",Channel, One", 123, "Channel, One"),
        ("#EXTINF:-1 tvg-logo=\"http://a/b.png\",Logo", nil, "Logo"),
        ("#EXTINF:123", 123, nil),
        ("#EXTINF:", nil, nil),
        ("#EXTINF:,Only Title", nil, "Only Title"),
        ("#extinf: 42 , Spaced Out ", 42, "Spaced Out"),
        ("#EXTINF:nan,NaN", nil, "NaN"),
        ("#EXTINF:inf,Infinite", nil, "Infinite"),
        ("#EXTINF:1e400,Overflow", nil, "Overflow"),
        ("#EXTINF:abc,Letters", nil, "Letters"),
        ("#EXTINF:12 x=\"unbalanced,Title", 12, "Title"),
        ("#EXTINF:300,Title with \"quotes\", and commas", 300, "Title with \"quotes\", and commas"),
        ("#EXTINF:\t7\t,\tTabs\t", 7, "Tabs"),
    ] as [(String, Double?, String?)])
    func extinf(line: String, duration: Double?, title: String?) throws {
        let parsed = try PlaylistFiles.parse("#EXTM3U\n\(line)\n/a.mp3\n", format: .m3u8)
        #expect(parsed.entries == [PlaylistFileEntry(location: "/a.mp3", title: title, duration: duration)])
    }

    @Test("An #EXTINF applies to the next location only; directives and blank lines between do not break it")
    func extinfScope() throws {
        let text = """
            #EXTM3U
            #EXTINF:10,First
            a.mp3
            b.mp3
            #EXTINF:20,Replaced
            #EXTINF:30,Third
            #EXTGRP:Rock
            \t \u{0B}

            c.mp3
            #EXTINF:40,Dangling
            """
        #expect(try PlaylistFiles.parse(text, format: .m3u8).entries == [
            PlaylistFileEntry(location: "a.mp3", title: "First", duration: 10),
            PlaylistFileEntry(location: "b.mp3"),
            PlaylistFileEntry(location: "c.mp3", title: "Third", duration: 30),
        ])
    }

    @Test("A plain list of paths without #EXTM3U, with comments, indents and CR-only line ends")
    func plainList() throws {
        let text = "# my list\r/music/a.mp3\r\r   /music/b b.mp3  \r\t# indented comment\rrelative/c.mp3"
        let parsed = try PlaylistFiles.parse(text, format: .m3u)
        #expect(parsed.name == nil)
        #expect(parsed.entries.map(\.location) == ["/music/a.mp3", "/music/b b.mp3", "relative/c.mp3"])
        #expect(parsed.entries.allSatisfy { $0.title == nil && $0.duration == nil })
    }

    @Test("#PLAYLIST names the playlist (the first one counts, an empty one is no name)")
    func playlistName() throws {
        #expect(try PlaylistFiles.parse("#EXTM3U\n#PLAYLIST: Late Night \n#PLAYLIST:Second\n/a.mp3", format: .m3u8).name
            == "Late Night")
        #expect(try PlaylistFiles.parse("#EXTM3U\n#PLAYLIST:\n/a.mp3", format: .m3u8).name == nil)
        #expect(try PlaylistFiles.parse("#EXTM3U\n#playlist:lower\n", format: .m3u8).name == "lower")
    }

    @Test("A UTF-8 BOM is ignored, in text and in bytes; a UTF-16 file with its BOM is read")
    func byteOrderMarks() throws {
        let text = "\u{FEFF}#EXTM3U\r\n#PLAYLIST:Road Trip\r\n/música/a.mp3\r\n"
        let expected = PlaylistFileEntry(location: "/música/a.mp3")
        #expect(try PlaylistFiles.parse(text, format: .m3u8).entries == [expected])
        #expect(try PlaylistFiles.parse(text, format: .m3u8).name == "Road Trip")
        #expect(try PlaylistFiles.parse(Array(text.utf8), format: .m3u8).entries == [expected])
        #expect(try PlaylistFiles.parse(Array(text.utf8), format: .m3u).entries == [expected])
        #expect(try PlaylistFiles.parse(Array("\u{FEFF}[playlist]\nFile1=/a.mp3".utf8), format: .pls).entries
            == [PlaylistFileEntry(location: "/a.mp3")])
        let littleEndian = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(try PlaylistFiles.parse(littleEndian, format: .m3u).entries == [expected])
        let bigEndian = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        #expect(try PlaylistFiles.parse(bigEndian, format: .m3u8).entries == [expected])
    }
}

@Suite("Hostile input is read without crashing")
struct HostileInputTests {
    /// SplitMix64: the same "random" bytes on every run.
    struct Bytes: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
    }

    @Test("Random bytes give an error or entries without control characters, in every format", arguments: 0..<8)
    func randomBytes(seed: UInt64) {
        var generator = Bytes(state: seed)
        var bytes = (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) }
        if seed.isMultiple(of: 2) { bytes = Array("[playlist]\nFile1=".utf8) + bytes }  // get past the PLS header
        for format in PlaylistFormat.allCases {
            guard let parsed = try? PlaylistFiles.parse(bytes, format: format) else { continue }
            #expect(parsed.entries.allSatisfy { !Self.hasControlCharacter($0.location) && !$0.location.isEmpty })
            for entry in parsed.entries { _ = PlaylistFiles.resolve(entry.location, relativeTo: "/d") }
        }
        #expect(throws: PlaylistFileError.self) { try PlaylistFiles.parse(bytes, format: .m3u8) }
        #expect((try? PlaylistFiles.parse(bytes, format: .m3u)) != nil)
    }

    @Test("NUL padding after a crash and lines of NULs are skipped, the real entries kept")
    func nulPadding() throws {
        let nuls = [UInt8](repeating: 0, count: 4096)
        let m3u = Array("#EXTM3U\n#EXTINF:5,Kept\n/a.mp3\n#EXTINF:6,Lost\n".utf8) + nuls + [0x0A] + nuls
            + Array("\n/b.mp3\n".utf8) + nuls
        for format in [PlaylistFormat.m3u, .m3u8] {
            #expect(try PlaylistFiles.parse(m3u, format: format).entries == [
                PlaylistFileEntry(location: "/a.mp3", title: "Kept", duration: 5),
                PlaylistFileEntry(location: "/b.mp3"),
            ])
        }
        let pls = Array("[playlist]\nFile1=/a.mp3\nFile2=".utf8) + nuls + [0x0A] + nuls
        #expect(try PlaylistFiles.parse(pls, format: .pls).entries == [PlaylistFileEntry(location: "/a.mp3")])
    }

    @Test("Huge lines are read whole")
    func hugeLines() throws {
        let long = String(repeating: "a", count: 2_000_000)
        let quotes = String(repeating: "\"", count: 1_000_001)
        let text = "#EXTINF:1 \(quotes),\(long)\n/\(long).mp3\n#EXTINF:\(long),x\n/b.mp3\n"
        let parsed = try PlaylistFiles.parse(text, format: .m3u8)
        #expect(parsed.entries.count == 2)
        #expect(parsed.entries.first?.location.utf8.count == 2_000_005)
        #expect(parsed.entries.first?.title?.utf8.count == 2_000_000)
        #expect(parsed.entries.first?.duration == 1)
        #expect(parsed.entries.last == PlaylistFileEntry(location: "/b.mp3", title: "x"))
        #expect(PlaylistFiles.resolve("/\(long).mp3", relativeTo: "/") == "/\(long).mp3")
        let pls = try PlaylistFiles.parse("[playlist]\nFile1=\(long)\nLength1=\(long)\n", format: .pls)
        #expect(pls.entries == [PlaylistFileEntry(location: long)])
    }
}

@Suite("Playlist formats from file names")
struct PlaylistFormatTests {
    @Test("The extension names the format, in any case", arguments: [
        ("mix.m3u", PlaylistFormat.m3u), ("Mix.M3U8", .m3u8), ("/home/ana/Radio.PLS", .pls), ("list.xspf", .xspf),
        ("archive.tar.m3u", .m3u), (".m3u8", .m3u8), ("notes.txt", nil), ("m3u", nil), ("/dir.m3u/file", nil),
        ("playlist.", nil), ("", nil), ("mix.m3u ", nil),
    ] as [(String, PlaylistFormat?)])
    func fromFileName(name: String, format: PlaylistFormat?) {
        #expect(PlaylistFormat(fileName: name) == format)
    }

    @Test("Every format but XSPF can be read")
    func readable() {
        #expect(PlaylistFormat.allCases.filter(\.canRead) == [.m3u, .m3u8, .pls])
    }
}

@Suite("A playlist file without an extension is known by its content")
struct SniffedFormatTests {
    @Test("cmus's path lists are M3U, [playlist] is PLS (any case, after a BOM or blank lines); XML and binary are not playlists")
    func sniffing() throws {
        #expect(PlaylistFormat.sniffed(Array("/music/a.flac\n/music/b.mp3\n".utf8)) == .m3u)
        #expect(PlaylistFormat.sniffed(Array("#EXTM3U\n#EXTINF:1,x\na.mp3\n".utf8)) == .m3u)
        #expect(PlaylistFormat.sniffed([0xEF, 0xBB, 0xBF] + Array("\r\n [Playlist]\nFile1=a.mp3\n".utf8)) == .pls)
        #expect(PlaylistFormat.sniffed(Array("<?xml version=\"1.0\"?><playlist/>".utf8)) == nil)
        #expect(PlaylistFormat.sniffed([0x49, 0x44, 0x33, 0x04, 0x00]) == nil, "an MP3 file is not a playlist")
        #expect(PlaylistFormat.sniffed([]) == .m3u, "an empty list is an empty playlist")
        // What sniffing chose reads as that format: Windows-1252 in a legacy list too.
        let legacy: [UInt8] = Array("/music/Bj".utf8) + [0xF6] + Array("rk.mp3\n".utf8)
        let parsed = try PlaylistFiles.parse(legacy, format: try #require(PlaylistFormat.sniffed(legacy)))
        #expect(parsed.entries.map(\.location) == ["/music/Björk.mp3"])
    }
}
