extension AppState {
    // MARK: - Enter

    mutating func activate() -> [Effect] {
        switch currentList {
        case .tree:
            let positions = selectedTreePositions()
            return playTracks(positions.map { library.tracks[$0] }, startAt: 0)
        case .libraryTracks:
            let positions = selectedTreePositions()
            return playTracks(positions.map { library.tracks[$0] }, startAt: libraryView.trackCursor.index)
        case .tracks:
            // The list from the cursor on, at most `playLimit` tracks: enough for a day, small enough to hold.
            let order = tracksView.order
            guard order.indices.contains(tracksView.cursor.index) else { return [] }
            let end = min(order.count, tracksView.cursor.index + Self.playLimit)
            return playTracks(order[tracksView.cursor.index..<end].map { library.tracks[$0] }, startAt: 0)
        case .playlists:
            guard let list = selectedPlaylist() else { return [] }
            let tracks = tracks(of: list)
            guard !tracks.isEmpty else {
                message = StatusMessage(text: "\(list.name) is empty: add tracks with y in the Library", isError: true)
                return []
            }
            return playTracks(tracks, startAt: 0)
        case .playlistItems:
            guard let list = selectedPlaylist() else { return [] }
            return playTracks(tracks(of: list), startAt: playlistsView.itemCursor.index)
        case .queue:
            guard queue.entries.indices.contains(queueCursor.index) else { return [] }
            return startEntry(at: queueCursor.index, position: 0)
        case .browser:
            guard browser.entries.indices.contains(browser.cursor.index) else { return [] }
            let entry = browser.entries[browser.cursor.index]
            let path = entry.name == ".." ? Self.parent(of: browser.path) : Self.join(browser.path, entry.name)
            return entry.isFolder ? [.listDirectory(path)] : [.playFile(path: path)]
        case .settings:
            guard settings.indices.contains(settingsCursor.index) else { return [] }
            let entry = settings[settingsCursor.index]
            if !entry.choices.isEmpty {
                let next = entry.choices[((entry.choices.firstIndex(of: entry.value) ?? -1) + 1) % entry.choices.count]
                return setSetting(entry.key, next)
            }
            return perform(.prompt(.command, text: "set \(entry.key)=\(entry.value)"))
        case .privacy:
            switch PrivacyState.Row(rawValue: privacy.cursor.index) {
            case .collectHistory: return setSetting("collect_history", privacy.collectHistory ? "off" : "on")
            case .privateSession:
                privacy.privateSession.toggle()
                message = StatusMessage(text: privacy.privateSession
                                        ? "private session: nothing is recorded until you end it"
                                        : "private session ended", isError: false)
                return [.setPrivateSession(privacy.privateSession)]
            case .sync: return switchSync(on: !privacy.sync.enabled, server: nil)
            case .export: return [.exportData]
            case .forget:
                confirmation = Confirmation(question: "Erase all listening history, likes and stats for good? (y/n)", effect: .forgetAll)
                return []
            case nil: return []
            }
        }
    }

    /// Sync is turned on only after a y to a question that says what will be sent and where; off after a
    /// y to one that says what is deleted. Without a server known, the `:sync on ` line is opened for one.
    mutating func switchSync(on: Bool, server: String?) -> [Effect] {
        guard on else {
            guard privacy.sync.enabled else {
                message = StatusMessage(text: "sync is already off: nothing leaves this machine", isError: false)
                return []
            }
            let waiting = privacy.sync.waiting
            let deleted = waiting == 0 ? "No report is waiting" : waiting == 1 ? "The unsent report is deleted" : "The \(waiting) unsent reports are deleted"
            confirmation = Confirmation(question: "Turn sync off? \(deleted), and nothing is sent (y/n)", effect: .setSync(on: false, server: nil))
            return []
        }
        guard let target = server ?? privacy.sync.server else {
            return perform(.prompt(.command, text: "sync on "))
        }
        if privacy.sync.enabled, target == privacy.sync.server {
            message = StatusMessage(text: "sync is already on, to \(target)", isError: false)
            return []
        }
        // The Privacy view lists what is sent, so the question is asked over it.
        view = .privacy
        confirmation = Confirmation(question: "Send the reports listed above to \(target)? (y/n)", effect: .setSync(on: true, server: target))
        return []
    }

    /// The most tracks Enter in the Tracks view queues.
    public static let playLimit = 5000

    static func join(_ folder: String, _ name: String) -> String { folder.hasSuffix("/") ? folder + name : folder + "/" + name }

    static func parent(of path: String) -> String {
        var parts = path.split(separator: "/")
        guard !parts.isEmpty else { return "/" }
        parts.removeLast()
        return "/" + parts.joined(separator: "/")
    }

    // MARK: - Playing

    mutating func playTracks(_ tracks: [TrackRow], startAt index: Int) -> [Effect] {
        guard tracks.indices.contains(index) else { return [] }
        recordUndo("replace the queue")
        queue.entries = queue.makeEntries(tracks)
        queue.playedInShuffle = []
        queueCursor = ListCursor(index: index)
        queueCursor = fitted(queueCursor, count: queue.entries.count)
        return startEntry(at: index, position: 0)
    }

    mutating func startEntry(at index: Int, position: Double) -> [Effect] {
        guard queue.entries.indices.contains(index) else { return [] }
        queue.current = index
        player.status = .playing
        player.position = position
        player.duration = queue.entries[index].track.duration
        player.notStarted = false
        player.currentStarted = false
        if player.shuffle || player.smart { queue.playedInShuffle.insert(queue.entries[index].id) }
        var window = [queue.entries[index]]
        if let next = nextIndex(after: index) { window.append(queue.entries[next]) }
        upcomingID = window.count > 1 ? window[1].id : nil
        return [.startPlayback(window, position: position)]
    }

    mutating func playOrRestart() -> [Effect] {
        guard let current = queue.current else { return activate() }
        if player.status == .stopped || player.notStarted { return startEntry(at: current, position: player.notStarted ? player.position : 0) }
        return [.transport(.seek(seconds: 0, relative: false))]
    }

    mutating func togglePause() -> [Effect] {
        guard let current = queue.current else {
            message = StatusMessage(text: "nothing to play: Enter plays what is under the cursor", isError: false)
            return []
        }
        switch player.status {
        case .stopped: return startEntry(at: current, position: 0)
        case .paused where player.notStarted: return startEntry(at: current, position: player.position)
        case .paused:
            player.status = .playing
            return [.transport(.resume)]
        case .playing:
            player.status = .paused
            return [.transport(.pause)]
        }
    }

    mutating func skip(forward: Bool) -> [Effect] {
        guard let current = queue.current else { return [] }
        let target = forward ? nextIndex(after: current, skipping: true) : max(0, current - 1)
        guard let target else {
            message = StatusMessage(text: "end of the queue", isError: false)
            player.status = .stopped
            return [.transport(.stop)]
        }
        return startEntry(at: target, position: 0)
    }

    /// What plays after `index`: the next entry, or with shuffle a random one not played yet; with
    /// repeat, the queue starts over. When the track ends by itself (not `next`) with repeat current on,
    /// the same entry again, as in cmus: `b` still moves on; with continue off, nothing (playback stops).
    func nextIndex(after index: Int, skipping: Bool = false) -> Int? {
        let count = queue.entries.count
        guard count > 0 else { return nil }
        if player.repeatCurrent && !skipping && queue.entries.indices.contains(index) { return index }
        if !player.continues && !skipping { return nil }
        if player.shuffle || player.smart {
            var candidates = queue.entries.indices.filter { $0 != index && !queue.playedInShuffle.contains(queue.entries[$0].id) }
            if candidates.isEmpty && player.repeatAll { candidates = queue.entries.indices.filter { $0 != index } }
            guard !candidates.isEmpty else { return nil }
            if player.smart, let pick = explainer.pickNext(among: candidates.map { queue.entries[$0].track },
                                                           after: queue.entries[index].track,
                                                           seed: shuffleSeed ^ UInt64(queue.entries[index].id)),
               candidates.indices.contains(pick) {
                return candidates[pick]
            }
            // A fixed function of the seed and the entry: the same pick until something changes, so
            // asking twice (to show "up next" and to play it) agrees.
            var mix = shuffleSeed ^ UInt64(queue.entries[index].id) &* 0x9E37_79B9_7F4A_7C15
            mix ^= mix >> 31
            mix = mix &* 0xBF58_476D_1CE4_E5B9
            mix ^= mix >> 29
            return candidates[Int(mix % UInt64(candidates.count))]
        }
        if index + 1 < count { return index + 1 }
        return player.repeatAll ? 0 : nil
    }

    /// Asks the taste model what it would play after the current track, leaving out what is queued.
    /// Asks for fresh "up next" suggestions after the track playing (shown when they come back).
    mutating func refreshSuggestions() -> [Effect] {
        guard explainer.learns else {
            suggestions = []
            return []
        }
        return [.suggest(after: queue.currentEntry?.track, excluding: Set(queue.entries.map(\.track.id)))]
    }

    /// The model's answer to `refreshSuggestions`, unless another track has started since.
    mutating func showSuggestions(after: Int64?, trackIDs: [Int64]) {
        guard after == queue.currentEntry?.track.id else { return }
        suggestions = trackIDs.prefix(AppState.suggestionCount).compactMap { library.track(id: $0) }
    }

    /// What the playing track was chosen from, as the "why" panel says it.
    var playSourceName: String {
        player.smart ? (explainer.learns ? "smart shuffle" : "shuffled queue") : player.shuffle ? "shuffled queue" : "queue"
    }

    /// After an edit or a mode change: tells the engine when what follows the current entry changed.
    mutating func upcomingChanged() -> [Effect] {
        guard let current = queue.current, player.status != .stopped, !player.notStarted else { return [] }
        let next = nextIndex(after: current).map { queue.entries[$0] }
        guard next?.id != upcomingID else { return [] }
        upcomingID = next?.id
        return [.setUpcoming(next.map { [$0] } ?? [])]
    }

    mutating func enqueueTracks(_ tracks: [TrackRow], next: Bool) -> [Effect] {
        recordUndo("add to the queue")
        let entries = queue.makeEntries(tracks)
        if next, let current = queue.current {
            queue.entries.insert(contentsOf: entries, at: current + 1)
        } else {
            queue.entries.append(contentsOf: entries)
        }
        let what = tracks.count == 1 ? tracks[0].title : "\(tracks.count) tracks"
        message = StatusMessage(text: "\(what) queued\(next ? " to play next" : "")", isError: false)
        if queue.current == nil {
            queue.current = 0
            player.status = .stopped
        }
        return upcomingChanged()
    }

    // MARK: - Engine events

    mutating func handlePlayer(_ event: PlayerEvent) -> [Effect] {
        switch event {
        case .started(let id, let duration):
            guard let index = queue.index(ofEntry: id) else { return [] }
            // A new track clears a stale note ("3 tracks added"), but the start of the track the listener
            // just asked for (shown as current since the key) must not clear what was said since: the
            // engine's confirmation can come after a later command's message.
            if queue.current != index, message?.isError == false { message = nil }
            // Paused between asking for the track and its start (space right after Enter, or a loaded
            // machine): the engine's pause came first and holds, so its late `started` must not show
            // the track as playing.
            let pausedBeforeStart = player.status == .paused && queue.current == index
            queue.current = index
            player.status = pausedBeforeStart ? .paused : .playing
            player.position = 0
            player.duration = duration ?? queue.entries[index].track.duration
            player.notStarted = false
            player.currentStarted = true
            if player.shuffle || player.smart { queue.playedInShuffle.insert(id) }
            upcomingID = nil
            whyLines = explainer.explain(queue.entries[index].track, source: playSourceName)
            return refreshSuggestions() + upcomingChanged() + (showingLyrics ? lyricsToLoad() : [])
        case .progressed(let id, let position, let duration):
            guard queue.currentEntry?.id == id else { return [] }
            player.position = position
            if let duration { player.duration = duration }
            return []
        // The engine pauses and resumes only when told to, and the state changed when it told it: these
        // bring the exact position, and the status again. One that comes late, after the listener moved
        // to another track (space, then b), is about a track no longer current and changes nothing.
        case .paused(let id, let position):
            guard queue.currentEntry?.id == id else { return [] }
            player.status = .paused
            player.position = position
            return []
        case .resumed(let id, let position):
            guard queue.currentEntry?.id == id else { return [] }
            player.status = .playing
            player.position = position
            return []
        case .stopped:
            player.status = .stopped
            player.position = 0
            return []
        case .failed(let id, let text):
            let name = queue.index(ofEntry: id).map { queue.entries[$0].track.path } ?? "a track"
            message = StatusMessage(text: "cannot play \(name): \(text)", isError: true)
            return []
        case .queueFinished:
            // The engine holds the track playing and the next one. An output faster than real time
            // (`--output null`, `wav:`) can finish both before `setUpcoming` said what follows: the queue
            // goes on from the next entry. Only after a track that did start, so a queue of files that all
            // fail (with repeat on) ends instead of going round for ever.
            if player.status == .playing, player.currentStarted, let current = queue.current,
               let next = nextIndex(after: current) {
                return startEntry(at: next, position: 0)
            }
            // Continue off: stopped after the track, as asked; the next entry becomes current, so that
            // space goes on from there.
            if !player.continues, player.status == .playing, player.currentStarted, let current = queue.current,
               let next = nextIndex(after: current, skipping: true) {
                queue.current = next
                player.duration = queue.entries[next].track.duration
            }
            player.status = .stopped
            player.position = 0
            player.notStarted = true
            return []
        case .volume(let volume):
            player.volume = volume
            return []
        case .outputLost(let text):
            player.outputLost = text
            message = StatusMessage(text: "sound server lost (\(text)); reconnecting", isError: true)
            return []
        case .outputRestored:
            player.outputLost = nil
            message = StatusMessage(text: "sound server back", isError: false)
            return []
        }
    }

    /// After a rescan: the queue's copies of tracks get the new tags.
    mutating func refreshQueueTracks() {
        for index in queue.entries.indices {
            if let fresh = library.track(id: queue.entries[index].track.id) { queue.entries[index].track = fresh }
        }
    }
}

extension AppState {
    /// Asks for the playing entry's lyrics unless they are held already (read once per entry).
    mutating func lyricsToLoad() -> [Effect] {
        guard let entry = queue.currentEntry, lyrics?.entryID != entry.id else { return [] }
        lyrics = nil
        return [.loadLyrics(entryID: entry.id, path: entry.track.path)]
    }
}
