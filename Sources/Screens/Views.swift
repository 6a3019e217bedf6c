import AppCore
import TerminalUI

/// The row of a track in a list: mark, number or position, title, artist, album, duration.
enum TrackLine {
    static func cells(_ track: TrackRow, number: String, width: Int, showAlbum: Bool, marked: Bool) -> [(String, Int)] {
        let numberWidth = 5
        let durationWidth = 7
        let rest = max(0, width - 2 - numberWidth - durationWidth)
        let mark = marked ? "*" : " "
        if showAlbum && rest >= 60 {
            let title = rest * 2 / 5, artist = rest * 3 / 10
            return [(mark, 2), (number, numberWidth), (track.title, title), (track.artist, artist),
                    (track.album, rest - title - artist), (rightAligned(clock(track.duration), durationWidth - 1), durationWidth)]
        }
        if rest >= 30 {
            let title = rest * 3 / 5
            return [(mark, 2), (number, numberWidth), (track.title, title), (track.artist, rest - title),
                    (rightAligned(clock(track.duration), durationWidth - 1), durationWidth)]
        }
        return [(mark, 2), (track.title, max(1, width - 2 - durationWidth)), (rightAligned(clock(track.duration), durationWidth - 1), durationWidth)]
    }

    static func role(_ track: TrackRow, state: AppState) -> ThemeRole {
        if state.marks.contains(track.id) { return .marked }
        if state.queue.currentEntry?.track.id == track.id { return .playing }
        return .text
    }

    static func trackNumber(_ track: TrackRow) -> String {
        guard let number = track.trackNumber else { return "" }
        return rightAligned("\(number).", 3)
    }
}

/// 1: artists and their albums on the left, the selected artist's or album's tracks on the right.
enum LibraryView {
    static func draw(_ canvas: inout Canvas, state: AppState, in rect: Rect) {
        guard !state.library.tracks.isEmpty else { return EmptyLibrary.draw(&canvas, in: rect) }
        let (left, right) = rect.splitLeft(Layout.leftPaneWidth(columns: rect.width))
        let view = state.libraryView
        let heading = "Artist / Album" + (view.artists.isEmpty ? "" : " (\(view.artists.count))")
        ListDrawer.draw(&canvas, rect: Rect(row: left.row, column: left.column, height: left.height, width: left.width - 1),
                        heading: [(heading, left.width)], count: view.rows.count, cursor: view.treeCursor,
                        focused: view.focus == .tree, empty: "no match for the filter") { index, _ in
            switch view.rows[index] {
            case .artist(let a):
                let artist = view.artists[a]
                let sign = view.expanded.contains(artist.name) ? "▾ " : "▸ "
                return ([(sign + artist.name, left.width)], .text)
            case .album(let a, let b):
                let album = view.artists[a].albums[b]
                return ([("    " + album.title + (album.year.map { " (\($0))" } ?? ""), left.width)], .text)
            }
        }
        for row in left.row..<left.maxRow { canvas.text("│", row: row, column: left.maxColumn - 1, width: 1, role: .border) }
        let positions = state.selectedTreePositions()
        let tracks = state.library.tracks
        ListDrawer.draw(&canvas, rect: right, heading: [("", 7), ("Title", max(1, right.width - 7 - 7)), ("", 7)],
                        count: positions.count, cursor: view.trackCursor, focused: view.focus == .tracks,
                        empty: "") { index, area in
            let track = tracks[positions[index]]
            return (TrackLine.cells(track, number: TrackLine.trackNumber(track), width: area.width, showAlbum: false,
                                    marked: state.marks.contains(track.id)), TrackLine.role(track, state: state))
        }
    }
}

/// What an empty library says: how to add music.
enum EmptyLibrary {
    static func draw(_ canvas: inout Canvas, in rect: Rect) {
        let lines = [
            "Your library is empty.",
            "",
            "Add a folder of music:   :add ~/Music   (Tab completes paths)",
            "or browse to one with 5 and press a on it.",
            "From a shell:            hum scan ~/Music",
            "",
            "? lists every key and command.",
        ]
        for (offset, line) in lines.enumerated() where offset + 1 < rect.height {
            canvas.text(line, row: rect.row + 1 + offset, column: rect.column + 2, width: rect.width - 2,
                        role: offset == 0 ? .title : .text)
        }
    }
}

/// 2: every track (that the filter lets through), in sortable columns.
enum TracksView {
    static func draw(_ canvas: inout Canvas, state: AppState, in rect: Rect) {
        guard !state.library.tracks.isEmpty else { return EmptyLibrary.draw(&canvas, in: rect) }
        let view = state.tracksView
        let tracks = state.library.tracks
        let widths = columnWidths(rect.width)
        let arrow = view.descending ? "▼" : "▲"
        func head(_ name: String, _ column: SortColumn) -> String { view.sort == column ? "\(name) \(arrow)" : name }
        let heading: [(String, Int)] = [("", 2), (head("Artist", .artist), widths.artist), (head("Album", .album), widths.album),
                                        (head("#", .track), 4), (head("Title", .title), widths.title),
                                        (head("Year", .year), widths.year), (head("Genre", .genre), widths.genre),
                                        (head("Time", .duration), 7)]
        ListDrawer.draw(&canvas, rect: rect, heading: heading, count: view.order.count, cursor: view.cursor, focused: true,
                        empty: "no track matches the filter") { index, _ in
            let track = tracks[view.order[index]]
            let marked = state.marks.contains(track.id)
            return ([(marked ? "*" : " ", 2), (track.artist, widths.artist), (track.album, widths.album),
                     (track.trackNumber.map(String.init) ?? "", 4), (track.title, widths.title),
                     (track.year.map(String.init) ?? "", widths.year), (track.genre, widths.genre),
                     (rightAligned(clock(track.duration), 6), 7)], TrackLine.role(track, state: state))
        }
    }

    static func columnWidths(_ width: Int) -> (artist: Int, album: Int, title: Int, year: Int, genre: Int) {
        let flexible = max(0, width - 2 - 4 - 7)
        if flexible >= 100 {
            let year = 6, genre = flexible / 8
            let rest = flexible - year - genre
            return (rest * 3 / 10, rest * 3 / 10, rest - 2 * (rest * 3 / 10), year, genre)
        }
        return (flexible * 3 / 10, flexible * 3 / 10, flexible - 2 * (flexible * 3 / 10), 0, 0)
    }
}

/// 3: the playlists on the left (smart ones marked), the selected one's tracks on the right.
enum PlaylistsView {
    static func draw(_ canvas: inout Canvas, state: AppState, in rect: Rect) {
        let (left, right) = rect.splitLeft(Layout.leftPaneWidth(columns: rect.width))
        let view = state.playlistsView
        let lists = view.playlists
        ListDrawer.draw(&canvas, rect: Rect(row: left.row, column: left.column, height: left.height, width: left.width - 1),
                        heading: [("Playlists (\(lists.count))", left.width)], count: lists.count, cursor: view.listCursor,
                        focused: view.focus == .tree, empty: ":pl-create NAME") { index, _ in
            let list = lists[index]
            let count = list.isSmart ? "smart" : "\(list.trackIDs.count)"
            let countWidth = DisplayWidth.of(count) + 1
            return ([(" " + list.name, max(1, left.width - 1 - countWidth)), (count, countWidth)], .text)
        }
        for row in left.row..<left.maxRow { canvas.text("│", row: row, column: left.maxColumn - 1, width: 1, role: .border) }
        guard let list = state.selectedPlaylist() else { return }
        let tracks = state.tracks(of: list)
        let title = list.filter.map { "\(list.name) — filter: \($0)" } ?? list.name
        ListDrawer.draw(&canvas, rect: right, heading: [(" " + title, right.width)], count: tracks.count,
                        cursor: view.itemCursor, focused: view.focus == .tracks,
                        empty: list.isSmart ? "nothing matches this filter yet" : "empty: choose tracks in 1 or 2 and press y") { index, area in
            let track = tracks[index]
            return (TrackLine.cells(track, number: rightAligned("\(index + 1).", 4), width: area.width, showAlbum: true,
                                    marked: state.marks.contains(track.id)), TrackLine.role(track, state: state))
        }
    }
}

/// 4: the play queue, the entry playing marked.
enum QueueView {
    static func draw(_ canvas: inout Canvas, state: AppState, in fullRect: Rect) {
        var rect = fullRect
        // The taste model's "up next", under the queue when there is room for it.
        if !state.suggestions.isEmpty, fullRect.height >= 8 + state.suggestions.count {
            let (top, bottom) = fullRect.splitBottom(state.suggestions.count + 1)
            rect = top
            let key = state.keyMap.keyName(for: .enqueueSuggestions).map { "\($0) queues them" } ?? ":suggested queues them"
            canvas.text(" Up next, by your taste (\(key)):", row: bottom.row, column: bottom.column, width: bottom.width,
                        role: .header)
            for (offset, track) in state.suggestions.enumerated() {
                canvas.text("   \(track.title) — \(track.artist)", row: bottom.row + 1 + offset, column: bottom.column,
                            width: bottom.width, role: .statusDim)
            }
        }
        let entries = state.queue.entries
        let total = entries.reduce(0.0) { $0 + ($1.track.duration ?? 0) }
        ListDrawer.draw(&canvas, rect: rect, heading: [(" Queue: \(entries.count) tracks, \(clock(total))", rect.width)],
                        count: entries.count, cursor: state.queueCursor, focused: true,
                        empty: "empty: e adds the selection, E adds it to play next") { index, area in
            let entry = entries[index]
            let playing = index == state.queue.current
            var cells = TrackLine.cells(entry.track, number: rightAligned("\(index + 1).", 4), width: area.width,
                                        showAlbum: true, marked: state.marks.contains(entry.track.id))
            if playing { cells[0].0 = state.player.status == .paused ? "⏸" : "▶" }
            return (cells, playing ? .playing : state.marks.contains(entry.track.id) ? .marked : .text)
        }
    }
}

/// 5: the file system, for playing or adding what is not in the library.
enum BrowserView {
    static func draw(_ canvas: inout Canvas, state: AppState, in rect: Rect) {
        let entries = state.browser.entries
        ListDrawer.draw(&canvas, rect: rect, heading: [(" " + state.browser.path + "   (Enter opens or plays, a adds to the library)", rect.width)],
                        count: entries.count, cursor: state.browser.cursor, focused: true, empty: "empty folder") { index, _ in
            let entry = entries[index]
            return ([(" " + entry.name + (entry.isFolder && entry.name != ".." ? "/" : ""), rect.width)], entry.isFolder ? .accent : .text)
        }
    }
}

/// 6: every setting, its value and what it does; Enter changes it.
enum SettingsView {
    static func draw(_ canvas: inout Canvas, state: AppState, in rect: Rect) {
        let settings = state.settings
        let keyWidth = min(max(12, (settings.map { DisplayWidth.of($0.key) }.max() ?? 0) + 2), rect.width / 3)
        let valueWidth = min(22, rect.width / 4)
        ListDrawer.draw(&canvas, rect: rect, heading: [(" Setting", keyWidth), ("Value", valueWidth), ("Enter changes it; :set key=value", rect.width)],
                        count: settings.count, cursor: state.settingsCursor, focused: true, empty: "no settings") { index, _ in
            let entry = settings[index]
            return ([(" " + entry.key, keyWidth), (entry.value, valueWidth), (entry.summary, rect.width)], .text)
        }
    }
}

/// 7: what hum keeps about you, and the switches over it.
enum PrivacyView {
    static func draw(_ canvas: inout Canvas, state: AppState, in rect: Rect) {
        let privacy = state.privacy, sync = privacy.sync
        let intro = [
            "Everything hum knows about you is in one file on this machine.",
            sync.enabled ? "Sync is on: only the noised reports listed below leave it." : "Nothing leaves it: sync is off.",
            "Enter switches or runs the line under the cursor.",
        ]
        let top = PrivacyState.rowsTop(height: rect.height)
        for (offset, line) in intro.enumerated() where offset + 1 < top {
            canvas.text(" " + line, row: rect.row + offset, column: rect.column, width: rect.width, role: offset == 2 ? .dim : .title)
        }
        let rows: [(String, String)] = [
            ("Collect listening history", privacy.collectHistory ? "on" : "off — nothing is recorded"),
            ("Private session", privacy.privateSession ? "on — nothing is recorded until you end it" : "off"),
            ("Opt-in sync", sync.enabled
                ? "on, to \(sync.server ?? "?") — \(sync.waiting) waiting, \(sync.sent) sent"
                : "off — Enter asks first" + (sync.server.map { ", to \($0)" } ?? "; or :sync on HOST:PORT")),
            ("Export everything hum holds", "to ~/hum-export (listens as ListenBrainz JSON lines)"),
            ("Forget all history", "listens, events, likes and stats, erased for good (asks first)"),
        ]
        let list = Rect(row: rect.row + top, column: rect.column, height: min(rows.count, max(0, rect.height - top)), width: rect.width)
        ListDrawer.draw(&canvas, rect: list, heading: nil, count: rows.count, cursor: privacy.cursor, focused: true, empty: "") { index, _ in
            ([(" " + rows[index].0, 30), (rows[index].1, rect.width)], .text)
        }
        let budget = String(format: "Budget: ε %.2f of %.2f spent in 24 hours, %.2f of %.2f in 30 days.",
                            sync.daySpent, sync.dayCap, sync.monthSpent, sync.monthCap)
        let notes = SyncSummary.whatIsSent + [budget]
        for (offset, line) in notes.enumerated() where list.row + list.height + 1 + offset < rect.row + rect.height {
            canvas.text(" " + line, row: list.row + list.height + 1 + offset, column: rect.column, width: rect.width,
                        role: offset == 0 ? .text : .dim)
        }
    }
}

/// `?`: every key and command, from the live key map, scrollable.
enum HelpView {
    static func lines(_ state: AppState) -> [(text: String, role: ThemeRole)] {
        var lines: [(String, ThemeRole)] = []
        for section in state.keyMap.helpSections() {
            lines.append((section.title, .header))
            for row in section.rows { lines.append(("  " + DisplayWidth.padded(row.keys, to: 18) + " " + row.summary, .text)) }
            lines.append(("", .text))
        }
        lines.append(("Commands (type : then the command; Tab completes)", .header))
        for spec in CommandLineParser.specs {
            let synopsis = spec.arguments.isEmpty ? spec.name : spec.name + " " + spec.arguments
            lines.append(("  :" + DisplayWidth.padded(synopsis, to: 26) + " " + spec.summary, .text))
        }
        lines.append(("From a shell, `hum remote COMMAND` runs any of these here; `hum remote status` says what plays.", .dim))
        lines.append(("", .text))
        lines.append(("Filters: words, each the start of a word (bjo finds Björk), and field:value with artist albumartist", .dim))
        lines.append(("  album title genre year track disc duration path format (path and format: anywhere);", .dim))
        lines.append(("  year:>1995  year:1990..1999  duration:<3:00  -genre:jazz  artist:\"nina simone\"", .dim))
        lines.append(("  plays:>5  skips:>=3  played:<30d  liked:yes  disliked:no   (your listening)", .dim))
        return lines
    }

    static func draw(_ canvas: inout Canvas, state: AppState, in rect: Rect) {
        let all = lines(state)
        let (top, body) = rect.splitTop(1)
        canvas.fill(top, role: .header)
        canvas.text(" Help — j/k scroll, Esc or ? leaves", row: top.row, column: top.column, width: top.width, role: .header)
        let scroll = min(state.help.scroll, max(0, all.count - body.height))
        for offset in 0..<body.height where scroll + offset < all.count {
            let line = all[scroll + offset]
            canvas.text(" " + line.text, row: body.row + offset, column: body.column, width: body.width, role: line.role)
        }
    }
}

/// `w`: why this song plays, in a box over the lower right of the view.
enum WhyPanel {
    static func draw(_ canvas: inout Canvas, state: AppState, in rect: Rect) {
        let title = state.queue.currentEntry.map { "Why “\($0.track.title)”?" } ?? "Why this song?"
        let actions: [(Command, String)] = [(.feedback(.moreLikeThis), "more like this"), (.feedback(.lessLikeThis), "less"),
                                            (.feedback(.notAtThisHour), "not at this hour"), (.dislike, "never"),
                                            (.toggleWhy, "closes")]
        let keys = actions.compactMap { command, words in state.keyMap.keyName(for: command).map { "\($0) \(words)" } }
        let lines = [title] + state.whyLines + ["", keys.joined(separator: " · ")]
        let width = min(rect.width - 2, max(40, (lines.map { DisplayWidth.of($0) }.max() ?? 0) + 4))
        let height = min(rect.height, lines.count + 2)
        let box = Rect(row: rect.maxRow - height, column: rect.maxColumn - width, height: height, width: width)
        canvas.fill(box, role: .panel)
        canvas.text("┌" + String(repeating: "─", count: max(0, width - 2)) + "┐", row: box.row, column: box.column, width: width, role: .border)
        for offset in 1..<max(1, height - 1) {
            canvas.text("│", row: box.row + offset, column: box.column, width: 1, role: .border)
            canvas.text("│", row: box.row + offset, column: box.maxColumn - 1, width: 1, role: .border)
            if offset - 1 < lines.count {
                canvas.text(lines[offset - 1], row: box.row + offset, column: box.column + 2, width: width - 4,
                            role: offset == 1 ? .panelTitle : .panel)
            }
        }
        canvas.text("└" + String(repeating: "─", count: max(0, width - 2)) + "┘", row: box.maxRow - 1, column: box.column, width: width, role: .border)
    }
}
