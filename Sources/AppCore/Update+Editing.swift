extension AppState {
    // MARK: - Curation

    mutating func addToPlaylist(_ name: String?) -> [Effect] {
        // In the Browser, `a` adds the folder or file under the cursor to the library, as in cmus.
        if view == .browser, name == nil {
            guard browser.entries.indices.contains(browser.cursor.index) else { return [] }
            let entry = browser.entries[browser.cursor.index]
            let path = entry.name == ".." ? Self.parent(of: browser.path) : Self.join(browser.path, entry.name)
            return [.scan(path: path)]
        }
        let target: PlaylistEntry?
        if let name { target = playlist(named: name) } else { target = selectedPlaylist() }
        guard let list = target else {
            if let name { return perform(.playlistCreate(name: name, filter: nil)) + addToPlaylist(name) }
            message = StatusMessage(text: "no playlist chosen: create one with :pl-create NAME, or pick one in 3",
                                    isError: true)
            return []
        }
        guard !list.isSmart else {
            message = StatusMessage(text: "\(list.name) is a smart playlist: its filter decides what it holds", isError: true)
            return []
        }
        // In the Playlists view, `y` on the list itself would add a playlist to itself.
        guard !(view == .playlists && marks.isEmpty) else {
            message = StatusMessage(text: "choose tracks in the Library (1) or Tracks (2) view, then press y", isError: true)
            return []
        }
        let tracks = actionTracks()
        guard !tracks.isEmpty, let index = playlistIndex(named: list.name) else { return [] }
        recordUndo("add to \(list.name)")
        playlistsView.playlists[index].trackIDs += tracks.map(\.id)
        marks = []
        let what = tracks.count == 1 ? tracks[0].title : "\(tracks.count) tracks"
        message = StatusMessage(text: "\(what) added to \(list.name)", isError: false)
        return [.savePlaylist(name: list.name, trackIDs: playlistsView.playlists[index].trackIDs)]
    }

    mutating func removeSelection() -> [Effect] {
        switch currentList {
        case .queue:
            guard !queue.entries.isEmpty else { return [] }
            recordUndo("remove from the queue")
            let doomed: Set<Int> = marks.isEmpty
                ? [queue.entries[queueCursor.index].id]
                : Set(queue.entries.filter { marks.contains($0.track.id) }.map(\.id))
            let playingID = queue.currentEntry?.id
            queue.entries.removeAll { doomed.contains($0.id) && $0.id != playingID }
            queue.current = playingID.flatMap { queue.index(ofEntry: $0) }
            marks = []
            if doomed.contains(playingID ?? -1) {
                message = StatusMessage(text: "the track playing stays in the queue until it ends", isError: false)
            }
            queueCursor = fitted(queueCursor, count: queue.entries.count)
            return upcomingChanged()
        case .playlistItems:
            guard let list = selectedPlaylist(), let index = playlistIndex(named: list.name), !list.isSmart else {
                message = StatusMessage(text: "a smart playlist's filter decides what it holds", isError: true)
                return []
            }
            guard list.trackIDs.indices.contains(playlistsView.itemCursor.index) || !marks.isEmpty else { return [] }
            recordUndo("remove from \(list.name)")
            if marks.isEmpty {
                playlistsView.playlists[index].trackIDs.remove(at: playlistsView.itemCursor.index)
            } else {
                playlistsView.playlists[index].trackIDs.removeAll { marks.contains($0) }
                marks = []
            }
            playlistsView.itemCursor = fitted(playlistsView.itemCursor, count: playlistsView.playlists[index].trackIDs.count)
            return [.savePlaylist(name: list.name, trackIDs: playlistsView.playlists[index].trackIDs)]
        case .playlists:
            return perform(.playlistDelete(name: nil))
        default:
            message = StatusMessage(text: "d removes from the queue (4) or a playlist (3)", isError: false)
            return []
        }
    }

    mutating func moveItem(up: Bool) -> [Effect] {
        let step = up ? -1 : 1
        switch currentList {
        case .queue:
            let from = queueCursor.index, to = from + step
            guard queue.entries.indices.contains(from), queue.entries.indices.contains(to) else { return [] }
            recordUndo("move in the queue")
            let playingID = queue.currentEntry?.id
            queue.entries.swapAt(from, to)
            queue.current = playingID.flatMap { queue.index(ofEntry: $0) }
            queueCursor.index = to
            queueCursor = fitted(queueCursor, count: queue.entries.count)
            return upcomingChanged()
        case .playlistItems:
            guard let list = selectedPlaylist(), let index = playlistIndex(named: list.name), !list.isSmart else { return [] }
            let from = playlistsView.itemCursor.index, to = from + step
            guard list.trackIDs.indices.contains(from), list.trackIDs.indices.contains(to) else { return [] }
            recordUndo("move in \(list.name)")
            playlistsView.playlists[index].trackIDs.swapAt(from, to)
            playlistsView.itemCursor.index = to
            playlistsView.itemCursor = fitted(playlistsView.itemCursor, count: list.trackIDs.count)
            return [.savePlaylist(name: list.name, trackIDs: playlistsView.playlists[index].trackIDs)]
        default:
            message = StatusMessage(text: "J and K move tracks in the queue (4) or a playlist (3)", isError: false)
            return []
        }
    }

    /// Puts the queue and the playlists back as they were before the last edit, and saves every playlist
    /// that the undo changed (or brings back, or removes).
    mutating func undoLast() -> [Effect] {
        guard let snapshot = undo.popLast() else {
            message = StatusMessage(text: "nothing to undo", isError: false)
            return []
        }
        let before = playlistsView.playlists
        let playingID = queue.currentEntry?.id
        queue.entries = snapshot.queue.entries
        queue.nextID = max(queue.nextID, snapshot.queue.nextID)
        queue.current = playingID.flatMap { queue.index(ofEntry: $0) } ?? snapshot.queue.current
        playlistsView.playlists = snapshot.playlists
        queueCursor = fitted(queueCursor, count: queue.entries.count)
        playlistsView.listCursor = fitted(playlistsView.listCursor, count: playlistsView.playlists.count)
        message = StatusMessage(text: "undone: \(snapshot.what)", isError: false)
        var effects: [Effect] = []
        for list in snapshot.playlists where before.first(where: { $0.name == list.name }) != list {
            if let smart = list.filter {
                if before.contains(where: { $0.name == list.name }) { effects.append(.deletePlaylist(name: list.name)) }
                effects.append(.createSmartPlaylist(name: list.name, filter: smart))
            } else {
                effects.append(.savePlaylist(name: list.name, trackIDs: list.trackIDs))
            }
        }
        for list in before where !snapshot.playlists.contains(where: { $0.name == list.name }) {
            effects.append(.deletePlaylist(name: list.name))
        }
        return effects + upcomingChanged()
    }
}
