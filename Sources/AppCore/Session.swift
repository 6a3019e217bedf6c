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

    /// Sets the saved cursors, clamped to the lists as they are.
    mutating func restoreCursors() {
        guard let s = pendingCursors else { return }
        libraryView.treeCursor = s.treeCursor
        libraryView.treeCursor = fitted(libraryView.treeCursor, count: libraryView.rows.count)
        libraryView.trackCursor = s.trackCursor
        libraryView.trackCursor = fitted(libraryView.trackCursor, count: selectedTreePositions().count)
        tracksView.cursor = s.tracksCursor
        tracksView.cursor = fitted(tracksView.cursor, count: tracksView.order.count)
        playlistsView.listCursor = s.playlistCursor
        playlistsView.listCursor = fitted(playlistsView.listCursor, count: playlistsView.playlists.count)
        playlistsView.itemCursor = s.playlistItemCursor
        playlistsView.itemCursor = fitted(playlistsView.itemCursor, count: selectedPlaylistTrackIDs().count)
        queueCursor = s.queueCursor
        queueCursor = fitted(queueCursor, count: queue.entries.count)
    }
}
