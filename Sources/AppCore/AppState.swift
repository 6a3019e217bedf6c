import TerminalUI

/// Everything the interface shows, as plain values: the screens draw it, `handle` changes it, and the
/// run loop only carries out the effects `handle` returns. Nothing here does I/O, so every behaviour is
/// tested without a terminal, a store or a sound server.
public struct AppState: Sendable {
    public var rows: Int
    public var columns: Int

    public var library = LibraryIndex(tracks: [])
    /// Plays, skips, last listens and opinions, for the filter terms that read them.
    public var listening = ListeningFacts()
    public var filter = ActiveFilter()
    public var view: ViewKind = .library
    public var help = HelpState()
    public var showingWhy = false
    /// `t`: the lyrics panel, and the lyrics of the queue entry they were read for (nil lyrics: none found).
    public var showingLyrics = false
    public var lyrics: LoadedLyrics?
    public var whyLines: [String] = ExplanationText.nothingLearnedYet
    /// What the panel asks; the recommender will replace it.
    public var explainer: any ExplanationProvider = NothingLearnedYet()
    /// The taste model's "up next" suggestions after the track playing (shown under the queue).
    public var suggestions: [TrackRow] = []
    /// How many suggestions the queue view shows.
    public static let suggestionCount = 3
    /// The background audio analysis's progress (tracks done, tracks to do), while it runs.
    public var analysis: (done: Int, total: Int)?

    public var libraryView = LibraryViewState()
    public var tracksView = TracksViewState()
    public var playlistsView = PlaylistsViewState()
    public var queueCursor = ListCursor()
    public var browser = BrowserState()
    public var settings: [SettingEntry] = []
    public var settingsCursor = ListCursor()
    public var privacy = PrivacyState()

    public var queue = PlayQueue()
    /// The entry the engine was last told follows the current one.
    public var upcomingID: Int?
    /// Cursors of a restored session, set again once the filter it had has answered.
    public var pendingCursors: SavedSession?
    public var player = PlayerStatus()

    public var prompt: PromptState?
    public var lastSearch: (text: String, backward: Bool)?
    public var marks: Set<Int64> = []
    public var undo: [UndoSnapshot] = []
    public var confirmation: Confirmation?
    public var message: StatusMessage?

    public var keyMap = KeyMap.defaults
    public var history = CommandHistory()
    public var savedFilters: [String: String] = [:]
    public var themeNames: [String] = []
    public var volumeStep = 5
    public var seekStep = 5.0
    public var shuffleSeed: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// Whether quitting was asked for: the run loop ends after this `handle`.
    public var quitting = false
    /// For `~` in paths typed on the command line.
    public var homeDirectory: String?
    /// Lists a folder for path completion (folders end in "/"); the run loop gives the real one.
    public var listDirectory: @Sendable (String) -> [String] = { _ in [] }

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }

    /// The smallest screen hum draws; below it, a message asks for more room.
    public static let minimumRows = 8, minimumColumns = 40

    public var isTooSmall: Bool { rows < Self.minimumRows || columns < Self.minimumColumns }

    /// Rows a list has: the screen less the title bar, a heading, two now-playing rows and the command line.
    public var listHeight: Int { max(1, rows - 5) }
}

// MARK: - The library

/// The library's tracks, and the artist → album tree over whichever of them the filter lets through.
public struct LibraryIndex: Sendable {
    public private(set) var tracks: [TrackRow]
    /// Position by track id: `positionOfID` when ids are dense (the usual case), else `positionByID`.
    private var positionOfID: [Int32]
    private var positionByID: [Int64: Int]
    /// For each position, its artist's and its album's number in library order (an album is a run of one
    /// artist's tracks with one album title). The tree is regrouped on every filter keystroke: comparing
    /// these numbers instead of the names makes that a few milliseconds for 100,000 tracks.
    public private(set) var artistOrdinal: [Int32]
    public private(set) var albumOrdinal: [Int32]
    /// The tree of every track, grouped once: clearing the filter shows it again without regrouping 100,000.
    public private(set) var wholeTree: [ArtistNode] = []
    /// Each position's place in the whole library sorted by a column, worked out the first time the
    /// Tracks view sorts by it (`sortRanks(by:)`): then sorting any filtered part of the library compares
    /// two integers, where comparing the folded titles of 100,000 tracks took the UI thread seconds.
    private var ranksByColumn: [SortColumn: [Int32]] = [:]

    public init(tracks: [TrackRow]) {
        self.tracks = tracks
        var artists: [Int32] = [], albums: [Int32] = []
        artists.reserveCapacity(tracks.count)
        albums.reserveCapacity(tracks.count)
        var artist: Int32 = -1, album: Int32 = -1
        var maximumID: Int64 = 0
        for (position, track) in tracks.enumerated() {
            maximumID = max(maximumID, track.id)
            let newArtist = position == 0 || Self.artistName(track) != Self.artistName(tracks[position - 1])
            if newArtist { artist += 1 }
            if newArtist || Self.albumTitle(track) != Self.albumTitle(tracks[position - 1]) { album += 1 }
            artists.append(artist)
            albums.append(album)
        }
        artistOrdinal = artists
        albumOrdinal = albums
        // Store ids are dense (rowids): an array indexed by id answers in a load where a dictionary hashes,
        // which was the biggest cost of turning a filter's 36,000 matching ids into positions.
        if maximumID < Int64(tracks.count) * 4 + 1024 {
            var dense = [Int32](repeating: -1, count: Int(maximumID) + 1)
            for (position, track) in tracks.enumerated() where track.id >= 0 { dense[Int(track.id)] = Int32(position) }
            positionOfID = dense
            positionByID = [:]
        } else {
            var positions: [Int64: Int] = [:]
            positions.reserveCapacity(tracks.count)
            for (position, track) in tracks.enumerated() { positions[track.id] = position }
            positionOfID = []
            positionByID = positions
        }
        wholeTree = AppState.group(self, positions: Array(tracks.indices))
    }

    public func track(id: Int64) -> TrackRow? { position(of: id).map { tracks[$0] } }

    public func position(of id: Int64) -> Int? {
        guard !positionOfID.isEmpty else { return positionByID[id] }
        guard id >= 0, id < Int64(positionOfID.count) else { return nil }
        let position = positionOfID[Int(id)]
        return position < 0 ? nil : Int(position)
    }

    /// The ranks for `column` (see `ranksByColumn`), worked out now if they were not yet.
    public mutating func sortRanks(by column: SortColumn) -> [Int32] {
        if let ranks = ranksByColumn[column] { return ranks }
        let ranks = Self.ranks(tracks, by: column)
        ranksByColumn[column] = ranks
        return ranks
    }

    /// Every position's rank when the library is sorted by `column`: text case- and accent-insensitively
    /// ("Émilie" with "emilie", before "Zoë"), paths byte by byte, numbers as numbers (none first);
    /// ties keep library order, so the ranks are distinct and the sort is stable.
    static func ranks(_ tracks: [TrackRow], by column: SortColumn) -> [Int32] {
        var order = Array(tracks.indices)
        func byText(_ key: (TrackRow) -> [UInt8]) {
            // Every key in one buffer: comparing slices of it touches no reference counts.
            var bytes: [UInt8] = [], starts: [Int] = [0]
            starts.reserveCapacity(tracks.count + 1)
            for track in tracks {
                bytes += key(track)
                starts.append(bytes.count)
            }
            bytes.withUnsafeBufferPointer { all in
                order.sort { a, b in
                    let x = all[starts[a]..<starts[a + 1]], y = all[starts[b]..<starts[b + 1]]
                    var i = x.startIndex, j = y.startIndex
                    while i < x.endIndex && j < y.endIndex {
                        if all[i] != all[j] { return all[i] < all[j] }
                        i += 1
                        j += 1
                    }
                    let lengths = x.count - y.count
                    return lengths != 0 ? lengths < 0 : a < b
                }
            }
        }
        switch column {
        case .artist: break
        case .album: byText { TextFolding.foldedUTF8($0.album) }
        case .title: byText { TextFolding.foldedUTF8($0.title) }
        case .genre: byText { TextFolding.foldedUTF8($0.genre) }
        case .path: byText { Array($0.path.utf8) }
        case .year: order.sort { (tracks[$0].year ?? 0, $0) < (tracks[$1].year ?? 0, $1) }
        case .duration: order.sort { (tracks[$0].duration ?? 0, $0) < (tracks[$1].duration ?? 0, $1) }
        case .track:
            order.sort {
                (tracks[$0].discNumber ?? 0, tracks[$0].trackNumber ?? 0, $0) < (tracks[$1].discNumber ?? 0, tracks[$1].trackNumber ?? 0, $1)
            }
        }
        var ranks = [Int32](repeating: 0, count: tracks.count)
        for (rank, position) in order.enumerated() { ranks[position] = Int32(rank) }
        return ranks
    }

    /// The names the tree shows.
    public static func artistName(_ track: TrackRow) -> String { track.albumArtist.isEmpty ? unknownArtist : track.albumArtist }
    public static func albumTitle(_ track: TrackRow) -> String { track.album.isEmpty ? unknownAlbum : track.album }
    static let unknownArtist = "Unknown artist", unknownAlbum = "Unknown album"
}

/// The live filter: what was typed, and the library positions it lets through (nil: everything).
public struct ActiveFilter: Sendable {
    public var text = ""
    public var visible: [Int]?
    /// Answers for older generations (keys typed since) are dropped.
    public var generation = 0
    /// The generation `visible` answers: while it lags `generation`, the screen says the answer is coming.
    public var answered = 0
    public var isPending: Bool { answered != generation }
    public var error: String?
    /// Whether the views were built from `visible` over the library as it is now: an answer equal to
    /// `visible` then changes nothing on screen but the count, and the views are not regrouped (a key
    /// that narrows no further, as the last letters of a name do). A reload clears it.
    public var viewsAreCurrent = false
    public init() {}
}

/// An artist of the tree with their albums, each album a run of library positions. Its positions, and each album's, are slices of the one array the tree was
/// grouped from: regrouping 37,000 filtered tracks allocates per artist, not per album and track list.
public struct ArtistNode: Sendable, Equatable {
    public var name: String
    /// A slice of one array holding every artist's albums: index it with its own `indices`.
    public var albums: ArraySlice<AlbumNode>
    /// Its albums' positions, in order.
    public var positions: ArraySlice<Int>
}

public struct AlbumNode: Sendable, Equatable {
    public var title: String
    public var year: Int?
    public var positions: ArraySlice<Int>
}

/// One row of the tree as shown: an artist, or an album of an expanded artist.
public enum TreeRow: Sendable, Equatable {
    case artist(Int)
    case album(artist: Int, album: Int)
}

public enum LibraryPane: String, Sendable, Codable { case tree, tracks }

public struct LibraryViewState: Sendable {
    public var artists: [ArtistNode] = []
    public var rows: [TreeRow] = []
    public var expanded: Set<String> = []
    public var treeCursor = ListCursor()
    public var trackCursor = ListCursor()
    public var focus: LibraryPane = .tree
    public init() {}
}

public struct TracksViewState: Sendable {
    /// Library positions in the order shown.
    public var order: [Int] = []
    public var sort: SortColumn = .artist
    public var descending = false
    public var cursor = ListCursor()
    public init() {}
}

/// A cursor in a list, and the first row shown (the list scrolls as little as it can to keep the cursor in view).
public struct ListCursor: Sendable, Equatable, Codable {
    public var index = 0
    public var top = 0
    public init(index: Int = 0, top: Int = 0) {
        self.index = index
        self.top = top
    }
}

// MARK: - Playlists

/// A playlist as the interface holds it. A smart playlist's tracks are those its filter matches now.
public struct PlaylistEntry: Sendable, Equatable {
    public var name: String
    public var trackIDs: [Int64]
    public var filter: String?
    public init(name: String, trackIDs: [Int64], filter: String? = nil) {
        self.name = name
        self.trackIDs = trackIDs
        self.filter = filter
    }
    public var isSmart: Bool { filter != nil }
}

public struct PlaylistsViewState: Sendable {
    public var playlists: [PlaylistEntry] = []
    public var listCursor = ListCursor()
    public var itemCursor = ListCursor()
    public var focus: LibraryPane = .tree
    public init() {}
}

// MARK: - The queue and the player

/// One entry of the play queue. The same track may be queued twice; `id` tells the entries apart.
/// The lyrics read for one queue entry; `lyrics` nil when it has none.
public struct LoadedLyrics: Sendable, Equatable {
    public var entryID: Int
    public var lyrics: Lyrics?
}

public struct QueueEntry: Sendable, Equatable, Codable {
    public var id: Int
    public var track: TrackRow
    public init(id: Int, track: TrackRow) {
        self.id = id
        self.track = track
    }
}

public struct PlayQueue: Sendable {
    public var entries: [QueueEntry] = []
    /// The entry playing (or paused, or restored), by index.
    public var current: Int?
    public var nextID = 1
    /// Entries played since shuffle was switched on, so shuffle does not repeat before the queue is done.
    public var playedInShuffle: Set<Int> = []
    public init() {}

    public mutating func makeEntries(_ tracks: [TrackRow]) -> [QueueEntry] {
        tracks.map { track in
            defer { nextID += 1 }
            return QueueEntry(id: nextID, track: track)
        }
    }

    public var currentEntry: QueueEntry? { current.flatMap { entries.indices.contains($0) ? entries[$0] : nil } }
    public func index(ofEntry id: Int) -> Int? { entries.firstIndex { $0.id == id } }
}

public struct PlayerStatus: Sendable, Equatable {
    public enum Status: String, Sendable, Codable { case stopped, playing, paused }
    public var status: Status = .stopped
    public var position: Double = 0
    public var duration: Double?
    public var volume = 100
    public var repeatAll = false
    /// The track playing starts again when it ends (cmus's `repeat_current`); wins over `repeatAll`.
    public var repeatCurrent = false
    /// cmus's `continue`: off, playback stops when the track ends (repeat current still repeats it).
    public var continues = true
    public var shuffle = false
    public var smart = false
    public var replayGain = "auto"
    public var outputLost: String?
    /// What repeats, as MPRIS and the status line name it.
    public var repeatMode: RepeatMode { repeatCurrent ? .track : repeatAll ? .queue : .off }
    /// True while the engine has not been given the current entry yet (a restored session): play starts
    /// it at `position`.
    public var notStarted = false
    /// Whether the engine said the current entry started (since the app last asked for one): the end of
    /// the engine's queue then means it played faster than `setUpcoming` could follow.
    public var currentStarted = false
    public init() {}
}

// MARK: - Other views

public struct BrowserEntry: Sendable, Equatable {
    public var name: String
    public var isFolder: Bool
    public init(name: String, isFolder: Bool) {
        self.name = name
        self.isFolder = isFolder
    }
}

public struct BrowserState: Sendable {
    public var path = "/"
    public var entries: [BrowserEntry] = []
    public var cursor = ListCursor()
    public init() {}
}

/// One setting as the Settings view shows it; `choices` are cycled with Enter, other values are typed.
public struct SettingEntry: Sendable, Equatable {
    public var key: String
    public var value: String
    public var summary: String
    public var choices: [String]
    public init(key: String, value: String, summary: String, choices: [String] = []) {
        self.key = key
        self.value = value
        self.summary = summary
        self.choices = choices
    }
}

public struct PrivacyState: Sendable {
    public var collectHistory = true
    public var privateSession = false
    public var sync = SyncSummary()
    public var cursor = ListCursor()
    public init() {}

    /// The rows of the Privacy view, in order.
    public enum Row: Int, CaseIterable, Sendable { case collectHistory, privateSession, sync, export, forget }

    /// Where the rows start in a body `height` rows high: under three lines of text and a blank line,
    /// unless that would leave no room for all the rows; then at the top.
    public static func rowsTop(height: Int) -> Int { height >= 4 + Row.allCases.count ? 4 : 0 }
}

/// Opt-in sync as the Privacy view shows it: on or off, where to, what waits, and the budget spent.
public struct SyncSummary: Sendable, Equatable {
    public var enabled = false
    /// The server reports go to (HOST:PORT), or the one last used while off; nil if never set.
    public var server: String?
    public var waiting = 0
    public var sent = 0
    /// ε spent in the rolling 24 hours and 30 days, and their caps.
    public var daySpent = 0.0, dayCap = 2.0, monthSpent = 0.0, monthCap = 10.0

    public init(enabled: Bool = false, server: String? = nil, waiting: Int = 0, sent: Int = 0,
                daySpent: Double = 0, dayCap: Double = 2, monthSpent: Double = 0, monthCap: Double = 10) {
        self.enabled = enabled
        self.server = server
        self.waiting = waiting
        self.sent = sent
        self.daySpent = daySpent
        self.dayCap = dayCap
        self.monthSpent = monthSpent
        self.monthCap = monthCap
    }

    /// What sync sends, as the Privacy view lists it (and as `hum sync enable` prints it).
    public static let whatIsSent = [
        "Sync sends, noised on this machine (ε = 1 each), and nothing else:",
        "  daily: one listen's trait cell (energy, tempo, brightness), day part, skipped",
        "  weekly: one liked track's trait cell",
        "No account, no install id, no track, no time finer than a day (hum privacy log).",
    ]
}

public struct HelpState: Sendable {
    public var isShown = false
    public var scroll = 0
    public init() {}
}

public struct PromptState: Sendable, Equatable {
    public var kind: PromptKind
    public var text: String
    /// In characters.
    public var cursor: Int
    public var historyIndex: Int?
    public var completions: [String] = []
    public var completionIndex: Int?
    /// Where the cursor was when a search began, so Escape can put it back.
    public var origin: Int?
    /// The filter before the filter prompt opened, for the same reason.
    public var originalText: String?
}

public struct StatusMessage: Sendable, Equatable {
    public var text: String
    public var isError: Bool
}

/// A question that needs y/n before an action is carried out.
public struct Confirmation: Sendable, Equatable {
    public var question: String
    public var effect: Effect
}

/// The queue and playlists before an edit, so `u` can put them back.
public struct UndoSnapshot: Sendable {
    public var what: String
    public var queue: PlayQueue
    public var playlists: [PlaylistEntry]
}

/// Says why a track plays, for the "Why this song?" panel (`w`). The recommender will be one; until
/// then `NothingLearnedYet` says the truth.
public protocol ExplanationProvider: Sendable {
    /// Lines for the panel about `track`, picked from `source` (a queue, an album, a shuffle…).
    func explain(_ track: TrackRow, source: String) -> [String]
    /// Whether smart picks come from a taste model (false: smart shuffle plays as plain shuffle).
    var learns: Bool { get }
    /// Smart shuffle's choice among `candidates` (an index into it), after `previous`, deterministic for
    /// `seed`; nil to fall back to plain shuffle.
    func pickNext(among candidates: [TrackRow], after previous: TrackRow?, seed: UInt64) -> Int?
    /// "Up next": the ids of up to `count` library tracks the model would play after `previous`, none of
    /// `excluded` (what is queued already).
    func suggestions(count: Int, after previous: TrackRow?, excluding excluded: Set<Int64>) -> [Int64]
    /// Why smart modes are plain shuffle now, when they are (no model yet, personalization off).
    var unavailableReason: String { get }
}

extension ExplanationProvider {
    public var learns: Bool { false }
    public func pickNext(among candidates: [TrackRow], after previous: TrackRow?, seed: UInt64) -> Int? { nil }
    public func suggestions(count: Int, after previous: TrackRow?, excluding excluded: Set<Int64>) -> [Int64] { [] }
    public var unavailableReason: String { "no taste model yet" }
}

/// The provider while no taste model exists: the track plays because it is next, and nothing was learned.
public struct NothingLearnedYet: ExplanationProvider {
    public init() {}
    public func explain(_ track: TrackRow, source: String) -> [String] {
        ["Nothing learned yet.",
         "It plays because it is next in the \(source): no taste model runs yet,",
         "so no listen of yours has changed what plays."]
    }
}

public enum ExplanationText {
    public static let nothingLearnedYet = NothingLearnedYet().explain(TrackRow(id: 0, path: "", title: "", artist: "", album: ""), source: "queue")
}
