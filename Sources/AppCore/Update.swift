import TerminalUI

extension AppState {
    /// Applies one message and returns what the outside world must do. The only way the state changes.
    public mutating func handle(_ message: Message) -> [Effect] {
        switch message {
        case .key(let key): return handleKey(key)
        case .command(let command): return perform(command)
        case .resized(let newRows, let newColumns):
            rows = newRows
            columns = newColumns
            clampAllCursors()
            return []
        case .libraryLoaded(let tracks):
            library = LibraryIndex(tracks: tracks)
            filter.viewsAreCurrent = false
            refreshQueueTracks()
            resolveSmartPlaylists()
            if filter.text.isEmpty {
                filter.visible = nil
                rebuildViews()
                return []
            }
            return applyFilter(filter.text)
        case .lyricsLoaded(let entryID, let found):
            lyrics = LoadedLyrics(entryID: entryID, lyrics: found)
            return []
        case .listeningLoaded(let facts):
            listening = facts
            resolveSmartPlaylists()
            playlistsView.itemCursor = fitted(playlistsView.itemCursor, count: selectedPlaylistTrackIDs().count)
            // A live filter on the log (plays:>5) follows it; any other filter's answer cannot change.
            if !filter.text.isEmpty, (try? FilterExpression.parse(filter.text))?.readsListening == true {
                return applyFilter(filter.text)
            }
            return []
        case .playlistsLoaded(let playlists):
            playlistsView.playlists = playlists
            resolveSmartPlaylists()
            playlistsView.listCursor = fitted(playlistsView.listCursor, count: playlists.count)
            playlistsView.itemCursor = fitted(playlistsView.itemCursor, count: selectedPlaylistTrackIDs().count)
            return []
        case .filterResults(let generation, let positions):
            guard generation == filter.generation else { return [] }
            showFilterAnswer(positions)
            if pendingCursors != nil {
                restoreCursors()
                pendingCursors = nil
            }
            return []
        case .filterFailed(let generation, let text):
            guard generation == filter.generation else { return [] }
            filter.answered = generation
            filter.error = text
            return []
        case .browserListed(let path, let entries):
            if browser.path != path { browser.cursor = ListCursor() }
            browser.path = path
            browser.entries = entries
            browser.cursor = fitted(browser.cursor, count: entries.count)
            return []
        case .tracksToPlay(let tracks, let replace):
            guard !tracks.isEmpty else { return [] }
            if replace { return playTracks(tracks, startAt: 0) }
            return enqueueTracks(tracks, next: false)
        case .player(let event): return handlePlayer(event)
        case .settingsLoaded(let entries):
            settings = entries
            for entry in entries { applyLocalSetting(entry.key, entry.value) }
            settingsCursor = fitted(settingsCursor, count: entries.count)
            return []
        case .privacyLoaded(let collect):
            privacy.collectHistory = collect
            return []
        case .syncLoaded(let summary):
            privacy.sync = summary
            return []
        case .themesListed(let names):
            themeNames = names
            return []
        case .savedFiltersLoaded(let filters):
            savedFilters = filters
            return []
        case .explanation(let lines):
            whyLines = lines
            return []
        case .suggestionsReady(let after, let ids):
            showSuggestions(after: after, trackIDs: ids)
            return []
        case .analysisProgress(let done, let total):
            analysis = (done, total)
            return []
        case .tasteChanged(let provider):
            explainer = provider
            if let entry = queue.currentEntry {
                whyLines = explainer.explain(entry.track, source: playSourceName)
            }
            return refreshSuggestions() + upcomingChanged()
        case .radioReady(let name, let ids):
            let tracks = ids.compactMap { library.track(id: $0) }
            guard !tracks.isEmpty else {
                self.message = StatusMessage(text: "radio: nothing to play around \(name)", isError: true)
                return []
            }
            player.shuffle = false
            player.smart = false
            self.message = StatusMessage(text: "radio: \(tracks.count) tracks like \(name) (w says why each)", isError: false)
            return playTracks(tracks, startAt: 0)
        case .info(let text):
            self.message = StatusMessage(text: text, isError: false)
            return []
        case .failure(let text):
            self.message = StatusMessage(text: text, isError: true)
            return []
        case .restore(let session):
            return restore(session)
        }
    }

    // MARK: - Keys

    mutating func handleKey(_ key: Key) -> [Effect] {
        if let confirmation {
            self.confirmation = nil
            if key == .character("y") || key == .character("Y") {
                message = nil
                return confirmed(confirmation.effect)
            }
            message = StatusMessage(text: "cancelled", isError: false)
            return []
        }
        if prompt != nil { return handlePromptKey(key) }
        switch key {
        case .click(let row, let column): return click(row: row, column: column)
        case .wheelUp: return perform(.moveCursor(.scroll(-3)))
        case .wheelDown: return perform(.moveCursor(.scroll(3)))
        default: break
        }
        if help.isShown {
            switch key {
            case .character("j"), .down: help.scroll += 1; return []
            case .character("k"), .up: help.scroll = max(0, help.scroll - 1); return []
            case .control("d"), .pageDown, .character(" "): help.scroll += listHeight / 2; return []
            case .control("u"), .pageUp: help.scroll = max(0, help.scroll - listHeight / 2); return []
            case .character("g"), .home: help.scroll = 0; return []
            case .escape, .character("?"), .character("q"):
                help.isShown = false
                return []
            default: break
            }
        }
        guard let command = keyMap.command(for: key) else { return [] }
        if help.isShown {
            // From Help, only commands that lead somewhere else (views, the `:` line) make sense.
            switch command {
            case .showView, .prompt, .quit, .toggleHelp: help.isShown = false
            default: return []
            }
            if command == .toggleHelp { return [] }
        }
        return perform(command)
    }

    mutating func click(row: Int, column: Int) -> [Effect] {
        // Row 0 is the title bar: the view names there are clickable.
        if row == 0 {
            if let view = Layout.viewTab(atColumn: column, columns: columns) { return perform(.showView(view)) }
            return []
        }
        // Lists start under their heading; the Privacy view's rows under its paragraph (`PrivacyView`).
        let listRow = row - (view == .privacy ? 1 + PrivacyState.rowsTop(height: listHeight + 1) : 2)
        guard listRow >= 0, listRow < height(of: currentList) else { return [] }
        if view == .library || view == .playlists {
            let leftWidth = Layout.leftPaneWidth(columns: columns)
            let pane: LibraryPane = column < leftWidth ? .tree : .tracks
            if view == .library { libraryView.focus = pane } else { playlistsView.focus = pane }
        }
        return perform(.moveCursor(.visibleRow(listRow)))
    }

    // MARK: - Commands

    public mutating func perform(_ command: Command) -> [Effect] {
        switch command {
        case .showView(let kind):
            view = kind
            help.isShown = false
            if kind == .tracks { ensureTracksOrder() }
            if kind == .browser && browser.entries.isEmpty { return [.listDirectory(browser.path)] }
            return []
        case .toggleHelp:
            help.isShown.toggle()
            help.scroll = 0
            return []
        case .toggleWhy:
            showingWhy.toggle()
            if showingWhy { showingLyrics = false }
            return []
        case .toggleLyrics:
            showingLyrics.toggle()
            guard showingLyrics else { return [] }
            showingWhy = false
            return lyricsToLoad()
        case .focusNext:
            switch view {
            case .library: libraryView.focus = libraryView.focus == .tree ? .tracks : .tree
            case .playlists: playlistsView.focus = playlistsView.focus == .tree ? .tracks : .tree
            default: break
            }
            return []
        case .showPlaying:
            showPlaying()
            return []
        case .moveCursor(let move):
            moveCursor(move)
            return []
        case .prompt(let kind, let text):
            var state = PromptState(kind: kind, text: text, cursor: text.count)
            switch kind {
            case .search: state.origin = currentCursor.index
            case .filter:
                state.originalText = filter.text
                state.text = text.isEmpty ? filter.text : text
                state.cursor = state.text.count
            case .command: break
            }
            prompt = state
            message = nil
            return []
        case .searchNext: return searchAgain(reverse: false)
        case .searchPrevious: return searchAgain(reverse: true)
        case .activate: return activate()
        case .toggleExpand:
            toggleExpand()
            return []
        case .escape:
            if showingWhy || showingLyrics { showingWhy = false; showingLyrics = false } else if !marks.isEmpty { marks = [] } else { message = nil }
            return []

        case .play(let path):
            if let path { return [.playFile(path: expandHome(path))] }
            return playOrRestart()
        case .togglePause: return togglePause()
        case .stop:
            guard player.status != .stopped else { return [] }
            player.status = .stopped
            player.position = 0
            player.notStarted = true
            return [.transport(.stop)]
        case .next: return skip(forward: true)
        case .previous: return skip(forward: false)
        case .seek(let seconds, let relative):
            guard queue.currentEntry != nil else { return [] }
            if player.notStarted {
                let target = relative ? player.position + seconds : seconds
                player.position = min(max(0, target), player.duration ?? .greatestFiniteMagnitude)
                return []
            }
            return [.transport(.seek(seconds: seconds, relative: relative))]
        case .volume(let percent, let relative):
            // Keys are bound to ±5: they move the volume by `volume_step` (5 unless set otherwise).
            let target = relative ? player.volume + percent * volumeStep / 5 : percent
            player.volume = min(max(target, 0), 100)
            return [.transport(.volume(percent: player.volume, relative: false))]
        case .toggleRepeat:
            player.repeatAll.toggle()
            message = StatusMessage(text: "repeat \(player.repeatAll ? "on" : "off")", isError: false)
            return upcomingChanged()
        case .toggleRepeatCurrent:
            player.repeatCurrent.toggle()
            message = StatusMessage(text: "repeat current track \(player.repeatCurrent ? "on" : "off")", isError: false)
            return upcomingChanged()
        case .toggleContinue:
            player.continues.toggle()
            message = StatusMessage(text: player.continues ? "continue on: the queue plays on" : "continue off: playback stops after this track",
                                    isError: false)
            return upcomingChanged()
        case .setRepeat(let mode):
            player.repeatCurrent = mode == .track
            if mode != .track { player.repeatAll = mode == .queue }
            message = StatusMessage(text: "repeat: " + (mode == .track ? "the current track" : mode == .queue ? "the queue" : "off"),
                                    isError: false)
            return upcomingChanged()
        case .toggleShuffle:
            player.shuffle.toggle()
            if player.shuffle { player.smart = false }
            queue.playedInShuffle = []
            message = StatusMessage(text: "shuffle \(player.shuffle ? "on" : "off")", isError: false)
            return upcomingChanged()
        case .toggleSmart:
            player.smart.toggle()
            if player.smart { player.shuffle = false }
            queue.playedInShuffle = []
            message = StatusMessage(text: !player.smart ? "smart shuffle off"
                                    : explainer.learns ? "smart shuffle on: picks by your taste (w says why)"
                                    : "smart shuffle: \(explainer.unavailableReason), so it plays as plain shuffle",
                                    isError: false)
            return upcomingChanged()
        case .cycleReplayGain:
            let modes = ["off", "track", "album", "auto"]
            let next = modes[((modes.firstIndex(of: player.replayGain) ?? 3) + 1) % modes.count]
            return perform(.set(key: "replaygain", value: next))
        case .like, .dislike, .unlike:
            guard let entry = queue.currentEntry else {
                message = StatusMessage(text: "nothing is playing", isError: true)
                return []
            }
            let opinion: Opinion = command == .like ? .like : command == .dislike ? .dislike : .unlike
            let words = ["like": "liked", "dislike": "disliked: hum will not play it again unasked", "unlike": "no opinion kept"]
            message = StatusMessage(text: "\(entry.track.title): \(words[opinion.rawValue] ?? "")", isError: false)
            return [.setOpinion(opinion, trackID: entry.track.id)]
        case .feedback(let feedback):
            guard let entry = queue.currentEntry else {
                message = StatusMessage(text: "nothing is playing", isError: true)
                return []
            }
            message = StatusMessage(text: "\(entry.track.title): \(feedback.summary.lowercased())", isError: false)
            return [.sendFeedback(feedback, trackID: entry.track.id)]
        case .radio(let kind):
            guard explainer.learns else {
                message = StatusMessage(text: "radio needs the taste model: \(explainer.unavailableReason)", isError: true)
                return []
            }
            guard let seed = queue.currentEntry?.track.id ?? selectionTrackIDs().first else {
                message = StatusMessage(text: "radio: play a track, or put the cursor on one", isError: true)
                return []
            }
            message = StatusMessage(text: "radio: choosing tracks like this \(kind.rawValue)…", isError: false)
            return [.startRadio(kind, seedTrackID: seed)]
        case .enqueueSuggestions:
            guard !suggestions.isEmpty else {
                message = StatusMessage(text: "no suggestions: \(explainer.learns ? "nothing fits yet" : explainer.unavailableReason)",
                                        isError: true)
                return []
            }
            return enqueueTracks(suggestions, next: true)

        case .toggleMark:
            let ids = selectionTrackIDs()
            guard !ids.isEmpty else { return [] }
            if ids.allSatisfy(marks.contains) { marks.subtract(ids) } else { marks.formUnion(ids) }
            moveCursor(.down)
            return []
        case .clearMarks:
            marks = []
            return []
        case .markMatching(let text):
            markMatching(text)
            return []
        case .invertMarks:
            let ids = Set(currentListTracks().map(\.id))
            marks = marks.symmetricDifference(ids)
            message = StatusMessage(text: "\(marks.intersection(ids).count) tracks marked", isError: false)
            return []
        case .enqueue(let next):
            let tracks = actionTracks()
            guard !tracks.isEmpty else { return [] }
            marks = []
            return enqueueTracks(tracks, next: next)
        case .enqueueFile(let path): return [.queueFile(path: expandHome(path))]
        case .addToPlaylist(let name): return addToPlaylist(name)
        case .remove: return removeSelection()
        case .moveItem(let up): return moveItem(up: up)
        case .undo: return undoLast()
        case .add(let path): return [.scan(path: expandHome(path))]
        case .filter(let text): return applyFilter(text)
        case .saveFilter(let name):
            guard !filter.text.isEmpty else {
                message = StatusMessage(text: "no filter to save: type one with F or :filter", isError: true)
                return []
            }
            savedFilters[name] = filter.text
            message = StatusMessage(text: "filter \(name) saved: \(filter.text)", isError: false)
            return [.saveFilters(savedFilters)]
        case .loadFilter(let name):
            guard let text = savedFilters[name] else {
                message = StatusMessage(text: "no saved filter named \(name)", isError: true)
                return []
            }
            return applyFilter(text)
        case .sort(let column, let descending):
            tracksView.sort = column
            tracksView.descending = descending
            sortTracks()
            view = .tracks
            return []
        case .save(let path):
            let tracks = queue.entries.map(\.track)
            guard !tracks.isEmpty else {
                message = StatusMessage(text: "the queue is empty: nothing to save", isError: true)
                return []
            }
            return [.saveList(name: "Queue", tracks: tracks, path: expandHome(path))]
        case .load(let path): return [.loadList(path: expandHome(path), replace: false)]
        case .playlistCreate(let name, let filterText):
            guard playlist(named: name) == nil else {
                message = StatusMessage(text: "a playlist named \(name) exists already", isError: true)
                return []
            }
            recordUndo("create \(name)")
            if let filterText {
                playlistsView.playlists.append(PlaylistEntry(name: name, trackIDs: [], filter: filterText))
                resolveSmartPlaylists()
                sortPlaylists(selecting: name)
                return [.createSmartPlaylist(name: name, filter: filterText)]
            }
            playlistsView.playlists.append(PlaylistEntry(name: name, trackIDs: []))
            sortPlaylists(selecting: name)
            message = StatusMessage(text: "playlist \(name) created", isError: false)
            return [.savePlaylist(name: name, trackIDs: [])]
        case .playlistRename(let from, let to):
            guard let name = from ?? selectedPlaylist()?.name, let index = playlistIndex(named: name) else {
                return noPlaylist(from)
            }
            guard playlist(named: to) == nil else {
                message = StatusMessage(text: "a playlist named \(to) exists already", isError: true)
                return []
            }
            recordUndo("rename \(name)")
            playlistsView.playlists[index].name = to
            sortPlaylists(selecting: to)
            message = StatusMessage(text: "renamed \(name) to \(to)", isError: false)
            return [.renamePlaylist(from: name, to: to)]
        case .playlistDuplicate(let from, let newName):
            guard let source = (from.flatMap { playlist(named: $0) }) ?? (from == nil ? selectedPlaylist() : nil) else {
                return noPlaylist(from)
            }
            guard playlist(named: newName) == nil else {
                message = StatusMessage(text: "a playlist named \(newName) exists already", isError: true)
                return []
            }
            recordUndo("duplicate \(source.name)")
            playlistsView.playlists.append(PlaylistEntry(name: newName, trackIDs: source.trackIDs, filter: source.filter))
            sortPlaylists(selecting: newName)
            message = StatusMessage(text: "\(source.name) copied to \(newName)", isError: false)
            if let smart = source.filter { return [.createSmartPlaylist(name: newName, filter: smart)] }
            return [.savePlaylist(name: newName, trackIDs: source.trackIDs)]
        case .playlistDelete(let name):
            guard let target = name ?? selectedPlaylist()?.name, playlist(named: target) != nil else { return noPlaylist(name) }
            confirmation = Confirmation(question: "Delete playlist \(target)? (y/n)", effect: .deletePlaylist(name: target))
            return []
        case .playlistExport(let name, let path):
            guard let list = (name.flatMap { playlist(named: $0) }) ?? (name == nil ? selectedPlaylist() : nil) else {
                return noPlaylist(name)
            }
            return [.saveList(name: list.name, tracks: tracks(of: list), path: expandHome(path))]
        case .playlistImport(let path, let name): return [.importPlaylist(path: expandHome(path), name: name)]
        case .clearQueue:
            guard !queue.entries.isEmpty else { return [] }
            recordUndo("clear the queue")
            let playing = queue.currentEntry
            queue.entries = playing.map { [$0] } ?? []
            queue.current = playing == nil ? nil : 0
            queueCursor = fitted(queueCursor, count: queue.entries.count)
            return upcomingChanged()

        case .theme(let name): return [.applyTheme(name)]
        case .set(let key, let value): return setSetting(key, value)
        case .bind(let keyName, let commandLine):
            do {
                try keyMap.bind(keyName: keyName, commandLine: commandLine)
                message = StatusMessage(text: "\(keyName) → \(commandLine)", isError: false)
            } catch {
                message = StatusMessage(text: "\(error)", isError: true)
            }
            return []
        case .sync(let on, let server): return switchSync(on: on, server: server)
        case .refresh: return [.redraw]
        case .quit:
            quitting = true
            return [.quit]
        }
    }

    /// A confirmed action: the state changes with it, so that the screen shows the result at once.
    mutating func confirmed(_ effect: Effect) -> [Effect] {
        if case .deletePlaylist(let name) = effect, let index = playlistIndex(named: name) {
            recordUndo("delete \(name)")
            playlistsView.playlists.remove(at: index)
            playlistsView.listCursor = fitted(playlistsView.listCursor, count: playlistsView.playlists.count)
            playlistsView.itemCursor = ListCursor()
            message = StatusMessage(text: "playlist \(name) deleted (u brings it back)", isError: false)
        }
        return [effect]
    }

    private mutating func noPlaylist(_ name: String?) -> [Effect] {
        message = StatusMessage(text: name.map { "no playlist named \($0)" } ?? "no playlist selected (3 lists them)", isError: true)
        return []
    }

    func expandHome(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = homeDirectory else { return path }
        return home + path.dropFirst()
    }

    // MARK: - Settings

    mutating func setSetting(_ key: String, _ value: String) -> [Effect] {
        guard let index = settings.firstIndex(where: { $0.key == key }) else {
            message = StatusMessage(text: "unknown setting: \(key) (6 lists them)", isError: true)
            return []
        }
        let entry = settings[index]
        if !entry.choices.isEmpty && !entry.choices.contains(value) {
            message = StatusMessage(text: "\(key) must be one of \(entry.choices.joined(separator: ", ")), not \(value)", isError: true)
            return []
        }
        if ["volume_step", "seek_step"].contains(key) {
            guard let number = Double(value), number > 0, number <= 600 else {
                message = StatusMessage(text: "\(key) must be a number above 0, not \(value)", isError: true)
                return []
            }
        }
        settings[index].value = value
        applyLocalSetting(key, value)
        message = StatusMessage(text: "\(key) = \(value)", isError: false)
        var effects: [Effect] = [.setSetting(key: key, value: value)]
        if key == "replaygain" { effects.append(.setReplayGain(value)) }
        if key == "theme" { effects = [.applyTheme(value)] }
        return effects
    }

    mutating func applyLocalSetting(_ key: String, _ value: String) {
        switch key {
        case "volume_step": volumeStep = Int(value) ?? volumeStep
        case "seek_step": seekStep = Double(value) ?? seekStep
        case "replaygain": player.replayGain = value
        case "collect_history": privacy.collectHistory = value == "on"
        default: break
        }
    }
}
