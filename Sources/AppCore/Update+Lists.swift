import TerminalUI

/// The list that keys move in: each view has one, or two panes with one each.
public enum ListKind: Sendable, Equatable {
    case tree, libraryTracks, tracks, playlists, playlistItems, queue, browser, settings, privacy
}

extension AppState {
    // MARK: - The current list

    public var currentList: ListKind {
        switch view {
        case .library: libraryView.focus == .tree ? .tree : .libraryTracks
        case .tracks: .tracks
        case .playlists: playlistsView.focus == .tree ? .playlists : .playlistItems
        case .queue: .queue
        case .browser: .browser
        case .settings: .settings
        case .privacy: .privacy
        }
    }

    public func count(of list: ListKind) -> Int {
        switch list {
        case .tree: libraryView.rows.count
        case .libraryTracks: selectedTreePositions().count
        case .tracks: tracksView.order.count
        case .playlists: playlistsView.playlists.count
        case .playlistItems: selectedPlaylistTrackIDs().count
        case .queue: queue.entries.count
        case .browser: browser.entries.count
        case .settings: settings.count
        case .privacy: PrivacyState.Row.allCases.count
        }
    }

    public func cursor(of list: ListKind) -> ListCursor {
        switch list {
        case .tree: libraryView.treeCursor
        case .libraryTracks: libraryView.trackCursor
        case .tracks: tracksView.cursor
        case .playlists: playlistsView.listCursor
        case .playlistItems: playlistsView.itemCursor
        case .queue: queueCursor
        case .browser: browser.cursor
        case .settings: settingsCursor
        case .privacy: privacy.cursor
        }
    }

    mutating func setCursor(_ cursor: ListCursor, of list: ListKind) {
        switch list {
        case .tree:
            let changed = cursor.index != libraryView.treeCursor.index
            libraryView.treeCursor = cursor
            if changed { libraryView.trackCursor = ListCursor() }
        case .libraryTracks: libraryView.trackCursor = cursor
        case .tracks: tracksView.cursor = cursor
        case .playlists:
            let changed = cursor.index != playlistsView.listCursor.index
            playlistsView.listCursor = cursor
            if changed { playlistsView.itemCursor = ListCursor() }
        case .playlistItems: playlistsView.itemCursor = cursor
        case .queue: queueCursor = cursor
        case .browser: browser.cursor = cursor
        case .settings: settingsCursor = cursor
        case .privacy: privacy.cursor = cursor
        }
    }

    public var currentCursor: ListCursor { cursor(of: currentList) }

    /// Rows a list shows at once (the Privacy view's rows sit under a paragraph of text).
    func height(of list: ListKind) -> Int {
        list == .privacy ? max(1, min(PrivacyState.Row.allCases.count, listHeight + 1 - PrivacyState.rowsTop(height: listHeight + 1)))
            : listHeight
    }

    mutating func moveCursor(_ move: CursorMove) {
        let list = currentList
        let count = count(of: list)
        var cursor = cursor(of: list)
        guard count > 0 else { return setCursor(ListCursor(), of: list) }
        let height = height(of: list)
        switch move {
        case .up: cursor.index -= 1
        case .down: cursor.index += 1
        case .top: cursor.index = 0
        case .bottom: cursor.index = count - 1
        case .halfPageDown, .halfPageUp:
            // As in vim: the view and the cursor move together by half a screen.
            let step = max(1, height / 2) * (move == .halfPageDown ? 1 : -1)
            cursor.index += step
            cursor.top += step
        case .pageDown:
            cursor.index += height
            cursor.top += height
        case .pageUp:
            cursor.index -= height
            cursor.top -= height
        case .visibleRow(let row):
            guard cursor.top + row < count else { return }
            cursor.index = cursor.top + row
        case .scroll(let rows):
            cursor.top += rows
            cursor.top = min(max(0, cursor.top), max(0, count - height))
            cursor.index = min(max(cursor.index, cursor.top), cursor.top + height - 1)
        }
        setCursor(Self.clamped(cursor, count: count, height: height), of: list)
    }

    static func clamped(_ cursor: ListCursor, count: Int, height: Int) -> ListCursor {
        guard count > 0 else { return ListCursor() }
        var c = cursor
        c.index = min(max(c.index, 0), count - 1)
        c.top = min(max(c.top, 0), max(0, count - height))
        if c.index < c.top { c.top = c.index }
        if c.index >= c.top + height { c.top = c.index - height + 1 }
        return c
    }

    func fitted(_ cursor: ListCursor, count: Int) -> ListCursor {
        Self.clamped(cursor, count: count, height: listHeight)
    }

    mutating func clampAllCursors() {
        let lists: [ListKind] = [.tree, .libraryTracks, .tracks, .playlists, .playlistItems, .queue, .browser, .settings, .privacy]
        for list in lists {
            setCursorKeepingPane(Self.clamped(cursor(of: list), count: count(of: list), height: height(of: list)), of: list)
        }
    }

    /// Like `setCursor`, without resetting the pane to the right (a resize moves nothing).
    private mutating func setCursorKeepingPane(_ cursor: ListCursor, of list: ListKind) {
        switch list {
        case .tree: libraryView.treeCursor = cursor
        case .playlists: playlistsView.listCursor = cursor
        default: setCursor(cursor, of: list)
        }
    }

    /// Puts the cursor of `list` on row `index`, scrolling only if the row is out of view, and then so
    /// that it is in the middle (a jump lands where the eye looks, not on the bottom row).
    mutating func place(_ index: Int, in list: ListKind) {
        let height = height(of: list)
        var cursor = cursor(of: list)
        cursor.index = index
        if index < cursor.top || index >= cursor.top + height { cursor.top = index - height / 2 }
        setCursor(Self.clamped(cursor, count: count(of: list), height: height), of: list)
    }

    /// `i` (cmus's `win-sel-cur`): the cursor to the queue entry playing in the Queue view, to its track in
    /// the Tracks view or in the selected playlist (or the first that holds it), and in the Library view,
    /// which the other views go to, its artist opened, its album and the track selected. Says so when
    /// nothing plays or the filter hides the track.
    mutating func showPlaying() {
        guard let current = queue.current, let entry = queue.currentEntry else {
            message = StatusMessage(text: "nothing is playing", isError: false)
            return
        }
        let id = entry.track.id, title = entry.track.title.isEmpty ? entry.track.path : entry.track.title
        let hidden = StatusMessage(text: "\(title) is hidden by the filter (:filter with nothing clears it)", isError: false)
        switch view {
        case .queue:
            place(current, in: .queue)
        case .playlists:
            let lists = playlistsView.playlists
            let selected = playlistsView.listCursor.index
            let order = lists.indices.contains(selected) ? [selected] + lists.indices.filter { $0 != selected } : Array(lists.indices)
            guard let list = order.first(where: { lists[$0].trackIDs.contains(id) }),
                  let row = lists[list].trackIDs.firstIndex(of: id) else {
                message = StatusMessage(text: "\(title) is in no playlist", isError: false)
                return
            }
            if list != selected { place(list, in: .playlists) }
            playlistsView.focus = .tracks
            place(row, in: .playlistItems)
        case .tracks:
            ensureTracksOrder()
            guard let position = library.position(of: id), let row = tracksView.order.firstIndex(of: position) else {
                message = library.position(of: id) == nil ? StatusMessage(text: "\(title) is not in the library", isError: false) : hidden
                return
            }
            place(row, in: .tracks)
        case .library, .browser, .settings, .privacy:
            view = .library
            help.isShown = false
            guard let position = library.position(of: id) else {
                message = StatusMessage(text: "\(title) is not in the library", isError: false)
                return
            }
            // Each artist's positions, and each album's, are runs of the sorted visible positions.
            guard let artist = libraryView.artists.firstIndex(where: { $0.positions.contains(position) }),
                  let album = libraryView.artists[artist].albums.firstIndex(where: { $0.positions.contains(position) }),
                  let offset = libraryView.artists[artist].albums[album].positions.firstIndex(of: position)
            else {
                message = hidden
                return
            }
            let name = libraryView.artists[artist].name
            if !libraryView.expanded.contains(name) {
                libraryView.expanded.insert(name)
                rebuildTreeRows()
            }
            guard let row = libraryView.rows.firstIndex(of: .album(artist: artist, album: album)) else { return }
            place(row, in: .tree)
            libraryView.focus = .tracks
            place(offset - libraryView.artists[artist].albums[album].positions.startIndex, in: .libraryTracks)
        }
    }

    // MARK: - The library tree and the track list

    /// Library positions the filter lets through, in library order.
    public var visiblePositions: [Int] { filter.visible ?? Array(library.tracks.indices) }

    /// Regroups the tree and re-sorts the Tracks view after the library or the filter changed, keeping
    /// the cursor on the artist it was on when that artist is still there.
    mutating func rebuildViews() {
        let selectedArtist = selectedTreeArtist()?.name
        libraryView.artists = filter.visible.map { Self.group(library, positions: $0) } ?? library.wholeTree
        rebuildTreeRows()
        if let selectedArtist, let row = libraryView.rows.firstIndex(of: .artist(libraryView.artists.firstIndex { $0.name == selectedArtist } ?? -1)) {
            libraryView.treeCursor.index = row
        }
        libraryView.treeCursor = fitted(libraryView.treeCursor, count: libraryView.rows.count)
        libraryView.trackCursor = fitted(libraryView.trackCursor, count: selectedTreePositions().count)
        tracksView.order = []
        if view == .tracks { ensureTracksOrder() }
        filter.viewsAreCurrent = true
    }

    /// Artists and their albums, from positions in library order (the store sorts by album artist, album,
    /// disc, track, so each artist's and each album's tracks are consecutive).
    ///
    /// Built for every keystroke of the live filter, over up to the whole library: all albums go into
    /// one array that the artists slice (one allocation, not one per artist), and names and titles are
    /// read from the rows in place rather than through a copy of each row.
    static func group(_ index: LibraryIndex, positions: [Int]) -> [ArtistNode] {
        var albums: [AlbumNode] = []
        // Each artist's first position and first album, in order.
        var artistStarts: [(position: Int, album: Int)] = []
        let tracks = index.tracks
        var albumStart = 0
        func closeAlbum(at end: Int) {
            guard albumStart < end else { return }
            let first = positions[albumStart]
            albums.append(AlbumNode(title: tracks[first].album.isEmpty ? LibraryIndex.unknownAlbum : tracks[first].album,
                                    year: tracks[first].year, positions: positions[albumStart..<end]))
            albumStart = end
        }
        var artist: Int32 = -1, album: Int32 = -1
        // Read through locals: the index's arrays are not retained and released for every track.
        let artistOrdinal = index.artistOrdinal, albumOrdinal = index.albumOrdinal
        for (offset, position) in positions.enumerated() {
            let a = artistOrdinal[position], b = albumOrdinal[position]
            if a != artist || b != album { closeAlbum(at: offset) }
            if a != artist { artistStarts.append((offset, albums.count)) }
            artist = a
            album = b
        }
        closeAlbum(at: positions.count)
        var artists: [ArtistNode] = []
        artists.reserveCapacity(artistStarts.count)
        for (number, start) in artistStarts.enumerated() {
            let next = number + 1 < artistStarts.count ? artistStarts[number + 1] : (position: positions.count, album: albums.count)
            let first = positions[start.position]
            artists.append(ArtistNode(name: tracks[first].albumArtist.isEmpty ? LibraryIndex.unknownArtist : tracks[first].albumArtist,
                                      albums: albums[start.album..<next.album],
                                      positions: positions[start.position..<next.position]))
        }
        return artists
    }

    mutating func rebuildTreeRows() {
        var rows: [TreeRow] = []
        rows.reserveCapacity(libraryView.artists.count)
        for (index, artist) in libraryView.artists.enumerated() {
            rows.append(.artist(index))
            if libraryView.expanded.contains(artist.name) {
                for album in artist.albums.indices { rows.append(.album(artist: index, album: album)) }
            }
        }
        libraryView.rows = rows
    }

    func selectedTreeArtist() -> ArtistNode? {
        guard libraryView.rows.indices.contains(libraryView.treeCursor.index) else { return nil }
        switch libraryView.rows[libraryView.treeCursor.index] {
        case .artist(let a), .album(let a, _): return libraryView.artists.indices.contains(a) ? libraryView.artists[a] : nil
        }
    }

    /// The tracks the right pane of the Library view shows: the album, or all of the artist's.
    public func selectedTreePositions() -> [Int] {
        guard libraryView.rows.indices.contains(libraryView.treeCursor.index) else { return [] }
        switch libraryView.rows[libraryView.treeCursor.index] {
        case .artist(let a): return Array(libraryView.artists[a].positions)
        case .album(let a, let b): return Array(libraryView.artists[a].albums[b].positions)
        }
    }

    mutating func toggleExpand() {
        guard view == .library, let artist = selectedTreeArtist() else { return }
        let artistIndex = libraryView.artists.firstIndex { $0.name == artist.name } ?? 0
        if libraryView.expanded.contains(artist.name) { libraryView.expanded.remove(artist.name) } else { libraryView.expanded.insert(artist.name) }
        rebuildTreeRows()
        libraryView.treeCursor.index = libraryView.rows.firstIndex(of: .artist(artistIndex)) ?? 0
        libraryView.treeCursor = fitted(libraryView.treeCursor, count: libraryView.rows.count)
    }

    mutating func ensureTracksOrder() {
        guard tracksView.order.isEmpty, !library.tracks.isEmpty else { return }
        sortTracks()
    }

    mutating func sortTracks() {
        var order = visiblePositions
        let column = tracksView.sort
        // Library order is artist order already: only the other columns need a sort.
        if column != .artist {
            let ranks = library.sortRanks(by: column)
            order.sort { ranks[$0] < ranks[$1] }
        }
        if tracksView.descending { order.reverse() }
        tracksView.order = order
        tracksView.cursor = fitted(tracksView.cursor, count: order.count)
    }

    // MARK: - Filter

    /// The largest answer narrowed in memory (about 0.5 ms of scanning at most); larger ones ask the index.
    static let narrowingLimit = 8192

    mutating func applyFilter(_ text: String) -> [Effect] {
        // The answer on screen, when it is the whole answer for the text shown over this library.
        let shown = filter.isPending || filter.error != nil || !filter.viewsAreCurrent ? nil
            : filter.visible.flatMap { visible in (try? FilterExpression.parse(filter.text)).map { (visible, $0) } }
        filter.text = text
        filter.generation += 1
        let expression: FilterExpression
        do {
            expression = try FilterExpression.parse(text)
        } catch {
            filter.error = "\(error)"
            filter.answered = filter.generation
            return []
        }
        filter.error = nil
        guard !expression.isEmpty else {
            filter.answered = filter.generation
            filter.visible = nil
            rebuildViews()
            return []
        }
        // A key that types the last word further: narrowed in memory from the answer on screen, when
        // that is small and plain enough to decide here (a few hundred tracks: microseconds, where the
        // index's round trip through the filter thread took about a millisecond).
        if let (visible, previous) = shown, visible.count <= Self.narrowingLimit,
           let word = expression.narrowedWord(from: previous),
           let narrowed = IndexWords.narrow(visible, to: word, in: library) {
            showFilterAnswer(narrowed)
            return []
        }
        return [.runFilter(generation: filter.generation, expression)]
    }

    /// Shows the answer for the filter's current generation; an answer equal to the one on screen over
    /// the same library leaves the views as they are (only the count is drawn again).
    mutating func showFilterAnswer(_ positions: [Int]) {
        let unchanged = filter.viewsAreCurrent && filter.visible == positions
        filter.visible = positions
        filter.answered = filter.generation
        filter.error = nil
        if !unchanged { rebuildViews() }
    }

    // MARK: - What an action acts on

    /// The tracks under the cursor: a track, or an album's or artist's tracks, or a playlist's.
    func selectionTrackIDs() -> [Int64] {
        switch currentList {
        case .tree: return selectedTreePositions().map { library.tracks[$0].id }
        case .libraryTracks:
            let positions = selectedTreePositions()
            return positions.indices.contains(libraryView.trackCursor.index) ? [library.tracks[positions[libraryView.trackCursor.index]].id] : []
        case .tracks:
            return tracksView.order.indices.contains(tracksView.cursor.index) ? [library.tracks[tracksView.order[tracksView.cursor.index]].id] : []
        case .playlists: return selectedPlaylist().map { tracks(of: $0).map(\.id) } ?? []
        case .playlistItems:
            let ids = selectedPlaylistTrackIDs()
            return ids.indices.contains(playlistsView.itemCursor.index) ? [ids[playlistsView.itemCursor.index]] : []
        case .queue:
            return queue.entries.indices.contains(queueCursor.index) ? [queue.entries[queueCursor.index].track.id] : []
        case .browser, .settings, .privacy: return []
        }
    }

    /// Every track the current list shows (all of it, not only the rows in view): what `:mark FILTER`
    /// and `:invert` work on. The artist tree's are all the tracks under it.
    func currentListTracks() -> [TrackRow] {
        switch currentList {
        case .tree: return visiblePositions.map { library.tracks[$0] }
        case .libraryTracks: return selectedTreePositions().map { library.tracks[$0] }
        case .tracks: return (tracksView.order.isEmpty ? visiblePositions : tracksView.order).map { library.tracks[$0] }
        case .playlists, .playlistItems: return selectedPlaylist().map(tracks(of:)) ?? []
        case .queue: return queue.entries.map(\.track)
        case .browser, .settings, .privacy: return []
        }
    }

    /// `:mark FILTER`: adds to the marks the current list's tracks that the expression matches, and says
    /// how many; a bad expression is named and marks nothing.
    mutating func markMatching(_ text: String) {
        let expression: FilterExpression
        do {
            expression = try FilterExpression.parse(text)
        } catch {
            message = StatusMessage(text: "bad filter: \(error)", isError: true)
            return
        }
        let matched = currentListTracks().filter { expression.matches($0, listening: listening) }.map(\.id)
        marks.formUnion(matched)
        message = StatusMessage(text: matched.isEmpty ? "no track here matches \(text)" : "\(matched.count) tracks marked",
                                isError: false)
    }

    /// What `e`, `y` and friends act on: the marked tracks in library order, else the selection.
    func actionTracks() -> [TrackRow] {
        if !marks.isEmpty {
            return marks.compactMap { library.position(of: $0) }.sorted().map { library.tracks[$0] }
        }
        return selectionTrackIDs().compactMap { library.track(id: $0) }
    }

    // MARK: - Playlists

    func playlistIndex(named name: String) -> Int? { playlistsView.playlists.firstIndex { $0.name == name } }
    func playlist(named name: String) -> PlaylistEntry? { playlistIndex(named: name).map { playlistsView.playlists[$0] } }

    public func selectedPlaylist() -> PlaylistEntry? {
        playlistsView.playlists.indices.contains(playlistsView.listCursor.index) ? playlistsView.playlists[playlistsView.listCursor.index] : nil
    }

    /// A playlist's tracks, in order (a smart playlist's as last resolved).
    public func tracks(of list: PlaylistEntry) -> [TrackRow] {
        list.trackIDs.compactMap { library.track(id: $0) }
    }

    public func selectedPlaylistTrackIDs() -> [Int64] { selectedPlaylist()?.trackIDs ?? [] }

    /// Gives every smart playlist the tracks its filter matches in the library now. Run when the library
    /// or the playlists change, not per frame: a filter over 100,000 rows costs milliseconds.
    mutating func resolveSmartPlaylists() {
        let tracks = library.tracks
        for index in playlistsView.playlists.indices {
            guard let text = playlistsView.playlists[index].filter else { continue }
            guard let expression = try? FilterExpression.parse(text) else {
                playlistsView.playlists[index].trackIDs = []
                continue
            }
            playlistsView.playlists[index].trackIDs = tracks.indices.filter { expression.matches(tracks[$0], listening: listening) }.map { tracks[$0].id }
        }
    }

    mutating func sortPlaylists(selecting name: String) {
        playlistsView.playlists.sort { $0.name.lowercased() < $1.name.lowercased() }
        playlistsView.listCursor.index = playlistIndex(named: name) ?? 0
        playlistsView.listCursor = fitted(playlistsView.listCursor, count: playlistsView.playlists.count)
    }

    mutating func recordUndo(_ what: String) {
        undo.append(UndoSnapshot(what: what, queue: queue, playlists: playlistsView.playlists))
        if undo.count > 50 { undo.removeFirst() }
    }
}
