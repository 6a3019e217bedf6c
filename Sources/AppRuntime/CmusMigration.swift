import Foundation
import LibraryScanning
import MusicLibrary

/// `hum import-cmus`: a cmus listener's library and playlists, moved into hum's library in one step.
/// cmus keeps its library as a list of files (`lib.pl`, one path a line) and each playlist as a file of
/// the same kind under `playlists/`; both are read as playlist files, so paths, `file://` URLs and
/// stray lines are treated as `:pl-import` treats them. cmus's files are only read, never changed.
public enum CmusMigration {
    public struct Report: Sendable, Equatable {
        public struct ImportedPlaylist: Sendable, Equatable {
            public var name: String
            public var tracks: Int
            /// Entries whose file is not there (or not a local file) and files hum could not read.
            public var missing: Int
        }

        /// The files `lib.pl` names that exist, and the scan that added them (nil without a `lib.pl`).
        public var libraryFiles = 0
        public var missingLibraryFiles = 0
        public var scan: ScanSummary?
        public var playlists: [ImportedPlaylist] = []
        /// Playlists left alone: hum has one of the same name (a second run imports nothing twice).
        public var keptPlaylists: [String] = []
        /// Playlist files that could not be read, with why.
        public var failures: [String] = []
    }

    /// cmus's folder: `$CMUS_HOME`, or `$XDG_CONFIG_HOME/cmus`, or `~/.config/cmus` (as cmus looks).
    public static func defaultDirectory(environment: [String: String]) -> String {
        ThemeLoader.cmusDirectories(environment: environment)[0]
    }

    public static func run(store: LibraryStore, directory: String,
                           progress: (ScanProgress) -> Void = { _ in }) throws -> Report {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigError("no cmus folder at \(directory) (cmus keeps it in ~/.config/cmus; --from names another)")
        }
        var report = Report()
        let scanner = LibraryScanner(store: store)
        let libraryList = directory + "/lib.pl"
        if FileManager.default.fileExists(atPath: libraryList) {
            let read = try Services.readPlaylistFile(libraryList)
            report.libraryFiles = read.files.count
            report.missingLibraryFiles = read.unresolved.count
            report.scan = try scanner.scan(read.files, progress: progress)
        }
        let folder = directory + "/playlists"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        let existing = Set(try store.playlists().map(\.name))
        for name in names {
            let path = folder + "/" + name
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            guard !existing.contains(name) else {
                report.keptPlaylists.append(name)
                continue
            }
            do {
                let read = try Services.readPlaylistFile(path)
                let ids = try scanner.trackIDs(for: read.files)
                let trackIDs = read.files.compactMap { ids[$0] }
                _ = try store.savePlaylist(name: name, trackIDs: trackIDs)
                report.playlists.append(.init(name: name, tracks: trackIDs.count,
                                              missing: read.unresolved.count + read.files.count - trackIDs.count))
            } catch {
                report.failures.append("\(error)")
            }
        }
        return report
    }
}
