import Foundation
@testable import AppCore
import Testing
import TerminalUI

/// A library of `albums` albums of `perAlbum` tracks each, by two artists, in store order.
private func library(albums: Int = 3, perAlbum: Int = 4) -> [TrackRow] {
    var rows: [TrackRow] = []
    for album in 0..<albums {
        for track in 0..<perAlbum {
            let id = Int64(album * perAlbum + track + 1)
            rows.append(TrackRow(id: id, path: "/m/\(album)/\(track).flac", title: "Song \(id)", artist: album < 2 ? "Alpha" : "Beta",
                                 album: "Album \(album)", year: 1990 + album, genre: album == 2 ? "Jazz" : "Rock",
                                 trackNumber: track + 1, duration: 60))
        }
    }
    return rows
}

private func loaded(rows: Int = 24, columns: Int = 80) -> AppState {
    var state = AppState(rows: rows, columns: columns)
    _ = state.handle(.libraryLoaded(library()))
    return state
}

private func press(_ state: inout AppState, _ keys: String) -> [Effect] {
    keys.flatMap { state.handle(.key(.character($0))) }
}

@Suite("AppState.handle: what keys and commands do")
struct UpdateTests {
    @Test("The tree groups artists and albums; Enter on an artist plays all their tracks in order")
    func treeAndPlay() {
        var state = loaded()
        #expect(state.libraryView.artists.map(\.name) == ["Alpha", "Beta"])
        #expect(state.libraryView.artists[0].albums.map(\.title) == ["Album 0", "Album 1"])
        let effects = state.handle(.key(.enter))
        #expect(state.queue.entries.map(\.track.id) == Array(1...8))
        guard case .startPlayback(let window, let position) = effects.first else { Issue.record("no playback: \(effects)"); return }
        #expect(window.map(\.track.id) == [1, 2])
        #expect(position == 0)
    }

    @Test("The tree regroups a filter's tracks by artist and album, however few are left of each")
    func regroup() {
        var state = loaded()
        _ = state.handle(.command(.filter("song")))
        _ = state.handle(.filterResults(generation: state.filter.generation, positions: [1, 5, 6, 9]))
        #expect(state.libraryView.artists.map(\.name) == ["Alpha", "Beta"])
        #expect(state.libraryView.artists[0].albums.map(\.title) == ["Album 0", "Album 1"])
        #expect(state.libraryView.artists[0].albums.map(\.positions) == [[1], [5, 6]])
        #expect(state.libraryView.artists[1].albums.map(\.positions) == [[9]])
    }

    @Test("The same answer again keeps the views; after a reload the same positions regroup the new library")
    func sameAnswer() {
        var state = loaded()
        _ = state.handle(.command(.filter("song")))
        _ = state.handle(.filterResults(generation: state.filter.generation, positions: [1, 5, 6, 9]))
        _ = press(&state, "oj")
        let cursor = state.libraryView.treeCursor
        _ = state.handle(.command(.filter("song ")))  // the same terms: asked again, answered the same
        _ = state.handle(.filterResults(generation: state.filter.generation, positions: [1, 5, 6, 9]))
        #expect(state.libraryView.treeCursor == cursor)
        #expect(state.libraryView.artists[0].albums.map(\.positions) == [[1], [5, 6]])
        #expect(!state.filter.isPending)

        // A rescan renamed the first artist; the filter's answer has the same positions.
        var renamed = library()
        for index in renamed.indices where renamed[index].artist == "Alpha" {
            renamed[index].artist = "Aleph"
            renamed[index].albumArtist = "Aleph"
        }
        _ = state.handle(.libraryLoaded(renamed))
        _ = state.handle(.filterResults(generation: state.filter.generation, positions: [1, 5, 6, 9]))
        #expect(state.libraryView.artists.map(\.name) == ["Aleph", "Beta"])
    }

    @Test("o expands an artist; the right pane follows the tree cursor")
    func expand() {
        var state = loaded()
        _ = press(&state, "o")
        #expect(state.libraryView.rows.count == 4)
        _ = press(&state, "jj")
        #expect(state.selectedTreePositions().map { state.library.tracks[$0].id } == [5, 6, 7, 8])
    }

    @Test("Engine events move the queue on, and the engine is told what follows")
    func followsEngine() {
        var state = loaded()
        _ = state.handle(.key(.enter))
        let first = state.queue.entries[0].id, second = state.queue.entries[1].id
        _ = state.handle(.player(.started(entryID: first, duration: 60)))
        #expect(state.player.status == .playing)
        let effects = state.handle(.player(.started(entryID: second, duration: 60)))
        #expect(state.queue.current == 1)
        #expect(effects == [.setUpcoming([state.queue.entries[2]])])
    }

    @Test("The engine confirming the track just asked for keeps a message given since; the next track clears it")
    func startKeepsNewMessage() {
        var state = loaded()
        _ = state.handle(.key(.enter))
        let first = state.queue.entries[0].id, second = state.queue.entries[1].id
        _ = state.handle(.info("playlist Trip created"))
        _ = state.handle(.player(.started(entryID: first, duration: 60)))
        #expect(state.message?.text == "playlist Trip created")
        _ = state.handle(.player(.started(entryID: second, duration: 60)))
        #expect(state.message == nil)
    }

    @Test("Paused before the engine said the track started: its late start keeps it paused; the next track's start plays")
    func pauseBeforeStart() {
        var state = loaded()
        _ = state.handle(.key(.enter))
        #expect(press(&state, " ") == [.transport(.pause)])
        let first = state.queue.entries[0].id, second = state.queue.entries[1].id
        _ = state.handle(.player(.started(entryID: first, duration: 60)))
        #expect(state.player.status == .paused)
        #expect(press(&state, " ") == [.transport(.resume)])
        #expect(state.player.status == .playing)
        _ = state.handle(.player(.started(entryID: second, duration: 60)))
        #expect(state.player.status == .playing)
        #expect(state.queue.current == 1)
    }

    @Test("A pause the engine confirms after the listener skipped to the next track does not pause that one")
    func latePauseOfPreviousTrack() {
        var state = loaded()
        _ = state.handle(.key(.enter))
        let first = state.queue.entries[0].id
        _ = state.handle(.player(.started(entryID: first, duration: 60)))
        _ = press(&state, " ")
        _ = press(&state, "b")
        #expect(state.queue.current == 1)
        #expect(state.player.status == .playing)
        _ = state.handle(.player(.paused(entryID: first, position: 3)))
        #expect(state.player.status == .playing)
        _ = state.handle(.player(.started(entryID: state.queue.entries[1].id, duration: 60)))
        #expect(state.player.status == .playing)
        // The current track's own echo still counts.
        _ = state.handle(.player(.paused(entryID: state.queue.entries[1].id, position: 1.5)))
        #expect(state.player.status == .paused)
        #expect(state.player.position == 1.5)
    }

    @Test("Space pauses and resumes; a restored session starts where it left off")
    func pauseAndRestore() {
        var state = loaded()
        _ = state.handle(.key(.enter))
        _ = state.handle(.player(.started(entryID: state.queue.entries[0].id, duration: 60)))
        #expect(press(&state, " ") == [.transport(.pause)])
        #expect(press(&state, " ") == [.transport(.resume)])
        _ = state.handle(.player(.progressed(entryID: state.queue.entries[0].id, position: 12.5, duration: 60)))
        _ = press(&state, "2")
        let saved = state.savedSession()

        var next = loaded()
        _ = next.handle(.restore(saved))
        #expect(next.view == .tracks)
        #expect(next.queue.entries.map(\.track.id) == Array(1...8))
        #expect(next.player.status == .paused)
        #expect(next.player.position == 12.5)
        let effects = press(&next, " ")
        guard case .startPlayback(let window, let position) = effects.first else { Issue.record("\(effects)"); return }
        #expect(window.first?.track.id == 1)
        #expect(position == 12.5)
    }

    @Test("Restored cursors stay on the artist and tracks they were on when the library gained rows above them")
    func restoredCursorsFollowTheirRows() {
        var state = loaded()
        _ = press(&state, "j")  // the tree on Beta
        _ = state.handle(.key(.tab))
        _ = press(&state, "jj")  // Beta's third track
        let onTrack = state.selectionTrackIDs()
        _ = press(&state, "2")
        _ = press(&state, "jjjjj")  // the Tracks view on its sixth row
        let onRow = state.tracksView.order[state.tracksView.cursor.index]
        let saved = state.savedSession()
        #expect(saved.treeAnchor == ["Beta"])

        // A scan since added an artist that sorts first and a track at the head of Beta's album (the rows
        // in library order, as the store gives them).
        var grown = library()
        grown.insert(TrackRow(id: 101, path: "/m/2/0a.flac", title: "Extra", artist: "Beta", album: "Album 2", year: 1992,
                              genre: "Jazz", trackNumber: 0, duration: 60), at: 8)
        grown.insert(TrackRow(id: 100, path: "/m/a/1.flac", title: "First", artist: "Aardvark", album: "A", year: 1980,
                              trackNumber: 1, duration: 60), at: 0)
        var next = AppState(rows: 24, columns: 80)
        _ = next.handle(.libraryLoaded(grown))
        _ = next.handle(.restore(saved))
        #expect(next.view == .tracks)
        #expect(next.library.tracks[next.tracksView.order[next.tracksView.cursor.index]].id == state.library.tracks[onRow].id)
        _ = press(&next, "1")
        #expect(next.selectedTreeArtist()?.name == "Beta", "index 1 is Alpha now; the anchor finds Beta")
        #expect(next.selectionTrackIDs() == onTrack)

        // A session saved before the anchors existed still puts the cursors at their indexes.
        var old = saved
        (old.treeAnchor, old.trackAnchor, old.tracksAnchor) = (nil, nil, nil)
        var older = AppState(rows: 24, columns: 80)
        _ = older.handle(.libraryLoaded(grown))
        _ = older.handle(.restore(old))
        _ = press(&older, "1")
        #expect(older.selectedTreeArtist()?.name == "Alpha")
        #expect(older.selectionTrackIDs() != onTrack)
    }

    @Test("Curation: create a playlist, add three tracks, reorder, remove, undo")
    func curation() throws {
        var state = loaded()
        #expect(state.perform(.playlistCreate(name: "Mix", filter: nil)) == [.savePlaylist(name: "Mix", trackIDs: [])])
        _ = press(&state, "2")
        _ = press(&state, "mmm")
        #expect(state.marks == [1, 2, 3])
        _ = state.perform(.addToPlaylist(name: "Mix"))
        #expect(state.playlistsView.playlists.first?.trackIDs == [1, 2, 3])
        #expect(state.marks.isEmpty)
        _ = press(&state, "3")
        _ = state.handle(.key(.tab))
        let moved = press(&state, "J")
        #expect(moved == [.savePlaylist(name: "Mix", trackIDs: [2, 1, 3])])
        _ = press(&state, "d")
        #expect(state.playlistsView.playlists[0].trackIDs == [2, 3])
        let undone = press(&state, "u")
        #expect(undone == [.savePlaylist(name: "Mix", trackIDs: [2, 1, 3])])
    }

    @Test("Deleting a playlist asks first; n keeps it, y deletes it and u brings it back")
    func deleteAsks() {
        var state = loaded()
        _ = state.handle(.playlistsLoaded([PlaylistEntry(name: "Keep", trackIDs: [1])]))
        _ = press(&state, "3")
        #expect(press(&state, "d").isEmpty)
        #expect(state.confirmation != nil)
        _ = press(&state, "n")
        #expect(state.playlistsView.playlists.count == 1)
        _ = press(&state, "d")
        #expect(press(&state, "y") == [.deletePlaylist(name: "Keep")])
        #expect(state.playlistsView.playlists.isEmpty)
        #expect(press(&state, "u") == [.savePlaylist(name: "Keep", trackIDs: [1])])
    }

    @Test("Sync is switched on only after a y, over the Privacy view's list of what is sent; off after a y, too")
    func syncAsks() throws {
        var state = loaded()
        _ = press(&state, "7jj")
        #expect(state.privacy.cursor.index == PrivacyState.Row.sync.rawValue)
        // No server known yet: Enter opens the command line for one, and nothing is switched.
        #expect(state.handle(.key(.enter)).isEmpty)
        #expect(state.prompt?.text == "sync on ")
        _ = state.handle(.key(.escape))
        // `:sync on HOST:PORT` from another view: the Privacy view comes up, with the question over it.
        _ = press(&state, "1")
        #expect(state.handle(.command(try CommandLineParser.parse("sync on 127.0.0.1:9"))).isEmpty)
        #expect(state.view == .privacy)
        #expect(state.confirmation?.question.contains("127.0.0.1:9") == true)
        _ = press(&state, "n")
        #expect(state.confirmation == nil)
        _ = state.handle(.command(.sync(on: true, server: "127.0.0.1:9")))
        #expect(press(&state, "y") == [.setSync(on: true, server: "127.0.0.1:9")])
        _ = state.handle(.syncLoaded(SyncSummary(enabled: true, server: "127.0.0.1:9", waiting: 2)))
        // On: Enter on the row asks before turning it off, saying what is deleted.
        #expect(state.handle(.key(.enter)).isEmpty)
        #expect(state.confirmation?.question.contains("2 unsent reports are deleted") == true)
        #expect(press(&state, "y") == [.setSync(on: false, server: nil)])
        _ = state.handle(.syncLoaded(SyncSummary(enabled: false, server: "127.0.0.1:9")))
        // Off with a server remembered: Enter asks about that one.
        _ = state.handle(.key(.enter))
        #expect(press(&state, "y") == [.setSync(on: true, server: "127.0.0.1:9")])
        #expect(throws: CommandLineError.self) { try CommandLineParser.parse("sync on nowhere") }
    }

    @Test("Queue edits while playing tell the engine the new next track, and never restart the current one")
    func queueEdits() {
        var state = loaded()
        _ = state.handle(.key(.enter))
        let first = state.queue.entries[0]
        _ = state.handle(.player(.started(entryID: first.id, duration: 60)))
        _ = press(&state, "4")
        _ = press(&state, "j")
        let effects = press(&state, "d")
        #expect(effects == [.setUpcoming([state.queue.entries[1]])])
        #expect(state.queue.entries[1].track.id == 3)
        #expect(!effects.contains { if case .startPlayback = $0 { true } else { false } })
    }

    @Test("Repeat current (ctrl-r): the engine is told the track follows itself; b still moves on; it comes back with the session")
    func repeatCurrent() {
        var state = loaded()
        _ = state.handle(.key(.enter))
        let entries = state.queue.entries
        _ = state.handle(.player(.started(entryID: entries[0].id, duration: 60)))
        #expect(state.handle(.key(.control("r"))) == [.setUpcoming([entries[0]])])
        #expect(state.player.repeatMode == .track)
        #expect(state.message?.text == "repeat current track on")
        // The engine plays it again: the same entry starts, and follows itself again.
        #expect(state.handle(.player(.started(entryID: entries[0].id, duration: 60))) == [.setUpcoming([entries[0]])])
        #expect(state.queue.current == 0)
        // Played faster than the app could answer: the same entry again, not the next.
        guard case .startPlayback(let window, 0) = state.handle(.player(.queueFinished)).first else {
            Issue.record("no playback")
            return
        }
        #expect(window.map(\.id) == [entries[0].id, entries[0].id])
        // next is the listener's: it moves on, and the next entry then follows itself.
        guard case .startPlayback(let skipped, 0) = state.handle(.command(.next)).first else {
            Issue.record("next did not play")
            return
        }
        #expect(skipped.map(\.id) == [entries[1].id, entries[1].id])
        // Saved and restored with the session.
        var restored = loaded()
        _ = restored.handle(.restore(state.savedSession()))
        #expect(restored.player.repeatCurrent)
        // Off again: what follows is the next entry.
        _ = state.handle(.player(.started(entryID: entries[1].id, duration: 60)))
        #expect(state.handle(.command(.toggleRepeatCurrent)) == [.setUpcoming([entries[2]])])
        // :repeat track / queue / off set both switches at once; the current track wins over the queue.
        _ = state.handle(.command(.setRepeat(.queue)))
        #expect(state.player.repeatAll && !state.player.repeatCurrent)
        _ = state.handle(.command(.setRepeat(.track)))
        #expect(state.player.repeatMode == .track && state.player.repeatAll)
        _ = state.handle(.command(.setRepeat(.off)))
        #expect(!state.player.repeatAll && !state.player.repeatCurrent)
    }

    @Test("Continue off (C): the engine is told nothing follows; at the end playback stops on the next entry, which space plays")
    func continueOff() {
        var state = loaded()
        _ = state.handle(.key(.enter))
        let entries = state.queue.entries
        _ = state.handle(.player(.started(entryID: entries[0].id, duration: 60)))
        #expect(press(&state, "C") == [.setUpcoming([])])
        #expect(state.message?.text == "continue off: playback stops after this track")
        #expect(state.handle(.player(.queueFinished)) == [])
        #expect(state.player.status == .stopped && state.queue.current == 1)
        // Space starts the next entry, alone again (nothing follows it while continue is off).
        guard case .startPlayback(let window, 0) = press(&state, " ").first else {
            Issue.record("space did not play")
            return
        }
        #expect(window.map(\.id) == [entries[1].id])
        // b still moves on; repeat current wins over continue off.
        guard case .startPlayback(let skipped, 0) = press(&state, "b").first else {
            Issue.record("b did not play")
            return
        }
        #expect(skipped.map(\.id) == [entries[2].id])
        _ = state.handle(.player(.started(entryID: entries[2].id, duration: 60)))
        #expect(state.handle(.key(.control("r"))) == [.setUpcoming([entries[2]])])
        // Kept with the session; on again, the queue plays on.
        var restored = loaded()
        _ = restored.handle(.restore(state.savedSession()))
        #expect(!restored.player.continues)
        _ = state.handle(.key(.control("r")))
        #expect(state.handle(.command(.toggleContinue)) == [.setUpcoming([entries[3]])])
    }

    @Test(":mark FILTER marks the current list's tracks it matches; :invert flips this list's marks; e then queues them")
    func markByFilter() {
        var state = loaded()
        _ = press(&state, "2")
        _ = state.handle(.command(.markMatching("genre:jazz")))
        #expect(state.marks == Set(9...12), "Beta's jazz album")
        #expect(state.message?.text == "4 tracks marked")
        _ = state.handle(.command(.markMatching("year:1990")))
        #expect(state.marks == Set(9...12).union(1...4), "added to the marks")
        _ = state.handle(.command(.markMatching("genre:polka")))
        #expect(state.message?.text == "no track here matches genre:polka")
        _ = state.handle(.command(.invertMarks))
        #expect(state.marks == Set(5...8))
        // In the Library view's right pane: only that pane's tracks (Alpha's, the first artist).
        _ = state.handle(.command(.clearMarks))
        _ = press(&state, "1")
        _ = state.handle(.key(.tab))
        _ = state.handle(.command(.markMatching("song")))
        #expect(state.marks == Set(1...8))
        // The marks are what e acts on.
        _ = press(&state, "e")
        #expect(state.queue.entries.map(\.track.id) == Array(1...8))
    }

    @Test("A session saved before repeat current existed still loads")
    func oldSessionLoads() throws {
        let json = #"{"version":1,"queueTrackIDs":[1,2],"currentIndex":1,"position":12,"view":4,"filter":"","history":[],"#
            + #""treeCursor":{"index":0,"top":0},"trackCursor":{"index":0,"top":0},"libraryFocus":"tree","expandedArtists":[],"#
            + #""tracksCursor":{"index":0,"top":0},"sort":"artist","descending":false,"playlistCursor":{"index":0,"top":0},"#
            + #""playlistItemCursor":{"index":0,"top":0},"playlistFocus":"tree","queueCursor":{"index":0,"top":0},"#
            + #""volume":80,"repeatAll":true,"shuffle":false}"#
        let session = try JSONDecoder().decode(SavedSession.self, from: Data(json.utf8))
        #expect(session.repeatAll && session.repeatCurrent == nil && session.volume == 80)
    }

    @Test("i puts the cursor on the track playing: its artist opened and album chosen in the Library view, its row elsewhere")
    func showPlaying() {
        var state = loaded(rows: 10)
        #expect(state.handle(.key(.character("i"))) == [])
        #expect(state.message?.text == "nothing is playing")
        // Play the tracks view's 11th row: Beta's Album 2, its third track (id 11).
        _ = press(&state, "2")
        for _ in 0..<10 { _ = press(&state, "j") }
        _ = state.handle(.key(.enter))
        #expect(state.queue.currentEntry?.track.id == 11)
        _ = press(&state, "g")
        _ = press(&state, "i")
        #expect(state.tracksView.cursor.index == 10)
        #expect(state.tracksView.cursor.top > 0, "scrolled to show it")
        // The Library view: Beta opened, Album 2 chosen, the track under the cursor, its pane focused.
        _ = press(&state, "1")
        _ = press(&state, "i")
        #expect(state.libraryView.expanded == ["Beta"])
        #expect(state.libraryView.rows[state.libraryView.treeCursor.index] == .album(artist: 1, album: state.libraryView.artists[1].albums.startIndex))
        #expect(state.libraryView.focus == .tracks)
        #expect(state.libraryView.trackCursor.index == 2)
        // The Queue view: the entry playing. Views without tracks go to the Library view.
        _ = press(&state, "4")
        _ = press(&state, "g")
        _ = press(&state, "i")
        #expect(state.queueCursor.index == state.queue.current)
        _ = press(&state, "6")
        _ = press(&state, "i")
        #expect(state.view == .library)
        // Playlists: the selected one if it holds the track, else the first that does.
        _ = state.handle(.playlistsLoaded([PlaylistEntry(name: "A", trackIDs: [1, 2]), PlaylistEntry(name: "B", trackIDs: [3, 11, 4])]))
        _ = press(&state, "3")
        _ = press(&state, "i")
        #expect(state.selectedPlaylist()?.name == "B")
        #expect(state.playlistsView.focus == .tracks && state.playlistsView.itemCursor.index == 1)
        _ = state.handle(.playlistsLoaded([PlaylistEntry(name: "A", trackIDs: [1, 2])]))
        _ = press(&state, "i")
        #expect(state.message?.text == "Song 11 is in no playlist")
        // Hidden by the filter: the cursor stays and the message says why.
        _ = press(&state, "1")
        _ = state.handle(.command(.filter("alpha")))
        _ = state.handle(.filterResults(generation: state.filter.generation, positions: Array(0..<8)))
        _ = press(&state, "i")
        #expect(state.message?.text == "Song 11 is hidden by the filter (:filter with nothing clears it)")
    }

    @Test("E queues to play next, e at the end")
    func enqueue() {
        var state = loaded()
        _ = state.handle(.key(.enter))
        _ = state.handle(.player(.started(entryID: state.queue.entries[0].id, duration: 60)))
        _ = press(&state, "2")
        _ = press(&state, "G")
        _ = press(&state, "E")
        #expect(state.queue.entries[1].track.id == 12)
        _ = press(&state, "g")
        _ = press(&state, "e")
        #expect(state.queue.entries.last?.track.id == 1)
    }

    @Test("The live filter asks for a query per keystroke and keeps only the newest answer")
    func filterGenerations() {
        var state = loaded()
        _ = press(&state, "F")
        let first = press(&state, "j")
        let second = press(&state, "a")
        guard case .runFilter(let g1, _) = first.first, case .runFilter(let g2, let expression) = second.first else {
            Issue.record("\(first) \(second)"); return
        }
        #expect(g2 > g1)
        #expect(state.filter.isPending)
        _ = state.handle(.filterResults(generation: g2, positions: [8, 9]))
        #expect(!state.filter.isPending)
        _ = state.handle(.filterResults(generation: g1, positions: [0]))
        #expect(state.filter.visible == [8, 9])
        #expect(expression.text == "ja")
        _ = state.handle(.key(.enter))
        #expect(state.prompt == nil)
        #expect(state.filter.text == "ja")
        #expect(state.libraryView.artists.map(\.name) == ["Beta"])
    }

    @Test("Escape in the filter prompt puts the filter back as it was")
    func filterEscape() {
        var state = loaded()
        _ = press(&state, "F")
        _ = press(&state, "x")
        _ = state.handle(.key(.escape))
        #expect(state.filter.text == "")
        #expect(state.filter.visible == nil)
    }

    @Test("/ moves to the first match as you type, n to the next, Escape back to where it was")
    func search() {
        var state = loaded()
        _ = press(&state, "2")
        _ = press(&state, "/")
        _ = press(&state, "song 1")
        #expect(state.tracksView.cursor.index == 0)
        _ = press(&state, "0")
        #expect(state.tracksView.cursor.index == 9)
        _ = state.handle(.key(.enter))
        _ = press(&state, "n")
        #expect(state.tracksView.cursor.index == 9)
        _ = press(&state, "/")
        _ = press(&state, "song 12")
        #expect(state.tracksView.cursor.index == 11)
        _ = state.handle(.key(.escape))
        #expect(state.tracksView.cursor.index == 9)
    }

    @Test("A search's words may match different fields (artist, title, album), accents and case ignored")
    func searchWords() {
        var state = loaded()
        _ = press(&state, "2")
        _ = press(&state, "/")
        _ = press(&state, "béta song 9")
        #expect(state.tracksView.cursor.index == 8)
        _ = state.handle(.key(.escape))
        _ = press(&state, "/")
        _ = press(&state, "12 BETA")
        #expect(state.tracksView.cursor.index == 11)
        _ = state.handle(.key(.enter))
        _ = press(&state, "/")
        _ = press(&state, "gamma")
        #expect(state.tracksView.cursor.index == 11, "a search that finds nothing leaves the cursor")
    }

    @Test("The command line: history with Up, Tab completion, errors on the status line")
    func commandLine() {
        var state = loaded()
        _ = state.handle(.playlistsLoaded([PlaylistEntry(name: "Road trip", trackIDs: [])]))
        _ = press(&state, ":")
        _ = press(&state, "bogus")
        _ = state.handle(.key(.enter))
        #expect(state.message?.isError == true)
        #expect(state.message?.text.contains("bogus") == true)
        _ = press(&state, ":")
        _ = state.handle(.key(.up))
        #expect(state.prompt?.text == "bogus")
        _ = state.handle(.key(.control("u")))
        _ = press(&state, "pl-del")
        _ = state.handle(.key(.tab))
        #expect(state.prompt?.text.hasPrefix("pl-delete") == true)
    }

    @Test("Help is left with Escape or ?, and j/k scroll it instead of moving the list")
    func help() {
        var state = loaded()
        _ = press(&state, "?")
        #expect(state.help.isShown)
        _ = press(&state, "jj")
        #expect(state.help.scroll == 2)
        #expect(state.libraryView.treeCursor.index == 0)
        _ = state.handle(.key(.escape))
        #expect(!state.help.isShown)
        _ = press(&state, "?")
        _ = press(&state, "4")
        #expect(!state.help.isShown && state.view == .queue)
    }

    @Test("Cursor keys: half pages, ends, and the list scrolls to keep the cursor in view")
    func cursorMoves() {
        var state = AppState(rows: 10, columns: 80)
        _ = state.handle(.libraryLoaded(library(albums: 10, perAlbum: 10)))
        _ = press(&state, "2")
        _ = state.handle(.key(.control("d")))
        #expect(state.tracksView.cursor.index == 2)
        _ = press(&state, "G")
        #expect(state.tracksView.cursor.index == 99)
        #expect(state.tracksView.cursor.top == 100 - state.listHeight)
        _ = press(&state, "g")
        #expect(state.tracksView.cursor == ListCursor(index: 0, top: 0))
    }

    @Test("Smart shuffle says truthfully that it plays as plain shuffle until hum has learned something")
    func smartIsHonest() {
        var state = loaded()
        _ = press(&state, "S")
        #expect(state.player.smart)
        #expect(state.message?.text.contains("no taste model yet") == true)
        #expect(state.whyLines == ExplanationText.nothingLearnedYet)
    }

    /// A taste model stand-in: always prefers the candidate with the highest id, and says so.
    struct PrefersHighIDs: ExplanationProvider {
        var learns: Bool { true }
        func explain(_ track: TrackRow, source: String) -> [String] { ["picked \(track.id) by \(source)"] }
        func pickNext(among candidates: [TrackRow], after previous: TrackRow?, seed: UInt64) -> Int? {
            candidates.indices.max { candidates[$0].id < candidates[$1].id }
        }
        func suggestions(count: Int, after previous: TrackRow?, excluding excluded: Set<Int64>) -> [Int64] {
            Array([12, 11, 10, 9, 8, 7].filter { !excluded.contains($0) }.prefix(count))
        }
    }

    /// What the runtime does with `Effect.suggest`: asks the state's model, and answers.
    func answerSuggestions(_ state: inout AppState, _ effects: [Effect]) {
        for case .suggest(let previous, let excluded) in effects {
            _ = state.handle(.suggestionsReady(after: previous?.id, trackIDs: state.explainer.suggestions(
                count: AppState.suggestionCount, after: previous, excluding: excluded)))
        }
    }

    @Test("Radio asks the runtime for tracks around the playing one and plays them; suggestions leave out what is queued")
    func radioAndSuggestions() throws {
        var state = loaded()
        #expect(state.handle(.command(.radio(.album))) == [])
        #expect(state.message?.text.contains("no taste model yet") == true)
        _ = state.handle(.tasteChanged(PrefersHighIDs()))
        _ = state.handle(.key(.enter))  // Alpha: tracks 1–8
        let started = state.handle(.player(.started(entryID: state.queue.entries[0].id, duration: 60)))
        // Asked for off the interface's thread: nothing shown until the answer comes.
        #expect(started.contains(.suggest(after: state.queue.entries[0].track, excluding: Set(1...8))))
        #expect(state.suggestions.isEmpty)
        // An answer about another track (one started since) is not shown.
        _ = state.handle(.suggestionsReady(after: 99, trackIDs: [5]))
        #expect(state.suggestions.isEmpty)
        answerSuggestions(&state, started)
        // 8 is queued already: the three suggestions are 12, 11 and 10.
        #expect(state.suggestions.map(\.id) == [12, 11, 10])
        #expect(state.handle(.command(.radio(.album))) == [.startRadio(.album, seedTrackID: 1)])
        let effects = state.handle(.radioReady(name: "the album “Album 0”", trackIDs: [9, 10, 99]))
        #expect(state.queue.entries.map(\.track.id) == [9, 10], "an id the library does not have is left out")
        guard case .startPlayback(let window, _) = effects.first else { Issue.record("radio did not play: \(effects)"); return }
        #expect(window.first?.track.id == 9)
        #expect(state.message?.text.contains("radio: 2 tracks like the album") == true)
        answerSuggestions(&state, state.handle(.player(.started(entryID: state.queue.entries[0].id, duration: 60))))
        _ = state.handle(.command(.enqueueSuggestions))
        #expect(state.queue.entries.map(\.track.id) == [9, 12, 11, 8, 10])
    }

    @Test("With a taste model, smart shuffle plays its picks, the why panel shows its reasons, and feedback goes out")
    func smartUsesTheModel() {
        var state = loaded()
        _ = state.handle(.key(.enter))  // Alpha's eight tracks, from track 1
        _ = state.handle(.player(.started(entryID: state.queue.entries[0].id, duration: 60)))
        var effects = state.handle(.tasteChanged(PrefersHighIDs()))
        #expect(state.whyLines == ["picked 1 by queue"])
        effects = press(&state, "S")
        #expect(state.message?.text.contains("picks by your taste") == true)
        guard case .setUpcoming(let upcoming) = effects.last else { Issue.record("nothing upcoming: \(effects)"); return }
        #expect(upcoming.map(\.track.id) == [8])
        _ = state.handle(.player(.started(entryID: upcoming[0].id, duration: 60)))
        #expect(state.whyLines == ["picked 8 by smart shuffle"])
        #expect(press(&state, "]") == [.sendFeedback(.moreLikeThis, trackID: 8)])
        #expect(press(&state, "[") == [.sendFeedback(.lessLikeThis, trackID: 8)])
        #expect(press(&state, "H") == [.sendFeedback(.notAtThisHour, trackID: 8)])
        #expect(state.handle(.command(.feedback(.moreLikeThis))) == [.sendFeedback(.moreLikeThis, trackID: 8)])
        // Plain shuffle is one key away and does not ask the model.
        _ = press(&state, "s")
        #expect(!state.player.smart && state.player.shuffle)
    }

    @Test("A smart playlist holds what its filter matches now")
    func smartPlaylist() {
        var state = loaded()
        _ = state.perform(.playlistCreate(name: "Jazz", filter: "genre:jazz"))
        let list = state.playlistsView.playlists[0]
        #expect(state.tracks(of: list).map(\.id) == [9, 10, 11, 12])
        _ = state.handle(.libraryLoaded(Array(library().prefix(10))))
        #expect(state.tracks(of: list).map(\.id) == [9, 10])
    }

    @Test("A resize keeps the cursor in view")
    func resize() {
        var state = AppState(rows: 40, columns: 80)
        _ = state.handle(.libraryLoaded(library(albums: 10, perAlbum: 10)))
        _ = press(&state, "2")
        for _ in 0..<30 { _ = press(&state, "j") }
        _ = state.handle(.resized(rows: 10, columns: 60))
        let cursor = state.tracksView.cursor
        #expect(cursor.index == 30)
        #expect(cursor.index >= cursor.top && cursor.index < cursor.top + state.listHeight)
    }

    @Test("A click selects the row under it and gives its pane the focus; a click on a tab opens the view")
    func mouse() {
        var state = loaded(rows: 24, columns: 120)
        _ = state.handle(.playlistsLoaded([PlaylistEntry(name: "A", trackIDs: [1, 2, 3])]))
        _ = press(&state, "o")
        // Row 0 is the title bar, row 1 the headings: row 3 is the second row of the lists.
        _ = state.handle(.key(.click(row: 3, column: 2)))
        #expect(state.libraryView.treeCursor.index == 1)
        _ = state.handle(.key(.click(row: 4, column: 60)))
        #expect(state.libraryView.focus == .tracks)
        #expect(state.libraryView.trackCursor.index == 2)
        let tab = Layout.viewTabs(columns: 120).first { $0.view == .playlists }!
        _ = state.handle(.key(.click(row: 0, column: tab.start)))
        #expect(state.view == .playlists)
        _ = state.handle(.key(.wheelDown(row: 5, column: 2)))
        #expect(state.playlistsView.listCursor.index == 0)
    }

    @Test("+ and - move the volume by volume_step; :vol sets it")
    func volume() {
        var state = loaded()
        _ = state.handle(.settingsLoaded([SettingEntry(key: "volume_step", value: "10", summary: "")]))
        #expect(press(&state, "-") == [.transport(.volume(percent: 90, relative: false))])
        #expect(state.perform(.volume(percent: 42, relative: false)) == [.transport(.volume(percent: 42, relative: false))])
        #expect(press(&state, "+") == [.transport(.volume(percent: 52, relative: false))])
    }

    @Test(":fsave keeps a filter by name, to be saved; :fload brings it back")
    func savedFilters() {
        var state = loaded()
        _ = state.perform(.filter("genre:jazz"))
        #expect(state.perform(.saveFilter(name: "jazz")) == [.saveFilters(["jazz": "genre:jazz"])])
        _ = state.perform(.filter(""))
        let effects = state.perform(.loadFilter(name: "jazz"))
        #expect(state.filter.text == "genre:jazz")
        #expect(effects.count == 1)
        _ = state.perform(.loadFilter(name: "nope"))
        #expect(state.message?.isError == true)
    }

    @Test("A smart playlist loaded from the store is resolved against the library at once")
    func smartLoaded() {
        var state = loaded()
        _ = state.handle(.playlistsLoaded([PlaylistEntry(name: "Old", trackIDs: [], filter: "year:<1991")]))
        #expect(state.playlistsView.playlists[0].trackIDs == [1, 2, 3, 4])
    }

    @Test("The Why panel shows what the explanation provider says about the track that started")
    func explanation() {
        struct Fixed: ExplanationProvider {
            func explain(_ track: TrackRow, source: String) -> [String] { ["because \(track.title) from the \(source)"] }
        }
        var state = loaded()
        state.explainer = Fixed()
        _ = state.handle(.key(.enter))
        _ = state.handle(.player(.started(entryID: state.queue.entries[0].id, duration: 60)))
        #expect(state.whyLines == ["because Song 1 from the queue"])
    }
}

@Suite("LibraryIndex: positions by id")
struct LibraryIndexTests {
    static func row(_ id: Int64) -> TrackRow { TrackRow(id: id, path: "/\(id)", title: "t\(id)", artist: "a", album: "b") }

    @Test("Dense ids and sparse ids give the same answers, and unknown ids none")
    func positions() {
        for ids in [[3, 1, 2, 7] as [Int64], [5_000_000, 12, 900_000_000_000, 4]] {
            let index = LibraryIndex(tracks: ids.map(Self.row))
            for (position, id) in ids.enumerated() {
                #expect(index.position(of: id) == position)
                #expect(index.track(id: id)?.id == id)
            }
            for unknown: Int64 in [0, 6, -1, 1_000_000_000_001] where !ids.contains(unknown) {
                #expect(index.position(of: unknown) == nil)
            }
        }
    }
}

@Suite("hum remote status")
struct RemoteStatusTests {
    @Test("Stopped with nothing queued: the status, the queue, the settings and the view, no track")
    func stopped() {
        let lines = RemoteStatus.lines(loaded())
        #expect(lines.first == "status stopped")
        #expect(!lines.contains { $0.hasPrefix("file ") || $0.hasPrefix("tag ") || $0.hasPrefix("position ") })
        #expect(lines.contains("queue 0/0"))
        #expect(lines.contains("set volume 100"))
        #expect(lines.contains("set repeat false") && lines.contains("set repeat_current false") && lines.contains("set continue true"))
        #expect(lines.contains("view library"))
    }

    @Test("Playing: cmus-remote -Q's fields for the track, its place in the queue, and the filter; a tag's line break does not start a field")
    func playing() {
        var state = loaded()
        _ = state.handle(.key(.enter))
        _ = state.handle(.player(.started(entryID: state.queue.entries[0].id, duration: 61.6)))
        _ = state.handle(.player(.progressed(entryID: state.queue.entries[0].id, position: 12.7, duration: 61.6)))
        state.queue.entries[0].track.genre = "Rock\nstatus stopped"
        state.filter.text = "year:>1990"
        let lines = RemoteStatus.lines(state)
        #expect(lines.first == "status playing")
        #expect(lines.contains("file /m/0/0.flac"))
        #expect(lines.contains("duration 62"))
        #expect(lines.contains("position 12"))
        #expect(lines.contains("tag title Song 1"))
        #expect(lines.contains("tag artist Alpha"))
        #expect(lines.contains("tag album Album 0"))
        #expect(lines.contains("tag tracknumber 1"))
        #expect(lines.contains("tag date 1990"))
        #expect(lines.contains("tag genre Rock status stopped"))
        #expect(lines.filter { $0.hasPrefix("status ") } == ["status playing"])
        #expect(lines.contains("queue 1/8"))
        #expect(lines.contains("filter year:>1990"))
    }
}

@Suite("The Tracks view's sort")
struct TrackSortTests {
    static func rows() -> [TrackRow] {
        let titles = ["Zoë", "émilie", "Emilie", "apple", "Äpfel", "banana"]
        let years: [Int?] = [2001, nil, 1999, 2001, 1980, nil]
        return titles.indices.map { i in
            TrackRow(id: Int64(i + 1), path: "/m/\(titles.count - i).flac", title: titles[i], artist: "A", album: "B",
                     year: years[i], genre: i % 2 == 0 ? "Jazz" : "jazz", duration: Double(100 - i))
        }
    }

    func sorted(_ command: String, filter: [Int]? = nil) throws -> [String] {
        var state = AppState(rows: 24, columns: 80)
        _ = state.handle(.libraryLoaded(Self.rows()))
        _ = state.handle(.command(.showView(.tracks)))
        if let filter {
            state.filter.generation += 1
            _ = state.handle(.filterResults(generation: state.filter.generation, positions: filter))
        }
        _ = state.handle(.command(try CommandLineParser.parse(command)))
        return state.tracksView.order.map { state.library.tracks[$0].title }
    }

    @Test("Titles sort ignoring case and accents, ties in library order; descending reverses")
    func titles() throws {
        // "Äpfel" folds to "apfel", before "apple".
        #expect(try sorted("sort title") == ["Äpfel", "apple", "banana", "émilie", "Emilie", "Zoë"])
        #expect(try sorted("sort title desc") == ["Zoë", "Emilie", "émilie", "banana", "apple", "Äpfel"])
    }

    @Test("Years as numbers, none first; paths byte by byte; genres folded with ties in library order")
    func otherColumns() throws {
        #expect(try sorted("sort year") == ["émilie", "banana", "Äpfel", "Emilie", "Zoë", "apple"])
        // Paths run /m/6.flac … /m/1.flac in library order.
        #expect(try sorted("sort path") == ["banana", "Äpfel", "apple", "Emilie", "émilie", "Zoë"])
        #expect(try sorted("sort genre") == ["Zoë", "émilie", "Emilie", "apple", "Äpfel", "banana"])
        #expect(try sorted("sort duration") == ["banana", "Äpfel", "apple", "Emilie", "émilie", "Zoë"])
    }

    @Test("A filtered part of the library sorts by the same ranks")
    func filtered() throws {
        #expect(try sorted("sort title", filter: [0, 2, 4]) == ["Äpfel", "Emilie", "Zoë"])
    }
}

@Suite("enqueue PATH")
struct EnqueueFileTests {
    @Test("enqueue PATH asks for the file's tracks (~ expanded), which then go to the end of the queue")
    func enqueueFile() throws {
        var state = loaded()
        state.homeDirectory = "/home/ana"
        _ = state.handle(.key(.enter))
        let before = state.queue.entries.count
        #expect(state.handle(.command(try CommandLineParser.parse("enqueue ~/x.flac"))) == [.queueFile(path: "/home/ana/x.flac")])
        let track = TrackRow(id: 99, path: "/home/ana/x.flac", title: "X", artist: "Y", album: "Z")
        _ = state.handle(.tracksToPlay([track], replace: false))
        #expect(state.queue.entries.count == before + 1)
        #expect(state.queue.entries.last?.track.id == 99)
        #expect(state.queue.current == 0, "the track playing goes on")
    }
}

@Suite("The engine's queue ends before the app's")
struct EngineQueueEndTests {
    @Test("Played faster than the app could say what follows: the queue goes on from the next entry")
    func goesOn() {
        var state = loaded()
        _ = state.handle(.key(.enter))
        let entries = state.queue.entries
        _ = state.handle(.player(.started(entryID: entries[0].id, duration: 60)))
        _ = state.handle(.player(.started(entryID: entries[1].id, duration: 60)))
        let effects = state.handle(.player(.queueFinished))
        guard case .startPlayback(let window, 0) = effects.first else { Issue.record("no playback: \(effects)"); return }
        #expect(window.map(\.id) == [entries[2].id, entries[3].id])
        #expect(state.player.status == .playing)
        #expect(state.queue.current == 2)
    }

    @Test("At the real end, or when the entry asked for never started (every file failing), it stops")
    func stops() {
        var state = loaded()
        _ = state.handle(.key(.enter))
        let entries = state.queue.entries
        _ = state.handle(.player(.started(entryID: entries[entries.count - 1].id, duration: 60)))
        #expect(state.handle(.player(.queueFinished)) == [])
        #expect(state.player.status == .stopped)

        var failing = loaded()
        _ = failing.handle(.key(.enter))
        _ = failing.handle(.player(.failed(entryID: failing.queue.entries[0].id, message: "broken")))
        _ = failing.handle(.player(.failed(entryID: failing.queue.entries[1].id, message: "broken")))
        #expect(failing.handle(.player(.queueFinished)) == [])
        #expect(failing.player.status == .stopped)
    }
}
