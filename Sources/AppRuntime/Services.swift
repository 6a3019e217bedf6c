import AppCore
import AudioFiles
import Foundation
import LibraryScanning
import MusicCore
import MusicLibrary
import PlaylistFiles
import Synchronization

/// The slow work the interface asks for (store queries, scans, files), done off the UI thread. Every
/// answer comes back as a `Message` through `post`, so the UI thread never waits on a disk.
final class Services: Sendable {
    let store: LibraryStore
    private let post: @Sendable (Message) -> Void
    private let work = SerialWorker(name: "hum.services")
    private let filterQueue = SerialWorker(name: "hum.filter")
    /// The newest filter asked for: older ones still waiting are skipped, so fast typing never queues work.
    private let pendingFilter = Mutex<(generation: Int, expression: FilterExpression, library: HeldLibrary)?>(nil)
    /// The library the UI holds, numbered: answers worked out ahead for one number are not used for another.
    private let library = Mutex(HeldLibrary(index: LibraryIndex(tracks: []), number: 0))
    /// Each one-letter filter's answer ("s", "7"…) for the library numbered `number`, worked out ahead
    /// (`prepareOneLetterFilters`): a filter's first key matches a large part of the library ("s"* is
    /// 58,000 of 100,000 generated tracks), and listing those from the index took 9–16 ms of that key's
    /// frame. 36 letters of 100k tracks hold about 560,000 positions (2.2 MiB).
    private let oneLetterAnswers = Mutex<(number: Int, positions: [Character: [Int32]])>((0, [:]))
    private let preparing = SerialWorker(name: "hum.filter.prepare")
    /// The listening log's numbers, for the filter terms that read them; replaced by `reloadListening`.
    private let listening = Mutex(ListeningFacts())

    struct HeldLibrary: Sendable {
        var index: LibraryIndex
        var number: Int
    }

    init(store: LibraryStore, post: @escaping @Sendable (Message) -> Void) {
        self.store = store
        self.post = post
    }

    // MARK: - The library

    /// The library as rows, in cmus's order: artists alphabetically, each one's albums by year
    /// (`LibraryOrder`).
    func loadRows() throws -> [TrackRow] {
        var rows = try store.allTracks(sorted: false).map(Self.row)
        LibraryOrder.sort(&rows)
        return rows
    }

    static func row(_ track: LibraryTrack) -> TrackRow {
        let fileName = track.path.split(separator: "/").last.map(String.init) ?? track.path
        let title = track.title.flatMap { $0.isEmpty ? nil : $0 } ?? fileName
        return TrackRow(id: track.id, path: track.path, title: title, artist: track.artistLine ?? "",
                        albumArtist: track.albumArtist ?? track.artistLine ?? "", album: track.album ?? "", year: track.year,
                        genre: track.genre ?? "", discNumber: track.discNumber, trackNumber: track.trackNumber,
                        duration: track.duration, format: track.format)
    }

    /// Reads the listening log's numbers again (`after` seconds from now: the log's writer batches its
    /// writes), keeps them for the filter thread and posts them to the interface.
    func reloadListening(after delay: Double = 0) {
        let job: @Sendable () -> Void = { [self] in
            do {
                let facts = Self.listeningFacts(try store.allStats(), now: Date().timeIntervalSince1970)
                listening.withLock { $0 = facts }
                post(.listeningLoaded(facts))
            } catch {
                post(.failure("cannot read the listening log: \(error)"))
            }
        }
        if delay > 0 { _ = work.async(after: delay, job) } else { work.async(job) }
    }

    static func listeningFacts(_ stats: [Int64: TrackStats], now: Double) -> ListeningFacts {
        ListeningFacts(byTrack: stats.mapValues { stats in
            ListeningFacts.Track(plays: stats.plays, skips: stats.skips, lastPlayedAt: stats.lastPlayedAt,
                                 opinion: stats.opinion == .like ? 1 : stats.opinion == .dislike ? -1 : 0)
        }, now: now)
    }

    /// The lyrics of `path` for the panel (`LyricsFinder`), read off the UI thread.
    func loadLyrics(entryID: Int, path: String) {
        work.async { [post] in post(.lyricsLoaded(entryID: entryID, LyricsFinder.find(path: path))) }
    }

    func playlistEntries() throws -> [PlaylistEntry] {
        try store.playlists().map { PlaylistEntry(name: $0.name, trackIDs: $0.trackIDs, filter: $0.filter) }
    }

    /// Remembers the library the UI holds (its own index, shared copy-on-write), for filters to run over.
    /// Answers prepared for the one it replaces are dropped; `prepare` works out the new one's (a reload
    /// after a scan), or leaves that to a later `prepareOneLetterFilters` (start-up, after the first frame).
    func setLibrary(_ index: LibraryIndex, prepare: Bool = true) {
        library.withLock { $0 = HeldLibrary(index: index, number: $0.number + 1) }
        if prepare { prepareOneLetterFilters() }
    }

    /// The letters and digits a one-letter filter is answered ahead for.
    static let preparedLetters = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// Works out every one-letter filter's answer for the library held now, in the background (a third
    /// of a second of CPU for 100,000 tracks); stops early if the library is replaced meanwhile.
    func prepareOneLetterFilters() {
        let held = library.withLock { $0 }
        preparing.async { [self] in
            var answers: [Character: [Int32]] = [:]
            for letter in Self.preparedLetters {
                guard library.withLock({ $0.number }) == held.number,
                      let positions = try? indexPositions(pattern: "\"\(letter)\"*", in: held.index) else { return }
                answers[letter] = positions.map { Int32($0) }
            }
            oneLetterAnswers.withLock { $0 = (held.number, answers) }
        }
    }

    /// The prepared answer for `pattern` over library `number`, when it is a one-letter prefix (`"S"*`).
    func preparedAnswer(pattern: String, library number: Int) -> [Int32]? {
        guard let letter = Self.oneLetter(pattern) else { return nil }
        return oneLetterAnswers.withLock { $0.number == number ? $0.positions[letter] : nil }
    }

    /// The letter of a one-letter prefix pattern, folded as the index folds it (`"S"*` → "s").
    static func oneLetter(_ pattern: String) -> Character? {
        let characters = Array(pattern)
        guard characters.count == 4, characters[0] == "\"", characters[2] == "\"", characters[3] == "*" else { return nil }
        let letter = Character(characters[1].lowercased())
        return preparedLetters.contains(letter) ? letter : nil
    }

    /// Reloads rows and playlists after a scan or an import, then says `done`.
    private func reload(then done: String?) {
        do {
            post(.libraryLoaded(try loadRows()))
            post(.playlistsLoaded(try playlistEntries()))
            if let done { post(.info(done)) }
        } catch {
            post(.failure("cannot read the library: \(error)"))
        }
    }

    // MARK: - Filter

    /// Runs a filter: the FTS index narrows the library, the expression checks what the index cannot.
    func runFilter(generation: Int, _ expression: FilterExpression) {
        let held = library.withLock { $0 }
        pendingFilter.withLock { $0 = (generation, expression, held) }
        filterQueue.async { [self] in
            guard let job = pendingFilter.withLock({ pending -> (generation: Int, expression: FilterExpression, library: HeldLibrary)? in
                defer { pending = nil }
                return pending
            }) else { return }
            do {
                post(.filterResults(generation: job.generation, positions: try matchingPositions(job.expression, in: job.library)))
            } catch {
                post(.filterFailed(generation: job.generation, message: "\(error)"))
            }
        }
    }

    func matchingPositions(_ expression: FilterExpression, in library: HeldLibrary) throws -> [Int] {
        let tracks = library.index.tracks
        let facts = expression.readsListening ? listening.withLock { $0 } : .none
        guard let pattern = expression.searchPattern else {
            return tracks.indices.filter { expression.matches(tracks[$0], listening: facts) }
        }
        var positions = try preparedAnswer(pattern: pattern, library: library.number)?.map { Int($0) }
            ?? indexPositions(pattern: pattern, in: library.index)
        if expression.needsRowCheck { positions = positions.filter { expression.matchesBeyondSearch(tracks[$0], listening: facts) } }
        return positions
    }

    /// The positions in `index`, in library order, of the tracks the search index finds for `pattern`.
    func indexPositions(pattern: String, in index: LibraryIndex) throws -> [Int] {
        // Removed tracks are not in the index: dropping ids it lacks drops them, so the store need not.
        // The index answers in id order; marking positions and reading them back gives library order
        // without a sort, when there are many.
        let ids = try store.matchingTrackIDs(pattern: pattern, includingRemoved: true)
        // A few matches (a name typed out): sorting them is cheaper than a pass over the whole library.
        if ids.count < index.tracks.count / 32 { return ids.compactMap(index.position(of:)).sorted() }
        var matched = [Bool](repeating: false, count: index.tracks.count)
        for id in ids {
            if let position = index.position(of: id) { matched[position] = true }
        }
        return matched.indices.filter { matched[$0] }
    }

    // MARK: - Files

    func listDirectory(_ path: String) {
        work.async { [self] in
            post(.browserListed(path: path, entries: Self.entries(of: path)))
        }
    }

    static func entries(of path: String) -> [BrowserEntry] {
        let entries = listing(path).filter { !$0.name.hasPrefix(".") }.map { BrowserEntry(name: $0.name, isFolder: $0.isFolder) }
        let order: (BrowserEntry, BrowserEntry) -> Bool = { NaturalOrder.areInIncreasingOrder($0.name, $1.name) }
        return (path == "/" ? [] : [BrowserEntry(name: "..", isFolder: true)]) + entries.filter(\.isFolder).sorted(by: order)
            + entries.filter { !$0.isFolder }.sorted(by: order)
    }

    /// Folder entries for the command line's path completion (folders end in "/").
    static func completionEntries(_ path: String) -> [String] {
        listing(path.isEmpty ? "." : path).sorted { $0.name < $1.name }.map { $0.isFolder ? $0.name + "/" : $0.name }
    }

    /// A folder's entries and which are folders (following links); empty when it cannot be read.
    private static func listing(_ folder: String) -> [(name: String, isFolder: Bool)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.map { name in
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder == "/" ? "/" + name : folder + "/" + name, isDirectory: &isFolder)
            return (name, isFolder.boolValue)
        }
    }

    /// `:add PATH`: scans a folder or file into the library.
    func scan(_ path: String) {
        work.async { [self] in
            guard FileManager.default.fileExists(atPath: path) else { return post(.failure("no such file or folder: \(path)")) }
            post(.info("scanning \(path)…"))
            do {
                let summary = try LibraryScanner(store: store).scan([path])
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                    try store.rememberScanFolders([LibraryScanner.absolute(path)])
                }
                let failed = summary.failures.isEmpty ? "" : ", \(summary.failures.count) failed (hum scan --verbose names them)"
                reload(then: "\(path): \(summary.added) added, \(summary.updated) updated\(failed)")
            } catch {
                post(.failure("cannot scan \(path): \(error)"))
            }
        }
    }

    /// `:play PATH` and Enter on a file in the Browser: the files become library tracks, then play.
    func play(_ path: String, replace: Bool = true) {
        work.async { [self] in
            let files = PlayableFiles.expand([path])
            guard !files.isEmpty else { return post(.failure("no audio files in \(path)")) }
            playFiles(files, replace: replace, failures: [])
        }
    }

    private func playFiles(_ files: [String], replace: Bool, failures: [String]) {
        do {
            let ids = try LibraryScanner(store: store).trackIDs(for: files)
            reload(then: nil)
            let tracks = files.compactMap { ids[$0] }.compactMap { try? store.track(id: $0) }.map(Self.row)
            let missing = failures + files.filter { ids[$0] == nil }
            if !missing.isEmpty { post(.failure("\(missing.count) not playable: \(missing[0])\(missing.count > 1 ? " …" : "")")) }
            post(.tracksToPlay(tracks, replace: replace))
        } catch {
            post(.failure("cannot add \(files.first ?? "") to the library: \(error)"))
        }
    }

    // MARK: - Playlist files

    /// Reads an M3U/M3U8/PLS file (or one without an extension, by its content): its entries' files,
    /// resolved against its folder.
    static func readPlaylistFile(_ path: String) throws -> (name: String?, files: [String], unresolved: [String]) {
        let named = PlaylistFormat(fileName: path)
        if let named, !named.canRead { throw ConfigError("\(path): not a playlist hum reads (.m3u, .m3u8 or .pls)") }
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigError("cannot read \(path)") }
        // A name without a playlist extension (cmus's playlists have none): the content says.
        guard let format = named ?? PlaylistFormat.sniffed([UInt8](data)) else {
            throw ConfigError("\(path): not a playlist hum reads (M3U, M3U8, PLS, or a list of paths as cmus keeps)")
        }
        let parsed: (name: String?, entries: [PlaylistFileEntry])
        do {
            parsed = try PlaylistFiles.parse([UInt8](data), format: format)
        } catch {
            throw ConfigError("\(path): \(error)")
        }
        let folder = (LibraryScanner.absolute(path) as NSString).deletingLastPathComponent
        var files: [String] = [], unresolved: [String] = []
        for entry in parsed.entries {
            if let file = PlaylistFiles.resolve(entry.location, relativeTo: folder), FileManager.default.fileExists(atPath: file) {
                files.append(file)
            } else {
                unresolved.append(entry.location)
            }
        }
        return (parsed.name, files, unresolved)
    }

    /// `:load FILE`: a playlist file's tracks to the queue.
    func loadList(_ path: String, replace: Bool) {
        work.async { [self] in
            do {
                let read = try Self.readPlaylistFile(path)
                guard !read.files.isEmpty else { return post(.failure("\(path): no playable entry")) }
                playFiles(read.files, replace: replace, failures: read.unresolved)
            } catch {
                post(.failure("\(error)"))
            }
        }
    }

    /// `:pl-import FILE [NAME]`: a playlist file becomes a playlist in the store.
    func importPlaylist(_ path: String, name: String?) {
        work.async { [self] in
            do {
                let read = try Self.readPlaylistFile(path)
                let ids = try LibraryScanner(store: store).trackIDs(for: read.files)
                let fileName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                let listName = name ?? read.name ?? fileName
                let trackIDs = read.files.compactMap { ids[$0] }
                try store.savePlaylist(name: listName, trackIDs: trackIDs)
                let skipped = read.unresolved.count + read.files.count - trackIDs.count
                reload(then: "playlist \(listName): \(trackIDs.count) tracks imported" + (skipped > 0 ? ", \(skipped) not found" : ""))
            } catch {
                post(.failure("\(error)"))
            }
        }
    }

    /// `:pl-export` and `:save`: writes a playlist file in the format its extension names.
    func writePlaylistFile(name: String, tracks: [TrackRow], path: String, relative: Bool) {
        work.async { [self] in
            guard let format = PlaylistFormat(fileName: path) else {
                return post(.failure("\(path): name the format by the extension: .m3u8, .m3u, .pls or .xspf"))
            }
            let absolute = LibraryScanner.absolute(path)
            let folder = (absolute as NSString).deletingLastPathComponent
            let rendered = RenderedPlaylist(name: name, tracks: tracks.map {
                RenderedPlaylist.Track(path: $0.path, title: $0.title, artist: $0.artist.isEmpty ? nil : $0.artist, duration: $0.duration)
            })
            let text = PlaylistFiles.render(rendered, format: format, relativeTo: relative ? folder : nil)
            if FileManager.default.createFile(atPath: absolute, contents: Data(text.utf8)) {
                post(.info("\(name): \(tracks.count) tracks written to \(path)"))
            } else {
                post(.failure("cannot write \(path): \(String(cString: strerror(errno)))"))
            }
        }
    }

    // MARK: - Store writes

    /// A store write off the UI thread; a failure is said on the status line, and the UI keeps its state.
    func write(_ what: String, _ body: @escaping @Sendable (LibraryStore) throws -> Void, reloadAfter: Bool = false) {
        work.async { [self] in
            do {
                try body(store)
                if reloadAfter { post(.playlistsLoaded(try playlistEntries())) }
            } catch {
                post(.failure("cannot \(what): \(error)"))
            }
        }
    }

    func exportData(to folder: String) {
        work.async { [self] in
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let summary = try LibraryExport.write(store: store, format: .jsonl, to: folder)
                post(.info("exported \(summary.listens) listens and \(summary.files.count) files to \(folder)"))
            } catch {
                post(.failure("cannot export to \(folder): \(error)"))
            }
        }
    }

    func forgetAll() {
        work.async { [self] in
            do {
                let erased = try store.forget(.all)
                post(.info("history erased: \(erased) records gone for good"))
            } catch {
                post(.failure("cannot erase the history: \(error)"))
            }
        }
    }
}
