import MusicCore

/// Everything the listener can ask of hum, whether by a key, a `:` line or the config file. One
/// vocabulary: the key map binds keys to these, the command line parses text into these, Help lists
/// them, and `update` carries them out.
public enum Command: Sendable, Equatable {
    // MARK: Moving around
    case showView(ViewKind)
    case toggleHelp
    case toggleWhy
    case toggleLyrics
    case focusNext
    case moveCursor(CursorMove)
    /// cmus's `win-sel-cur` (`i`): the cursor to the track playing, in this view (the Library view when
    /// this view lists no tracks).
    case showPlaying
    /// Opens the `:` line (with `text` typed already), `/` search, or the live filter prompt.
    case prompt(PromptKind, text: String)
    case searchNext, searchPrevious
    /// Enter: play what is under the cursor (or open a folder, or act on a setting).
    case activate
    case toggleExpand
    case escape

    // MARK: Playback
    case play(path: String?)
    case togglePause, stop, next, previous
    case seek(seconds: Double, relative: Bool)
    case volume(percent: Int, relative: Bool)
    case toggleRepeat, toggleShuffle, toggleSmart
    /// cmus's `repeat_current`: the track playing starts again when it ends (next and prev still move).
    case toggleRepeatCurrent
    /// cmus's `continue`: off, playback stops after the track playing.
    case toggleContinue
    /// Both repeat switches at once, as MPRIS's LoopStatus and `:repeat off|queue|track` set them.
    case setRepeat(RepeatMode)
    case cycleReplayGain
    case like, dislike, unlike
    /// From the "why" panel: teach the taste model about the track playing.
    case feedback(TasteFeedback)
    /// Replace the queue with a radio grown from the playing track (or the one under the cursor), its
    /// album or its artist.
    case radio(RadioScope)
    /// Queue the taste model's "up next" suggestions (shown under the queue).
    case enqueueSuggestions

    // MARK: Curation
    case toggleMark
    case clearMarks
    /// cmus's `mark FILTER`: marks every track of the current list that the filter expression matches.
    case markMatching(String)
    /// cmus's `invert`: the current list's marked tracks unmarked, the others marked.
    case invertMarks
    /// The marks (or the row under the cursor: a track, an album or an artist) to the queue.
    case enqueue(next: Bool)
    /// A file or folder (its audio files, in name order) to the end of the queue, added to the library on
    /// the way (`enqueue PATH`, cmus-remote -q).
    case enqueueFile(path: String)
    /// The marks (or the selection) to a playlist: the one named, or the one chosen in the Playlists view.
    case addToPlaylist(name: String?)
    case remove
    case moveItem(up: Bool)
    case undo
    case add(path: String)
    case filter(String)
    case saveFilter(name: String)
    case loadFilter(name: String)
    case sort(column: SortColumn, descending: Bool)
    case save(path: String)
    case load(path: String)
    case playlistCreate(name: String, filter: String?)
    case playlistRename(from: String?, to: String)
    case playlistDuplicate(name: String?, as: String)
    case playlistDelete(name: String?)
    case playlistExport(name: String?, path: String)
    case playlistImport(path: String, name: String?)
    case clearQueue

    // MARK: The app
    case theme(String)
    case set(key: String, value: String)
    case bind(key: String, command: String)
    /// Opt-in sync on (to a server, or the one last used) or off.
    case sync(on: Bool, server: String?)
    case refresh
    case quit
}

/// The views, on the number keys as in cmus.
public enum ViewKind: Int, Sendable, CaseIterable, Codable {
    case library = 1, tracks, playlists, queue, browser, settings, privacy

    public var title: String {
        switch self {
        case .library: "Library"
        case .tracks: "Tracks"
        case .playlists: "Playlists"
        case .queue: "Queue"
        case .browser: "Browser"
        case .settings: "Settings"
        case .privacy: "Privacy"
        }
    }

    /// The name `:view NAME` and the session file use.
    public var name: String { title.lowercased() }
}

public enum CursorMove: Sendable, Equatable {
    case up, down, top, bottom, halfPageUp, halfPageDown, pageUp, pageDown
    /// To a row of the screen (a mouse click), counted from the list's first visible row.
    case visibleRow(Int)
    case scroll(Int)
}

public enum PromptKind: Sendable, Equatable, Codable {
    /// The `:` command line.
    case command
    /// `/` (forward) or `?`-less backward search in the current view.
    case search(backward: Bool)
    /// The live filter over the whole library.
    case filter
}

/// The columns the Tracks view sorts by.
public enum SortColumn: String, Sendable, CaseIterable, Codable {
    case artist, album, title, year, genre, duration, track, path
}

/// What the listener can tell the taste model about the track playing, besides like and dislike.
public enum TasteFeedback: String, Sendable, Equatable, CaseIterable {
    case moreLikeThis = "more"
    case lessLikeThis = "less"
    case notAtThisHour = "not-now"

    public var summary: String {
        switch self {
        case .moreLikeThis: "More like this (the taste model learns it)"
        case .lessLikeThis: "Less like this (the taste model learns it)"
        case .notAtThisHour: "Not at this hour (this track, at this time of day)"
        }
    }
}

extension Command {
    /// The command with its relative file paths made absolute against `folder`: `hum remote play a.mp3`
    /// names a file where the shell is, not where the interface was started. `~` paths and absolute
    /// ones are left as they are.
    public func resolvingPaths(against folder: String) -> Command {
        func resolved(_ path: String) -> String {
            path.hasPrefix("/") || path.hasPrefix("~") || path.isEmpty ? path : (folder.hasSuffix("/") ? folder : folder + "/") + path
        }
        switch self {
        case .play(let path?): return .play(path: resolved(path))
        case .add(let path): return .add(path: resolved(path))
        case .enqueueFile(let path): return .enqueueFile(path: resolved(path))
        case .save(let path): return .save(path: resolved(path))
        case .load(let path): return .load(path: resolved(path))
        case .playlistExport(let name, let path): return .playlistExport(name: name, path: resolved(path))
        case .playlistImport(let path, let name): return .playlistImport(path: resolved(path), name: name)
        default: return self
        }
    }
}

/// What repeats: nothing, the whole queue, or the track playing (which wins over the queue, as cmus's
/// `repeat_current` wins over `repeat`).
public enum RepeatMode: String, CaseIterable, Sendable {
    case off, queue, track
}
