import TerminalUI

extension AppState {
    // MARK: - The `:` line, `/` search and the filter prompt

    mutating func handlePromptKey(_ key: Key) -> [Effect] {
        guard var p = prompt else { return [] }
        var textChanged = false
        switch key {
        case .escape:
            prompt = nil
            switch p.kind {
            case .search: if let origin = p.origin { restoreCursor(origin) }
            case .filter: return applyFilter(p.originalText ?? "")
            case .command: break
            }
            return []
        case .enter:
            prompt = nil
            switch p.kind {
            case .command:
                let line = p.text.trimmingSpaces()
                guard !line.isEmpty else { return [] }
                history.record(line)
                do {
                    return perform(try CommandLineParser.parse(line))
                } catch {
                    message = StatusMessage(text: "\(error)", isError: true)
                    return []
                }
            case .search(let backward):
                lastSearch = p.text.isEmpty ? lastSearch : (p.text, backward)
                return []
            case .filter:
                if let error = filter.error { message = StatusMessage(text: error, isError: true) }
                return []
            }
        case .tab, .backTab:
            guard p.kind == .command else { return [] }
            if p.completions.isEmpty {
                p.completions = CommandLineParser.completions(for: p.text, context: completionContext)
                p.completionIndex = nil
            }
            guard !p.completions.isEmpty else { return [] }
            let count = p.completions.count
            let next = key == .tab ? ((p.completionIndex ?? -1) + 1) % count : ((p.completionIndex ?? count) - 1 + count) % count
            p.completionIndex = next
            p.text = p.completions[next]
            p.cursor = p.text.count
            if count == 1 { p.completions = [] }
            prompt = p
            return []
        case .up, .down:
            guard p.kind == .command else { return [] }
            let prefix = p.historyIndex == nil ? p.text : (p.originalText ?? "")
            if p.historyIndex == nil { p.originalText = p.text }
            if key == .up, let older = history.older(than: p.historyIndex, prefix: prefix) {
                p.historyIndex = older.index
                p.text = older.line
            } else if key == .down, let index = p.historyIndex {
                if let newer = history.newer(than: index, prefix: prefix) {
                    p.historyIndex = newer.index
                    p.text = newer.line
                } else {
                    p.historyIndex = nil
                    p.text = p.originalText ?? ""
                }
            }
            p.cursor = p.text.count
            prompt = p
            return []
        case .left: p.cursor = max(0, p.cursor - 1)
        case .right: p.cursor = min(p.text.count, p.cursor + 1)
        case .home, .control("a"): p.cursor = 0
        case .end, .control("e"): p.cursor = p.text.count
        case .backspace, .control("h"):
            if p.text.isEmpty {
                // Backspace on an empty line closes it, as in cmus and vim.
                prompt = p
                return handlePromptKey(.escape)
            }
            guard p.cursor > 0 else { break }
            let at = p.text.index(p.text.startIndex, offsetBy: p.cursor - 1)
            p.text.remove(at: at)
            p.cursor -= 1
            textChanged = true
        case .delete:
            guard p.cursor < p.text.count else { break }
            p.text.remove(at: p.text.index(p.text.startIndex, offsetBy: p.cursor))
            textChanged = true
        case .control("u"):
            p.text.removeSubrange(p.text.startIndex..<p.text.index(p.text.startIndex, offsetBy: p.cursor))
            p.cursor = 0
            textChanged = true
        case .control("w"):
            let chars = Array(p.text)
            var start = p.cursor
            while start > 0 && chars[start - 1] == " " { start -= 1 }
            while start > 0 && chars[start - 1] != " " { start -= 1 }
            p.text = String(chars[..<start] + chars[p.cursor...])
            p.cursor = start
            textChanged = true
        case .character(let c):
            p.text.insert(c, at: p.text.index(p.text.startIndex, offsetBy: p.cursor))
            p.cursor += 1
            textChanged = true
        default: return []
        }
        if textChanged { p.completions = []; p.completionIndex = nil }
        prompt = p
        guard textChanged else { return [] }
        switch p.kind {
        case .filter: return applyFilter(p.text)
        case .search(let backward):
            if let origin = p.origin, !p.text.isEmpty { search(p.text, from: origin, backward: backward, skipCurrent: false) }
            return []
        case .command: return []
        }
    }

    var completionContext: CompletionContext {
        CompletionContext(playlists: playlistsView.playlists.map(\.name), themes: themeNames, settings: settings.map(\.key),
                          filters: savedFilters.keys.sorted(), listDirectory: listDirectory)
    }

    mutating func restoreCursor(_ index: Int) {
        var cursor = currentCursor
        cursor.index = index
        setCursor(Self.clamped(cursor, count: count(of: currentList), height: height(of: currentList)), of: currentList)
    }

    // MARK: - Search in the current view

    mutating func searchAgain(reverse: Bool) -> [Effect] {
        guard let last = lastSearch else {
            message = StatusMessage(text: "no search yet: / searches this view", isError: false)
            return []
        }
        let backward = reverse ? !last.backward : last.backward
        if !search(last.text, from: currentCursor.index, backward: backward, skipCurrent: true) {
            message = StatusMessage(text: "not found: \(last.text)", isError: true)
        }
        return []
    }

    /// Moves the cursor to the first row from `from` that matches `text` (each of its words in a field of
    /// the row — title, artist or album for a track — case and accents ignored), wrapping around. Returns
    /// whether one was found.
    @discardableResult
    mutating func search(_ text: String, from: Int, backward: Bool, skipCurrent: Bool) -> Bool {
        let list = currentList
        let count = count(of: list)
        guard count > 0 else { return false }
        let words = TextFolding.foldedUTF8(text).split(separator: UInt8(ascii: " ")).map(Array.init)
        let matches = searchMatcher(of: list)
        for step in (skipCurrent ? 1 : 0)...count {
            let index = ((from + (backward ? -step : step)) % count + count) % count
            if matches(index, words) {
                restoreCursor(index)
                return true
            }
        }
        return false
    }

    /// Whether row `index` of `list` has each of the folded `words` in one of its fields. Fields are
    /// searched in place (`FoldedSearch`): a search that finds nothing in 100,000 tracks walks all of them
    /// on the keystroke, and building and folding a line per row made that 0.15 s.
    func searchMatcher(of list: ListKind) -> (_ index: Int, _ words: [[UInt8]]) -> Bool {
        let tracks = library.tracks
        func track(_ t: TrackRow, _ words: [[UInt8]]) -> Bool {
            words.allSatisfy { FoldedSearch.contains(t.title, $0) || FoldedSearch.contains(t.artist, $0) || FoldedSearch.contains(t.album, $0) }
        }
        func text(_ s: String, _ words: [[UInt8]]) -> Bool { words.allSatisfy { FoldedSearch.contains(s, $0) } }
        switch list {
        case .tree:
            let artists = libraryView.artists, rows = libraryView.rows
            return { index, words in
                switch rows[index] {
                case .artist(let a): text(artists[a].name, words)
                case .album(let a, let b): text(artists[a].albums[b].title, words)
                }
            }
        case .libraryTracks:
            let positions = selectedTreePositions()
            return { track(tracks[positions[$0]], $1) }
        case .tracks:
            let order = tracksView.order
            return { track(tracks[order[$0]], $1) }
        case .playlists:
            let lists = playlistsView.playlists
            return { text(lists[$0].name, $1) }
        case .playlistItems:
            let ids = selectedPlaylistTrackIDs(), library = library
            return { index, words in library.track(id: ids[index]).map { track($0, words) } ?? false }
        case .queue:
            let entries = queue.entries
            return { track(entries[$0].track, $1) }
        case .browser:
            let entries = browser.entries
            return { text(entries[$0].name, $1) }
        case .settings:
            let entries = settings
            return { text(entries[$0].key, $1) }
        case .privacy:
            return { _, _ in false }
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
