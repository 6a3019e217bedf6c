/// What comes back on restart: the queue, the track and where in it, the view, its cursors and the
/// filter. Kept as JSON by the run loop; tracks are named by library id, so a rescan keeps them.
public struct SavedSession: Sendable, Equatable, Codable {
    public var version = 1
    public var queueTrackIDs: [Int64] = []
    public var currentIndex: Int?
    public var position: Double = 0
    public var view: ViewKind = .library
    public var filter = ""
    public var history: [String] = []
    public var treeCursor = ListCursor()
    public var trackCursor = ListCursor()
    public var libraryFocus: LibraryPane = .tree
    public var expandedArtists: [String] = []
    public var tracksCursor = ListCursor()
    public var sort: SortColumn = .artist
    public var descending = false
    public var playlistCursor = ListCursor()
    public var playlistItemCursor = ListCursor()
    public var playlistFocus: LibraryPane = .tree
    public var queueCursor = ListCursor()
    public var browserPath: String?
    public var volume = 100
    public var repeatAll = false
    /// Optional so that sessions saved before it existed still load.
    public var repeatCurrent: Bool?
    public var continues: Bool?
    public var shuffle = false
    /// What was under the Library tree's cursor: an artist's name, or an artist's and an album's. With
    /// `trackAnchor` (the Library's track pane) and `tracksAnchor` (the Tracks view), by track id: a
    /// library that changed since (a scan added an artist above) puts the cursors back on the same
    /// things, the same distance from the top of the list; the indexes are the fallback. Optional, so
    /// sessions saved before them still load.
    public var treeAnchor: [String]?
    public var trackAnchor: Int64?
    public var tracksAnchor: Int64?
    public init() {}
}

extension AppState {
    /// The session to save at quit.
    public func savedSession() -> SavedSession {
        var s = SavedSession()
        s.queueTrackIDs = queue.entries.map(\.track.id)
        s.currentIndex = queue.current
        s.position = player.status == .stopped && !player.notStarted ? 0 : player.position
        s.view = view
        s.filter = filter.text
        s.history = history.entries
        s.treeCursor = libraryView.treeCursor
        s.trackCursor = libraryView.trackCursor
        s.libraryFocus = libraryView.focus
        s.expandedArtists = libraryView.expanded.sorted()
        s.tracksCursor = tracksView.cursor
        s.sort = tracksView.sort
        s.descending = tracksView.descending
        s.playlistCursor = playlistsView.listCursor
        s.playlistItemCursor = playlistsView.itemCursor
        s.playlistFocus = playlistsView.focus
        s.queueCursor = queueCursor
        s.browserPath = browser.path
        s.volume = player.volume
        s.repeatAll = player.repeatAll
        s.repeatCurrent = player.repeatCurrent
        s.continues = player.continues
        s.shuffle = player.shuffle
        if libraryView.rows.indices.contains(libraryView.treeCursor.index) {
            switch libraryView.rows[libraryView.treeCursor.index] {
            case .artist(let a): s.treeAnchor = [libraryView.artists[a].name]
            case .album(let a, let b): s.treeAnchor = [libraryView.artists[a].name, libraryView.artists[a].albums[b].title]
            }
        }
        let trackPane = selectedTreePositions()
        if trackPane.indices.contains(libraryView.trackCursor.index) {
            s.trackAnchor = library.tracks[trackPane[libraryView.trackCursor.index]].id
        }
        if tracksView.order.indices.contains(tracksView.cursor.index) {
            s.tracksAnchor = library.tracks[tracksView.order[tracksView.cursor.index]].id
        }
        return s
    }

    /// Puts a saved session back (after the library is loaded). The track comes back paused where it was:
    /// space plays on from there. Tracks gone from the library are left out of the queue.
    mutating func restore(_ s: SavedSession) -> [Effect] {
        var tracks: [TrackRow] = []
        var current: Int?
        for (index, id) in s.queueTrackIDs.enumerated() {
            guard let track = library.track(id: id) else { continue }
            if index == s.currentIndex { current = tracks.count }
            tracks.append(track)
        }
        queue.entries = queue.makeEntries(tracks)
        queue.current = current
        if let current {
            player.status = .paused
            player.notStarted = true
            player.position = s.position
            player.duration = queue.entries[current].track.duration
        }
        view = s.view
        history = CommandHistory(entries: s.history)
        libraryView.expanded = Set(s.expandedArtists)
        libraryView.focus = s.libraryFocus
        tracksView.sort = s.sort
        tracksView.descending = s.descending
        playlistsView.focus = s.playlistFocus
        player.volume = s.volume
        player.repeatAll = s.repeatAll
        player.repeatCurrent = s.repeatCurrent ?? false
        player.continues = s.continues ?? true
        player.shuffle = s.shuffle
        if let path = s.browserPath { browser.path = path }
        var effects: [Effect] = [.transport(.volume(percent: s.volume, relative: false))]
        if !s.filter.isEmpty { effects += applyFilter(s.filter) } else { rebuildViews() }
        if view == .tracks { ensureTracksOrder() }
        // Cursors last: the lists they point into exist now (a filter's answer keeps them, see `restoreCursors`).
        pendingCursors = s
        restoreCursors()
        if s.filter.isEmpty { pendingCursors = nil }
        if view == .browser { effects.append(.listDirectory(browser.path)) }
        return effects
    }

    /// Sets the saved cursors, clamped to the lists as they are: on the row that was under each, where
    /// the session names it and it is still there (`SavedSession.treeAnchor`), else at the saved index.
    mutating func restoreCursors() {
        guard let s = pendingCursors else { return }
        let treeIndex = s.treeAnchor.flatMap { anchor in
            libraryView.rows.firstIndex { row in
                switch row {
                case .artist(let a): anchor.count == 1 && libraryView.artists[a].name == anchor[0]
                case .album(let a, let b):
                    anchor.count == 2 && libraryView.artists[a].name == anchor[0] && libraryView.artists[a].albums[b].title == anchor[1]
                }
            }
        }
        libraryView.treeCursor = fitted(Self.moved(s.treeCursor, to: treeIndex), count: libraryView.rows.count)
        let trackPane = selectedTreePositions()
        let trackIndex = s.trackAnchor.flatMap(library.position(of:)).flatMap { trackPane.firstIndex(of: $0) }
        libraryView.trackCursor = fitted(Self.moved(s.trackCursor, to: trackIndex), count: trackPane.count)
        let tracksIndex = s.tracksAnchor.flatMap(library.position(of:)).flatMap { tracksView.order.firstIndex(of: $0) }
        tracksView.cursor = fitted(Self.moved(s.tracksCursor, to: tracksIndex), count: tracksView.order.count)
        playlistsView.listCursor = s.playlistCursor
        playlistsView.listCursor = fitted(playlistsView.listCursor, count: playlistsView.playlists.count)
        playlistsView.itemCursor = s.playlistItemCursor
        playlistsView.itemCursor = fitted(playlistsView.itemCursor, count: selectedPlaylistTrackIDs().count)
        queueCursor = s.queueCursor
        queueCursor = fitted(queueCursor, count: queue.entries.count)
    }

    /// `cursor` on `index` (when there is one), as far below the top of the list as it was.
    static func moved(_ cursor: ListCursor, to index: Int?) -> ListCursor {
        guard let index else { return cursor }
        return ListCursor(index: index, top: max(0, index - (cursor.index - cursor.top)))
    }
}
