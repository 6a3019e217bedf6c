import Testing
@testable import AppCore

@Suite("Lyrics: LRC and plain text, and the line being sung")
struct LyricsTests {
    @Test("Timed lines in time order, several times on one line, headers left out, offset applied, word times dropped")
    func lrc() throws {
        let text = """
            [ar:Björk]
            [ti:Jóga]
            [offset:+500]
            [00:10.00]All these accidents
            [00:20.50][01:05.25]State of emergency
            [00:15.00]That <00:15.20>happen <00:15.80>follow
            a note without a time
            [00:30:50]how beautiful to be
            [00:40.00]
            """
        let lyrics = try #require(Lyrics.parse(text, source: "from joga.lrc"))
        #expect(lyrics.isTimed && lyrics.source == "from joga.lrc")
        #expect(lyrics.lines.map(\.text) == ["All these accidents", "That happen follow", "State of emergency", "how beautiful to be",
                                             "", "State of emergency"])
        #expect(lyrics.lines.map(\.time) == [9.5, 14.5, 20.0, 30.0, 39.5, 64.75])
    }

    @Test("The line being sung: the last that has begun; none before the first, none for plain text")
    func currentLine() throws {
        let lyrics = try #require(Lyrics.parse("[00:05.00]one\n[00:10.00]two\n[00:10.00]two again\n[01:00.00]three", source: ""))
        #expect(lyrics.currentLine(at: 0) == nil)
        #expect(lyrics.currentLine(at: 5) == 0)
        #expect(lyrics.currentLine(at: 9.99) == 0)
        #expect(lyrics.currentLine(at: 10) == 2)
        #expect(lyrics.currentLine(at: 3600) == 3)
        #expect(try #require(Lyrics.parse("one\ntwo", source: "")).currentLine(at: 30) == nil)
    }

    @Test("Plain lyrics keep their lines and verses, not the blank lines around them; nothing gives nil")
    func plain() throws {
        let lyrics = try #require(Lyrics.parse("\r\n\nFirst verse\nstill first\n\n[Chorus]\nSecond\n\n\n", source: "from the file's tags"))
        #expect(!lyrics.isTimed)
        #expect(lyrics.lines.map(\.text) == ["First verse", "still first", "", "[Chorus]", "Second"])
        #expect(Lyrics.parse("", source: "") == nil)
        #expect(Lyrics.parse("[ar:Someone]\n[ti:Nothing]\n\n", source: "") == nil)
        #expect(Lyrics.parse(String(repeating: "la\n", count: 10_000), source: "")?.lines.count == Lyrics.lineLimit)
    }

    @Test("t opens the panel and asks for the playing entry's lyrics once; a new track asks again; Esc closes")
    func panel() throws {
        var state = AppState(rows: 24, columns: 80)
        let track = TrackRow(id: 7, path: "/m/a.flac", title: "A", artist: "B", album: "C", duration: 60)
        _ = state.handle(.libraryLoaded([track, TrackRow(id: 8, path: "/m/b.flac", title: "B2", artist: "B", album: "C")]))
        _ = state.handle(.key(.enter))
        let entry = try #require(state.queue.currentEntry)
        _ = state.handle(.player(.started(entryID: entry.id, duration: 60)))
        #expect(state.handle(.key(.character("t"))) == [.loadLyrics(entryID: entry.id, path: "/m/a.flac")])
        #expect(state.showingLyrics)
        _ = state.handle(.lyricsLoaded(entryID: entry.id, nil))
        _ = state.handle(.key(.character("t")))
        #expect(!state.showingLyrics)
        #expect(state.handle(.key(.character("t"))) == [], "read once per entry: none found is an answer too")
        let next = try #require(state.queue.entries.first { $0.id != entry.id })
        let effects = state.handle(.player(.started(entryID: next.id, duration: 60)))
        #expect(effects.contains(.loadLyrics(entryID: next.id, path: "/m/b.flac")), "\(effects)")
        _ = state.handle(.key(.character("w")))
        #expect(state.showingWhy && !state.showingLyrics, "one panel at a time")
        _ = state.handle(.key(.character("t")))
        _ = state.handle(.key(.escape))
        #expect(!state.showingWhy && !state.showingLyrics)
    }
}
