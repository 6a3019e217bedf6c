import MusicCore
import TerminalUI

/// What reaches `AppState.handle`: input, answers to effects, and what the player reports.
public enum Message: Sendable {
    case key(Key)
    case command(Command)
    case resized(rows: Int, columns: Int)
    /// The library as the store holds it, in artist / album / disc / track order.
    case libraryLoaded([TrackRow])
    case playlistsLoaded([PlaylistEntry])
    /// The listening log's numbers per track, read again after each listen and opinion.
    case listeningLoaded(ListeningFacts)
    /// The lyrics found for a queue entry (nil: none).
    case lyricsLoaded(entryID: Int, Lyrics?)
    /// The tracks (positions in `library.tracks`, ascending) that filter `generation` matched.
    case filterResults(generation: Int, positions: [Int])
    case filterFailed(generation: Int, message: String)
    case browserListed(path: String, entries: [BrowserEntry])
    /// Tracks to put in the queue and play (`:play FILE`, `:load FILE`): replace, or append.
    case tracksToPlay([TrackRow], replace: Bool)
    case player(PlayerEvent)
    case settingsLoaded([SettingEntry])
    case privacyLoaded(collectHistory: Bool)
    /// Sync's state, at start, after it was switched, and after reports were made or sent.
    case syncLoaded(SyncSummary)
    case themesListed([String])
    case savedFiltersLoaded([String: String])
    case explanation([String])
    /// The taste model learned something (or was loaded): smart picks and the "why" panel use this now.
    case tasteChanged(any ExplanationProvider)
    /// A radio's tracks, chosen by the taste model around `name`.
    case radioReady(name: String, trackIDs: [Int64])
    /// The taste model's "up next" after the track `after` (`Effect.suggest`'s answer).
    case suggestionsReady(after: Int64?, trackIDs: [Int64])
    /// The background analysis analysed `done` of `total` tracks.
    case analysisProgress(done: Int, total: Int)
    /// A line for the status bar: what an effect did, or why it failed.
    case info(String)
    case failure(String)
    /// The session saved at the last quit, once the library is loaded.
    case restore(SavedSession)
}

/// The engine's events, as the interface needs them: queue entries are named by their entry id.
public enum PlayerEvent: Sendable, Equatable {
    case started(entryID: Int, duration: Double?)
    case progressed(entryID: Int, position: Double, duration: Double?)
    /// Echoes of the app's own pause and resume, for the entry they were made on.
    case paused(entryID: Int, position: Double)
    case resumed(entryID: Int, position: Double)
    case stopped
    case failed(entryID: Int, message: String)
    case queueFinished
    case volume(Int)
    case outputLost(String)
    case outputRestored
}

/// What `handle` asks the outside world to do. The run loop carries these out and answers with messages.
public enum Effect: Sendable, Equatable {
    /// Play `entries[0]` now (from `position` seconds), with the rest following gaplessly.
    case startPlayback([QueueEntry], position: Double)
    /// Replace what follows the entry being played.
    case setUpcoming([QueueEntry])
    /// Find the lyrics of `path` for queue entry `entryID` (a `.lrc` beside it, or its tags).
    case loadLyrics(entryID: Int, path: String)
    case transport(TransportAction)
    case setReplayGain(String)
    case runFilter(generation: Int, FilterExpression)
    case listDirectory(String)
    case scan(path: String)
    case playFile(path: String)
    /// A file or folder's tracks to the end of the queue (answered with `tracksToPlay(replace: false)`).
    case queueFile(path: String)
    case loadList(path: String, replace: Bool)
    case saveList(name: String, tracks: [TrackRow], path: String)
    case savePlaylist(name: String, trackIDs: [Int64])
    case createSmartPlaylist(name: String, filter: String)
    case renamePlaylist(from: String, to: String)
    case deletePlaylist(name: String)
    case importPlaylist(path: String, name: String?)
    case setOpinion(Opinion, trackID: Int64)
    case sendFeedback(TasteFeedback, trackID: Int64)
    case startRadio(RadioScope, seedTrackID: Int64)
    /// Ask the taste model (`explainer`) for `AppState.suggestionCount` "up next" tracks after `after`,
    /// none of `excluding` (the queue's), off this thread: ranking a large library takes tens of
    /// milliseconds, too long for a keystroke to wait behind.
    case suggest(after: TrackRow?, excluding: Set<Int64>)
    case applyTheme(String)
    case setSetting(key: String, value: String)
    case setPrivateSession(Bool)
    /// Turn opt-in sync on (to `server`) or off (unsent reports deleted, nothing sent).
    case setSync(on: Bool, server: String?)
    /// Saved filters (`:fsave`), kept whether or not sessions are restored.
    case saveFilters([String: String])
    case exportData
    case forgetAll
    case redraw
    case quit
}

public enum TransportAction: Sendable, Equatable {
    case pause, resume, stop
    case seek(seconds: Double, relative: Bool)
    case volume(percent: Int, relative: Bool)
}

public enum Opinion: String, Sendable, Equatable {
    case like, dislike, unlike
}
