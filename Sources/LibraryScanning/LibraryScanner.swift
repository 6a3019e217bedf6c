import Foundation
import MusicCore
import MusicLibrary
import Synchronization

/// Brings the library in step with folders on disk: new files added, changed files re-read, moved files
/// followed (their history with them), deleted files taken out (their history kept for a re-add).
///
/// Unchanged files (same size and modification time) are never opened, nor are files that failed before
/// and have not changed. The files to read go, as the walk finds them, to reader threads (one per core
/// but one); the calling thread writes their results in batches, one transaction each, and reads files
/// itself while it has less than a batch to write.
public final class LibraryScanner: Sendable {
    /// Tracks written per transaction: large enough to amortise the commit, small enough that progress
    /// shows and a crash loses little.
    public static let batchSize = 500
    /// Results read but not yet written, at most.
    static let maximumUnwritten = 2 * batchSize

    public let store: LibraryStore
    let reader: TrackFileReader
    let walker: FolderWalker
    let threads: Int

    /// `threads` readers; by default one per core but the one the writer needs (measured on 2 cores: one
    /// reader 8,300 files/s, two 7,400, three 6,800 — the writer is the other busy thread).
    public init(store: LibraryStore, includeHidden: Bool = false,
                threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)) {
        self.store = store
        self.reader = TrackFileReader()
        self.walker = FolderWalker(includeHidden: includeHidden)
        self.threads = max(1, threads)
    }

    /// Scans `roots` (folders or files). `progress` is called from the calling thread a few times a second.
    /// - Throws: `LibraryError` when the library cannot be read or written (files that cannot be read are
    ///   counted in the summary instead).
    public func scan(_ roots: [String], progress: (ScanProgress) -> Void = { _ in }) throws -> ScanSummary {
        let started = Date()
        let roots = roots.map(Self.absolute)
        var summary = ScanSummary()

        let knownList = try store.presentFiles()
        var known: [PathKey: KnownFile] = [:]
        known.reserveCapacity(knownList.count)
        for file in knownList { known[PathKey(file.path)] = file }
        let failedBefore = Dictionary(try store.knownFailures().map { (PathKey($0.path), $0) }, uniquingKeysWith: { a, _ in a })

        // Files to read go to the readers as the walk finds them.
        let pipeline = ReadPipeline(reader: reader, threads: threads, unwrittenLimit: Self.maximumUnwritten)
        var seen = Set<PathKey>()
        seen.reserveCapacity(knownList.count)
        let problems = walker.walk(roots) { file in
            summary.files += 1
            let key = PathKey(file.path)
            guard seen.insert(key).inserted else { return }
            if let track = known[key], track.size == file.size, track.mtimeNs == file.mtimeNs {
                summary.unchanged += 1
            } else if let failure = failedBefore[key], failure.size == file.size, failure.mtimeNs == file.mtimeNs {
                summary.failures.append(.init(path: file.path, reason: failure.reason))
            } else {
                pipeline.add(file)
            }
        }
        let toRead = pipeline.close()
        for problem in problems { summary.failures.append(.init(path: problem.path, reason: problem.reason)) }

        // Tracks under the scanned folders whose files were not found: moved (if found elsewhere) or gone.
        // A folder that could not be read hides nothing: what is under it stays.
        let unreadable = problems.map { $0.path }
        let folderRoots = roots.filter { root in
            var status = stat()
            return stat(root, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
        }
        let fileRoots = Set(roots.map(PathKey.init))
        func isScanned(_ path: String) -> Bool {
            (folderRoots.contains { Self.isInside(path, $0) } || fileRoots.contains(PathKey(path)))
                && !unreadable.contains { Self.isInside(path, $0) }
        }
        var movable = Set(knownList.filter { !seen.contains(PathKey($0.path)) && isScanned($0.path) }.map(\.id))
        let vanishedFailures = failedBefore.values.filter { !seen.contains(PathKey($0.path)) && isScanned($0.path) }.map(\.path)

        if toRead > 0 { try store.prepareForImport(tracks: knownList.count + toRead) }
        defer { if toRead > 0 { try? store.finishImport() } }
        // More than a batch: the search index takes the new tracks once, at the end.
        let deferSearch = toRead > Self.batchSize
        if deferSearch { try store.deferSearchIndex() }
        do {
            try save(from: pipeline, total: toRead, movable: &movable, summary: &summary, started: started, progress: progress)
            if deferSearch { try store.indexDeferredSearch() }
        } catch {
            // What was written is found by search at once (else the next open of the library indexes it).
            if deferSearch { try? store.indexDeferredSearch() }
            throw error
        }

        try store.markRemoved(trackIDs: Array(movable), failedPaths: Array(vanishedFailures))
        summary.removed = movable.count
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// Writes the results in batches of `batchSize`, one transaction each, until all `total` are written.
    /// While fewer than a batch wait, this thread reads files too (see `ReadPipeline.readOne`). After a
    /// write error the rest is still read (so the readers finish), but not written.
    private func save(from pipeline: ReadPipeline, total: Int, movable: inout Set<Int64>, summary: inout ScanSummary,
                      started: Date, progress: (ScanProgress) -> Void) throws {
        var handled = 0
        var pending: [(TrackFile, Result<TrackMetadata, any Error>)] = []
        var lastProgress = Date.distantPast
        var writeError: (any Error)?
        while handled < total {
            // Taken only while short of a batch: what waits for the writer stays bounded.
            if pending.count < Self.batchSize { pending += pipeline.takeResults() }
            let unread = total - handled - pending.count
            if pending.count >= Self.batchSize || unread == 0 {
                let count = min(pending.count, Self.batchSize)
                handled += count
                summary.filesOpened += count
                if writeError == nil {
                    do { try save(pending[..<count], movable: &movable, summary: &summary) } catch { writeError = error }
                }
                pending.removeFirst(count)
            } else if let result = pipeline.readOne() {
                pending.append(result)
            } else {
                pipeline.waitForReaders(upTo: .milliseconds(10))  // they have the last files, or the first
            }
            if Date().timeIntervalSince(lastProgress) >= 0.1 || handled == total {
                lastProgress = Date()
                progress(ScanProgress(total: total, done: handled, elapsed: Date().timeIntervalSince(started)))
            }
        }
        if let writeError { throw writeError }
    }

    private func save(_ part: ArraySlice<(TrackFile, Result<TrackMetadata, any Error>)>, movable: inout Set<Int64>,
                      summary: inout ScanSummary) throws {
        var good: [(TrackFile, TrackMetadata)] = []
        var bad: [(TrackFile, String)] = []
        for (file, outcome) in part {
            switch outcome {
            case .success(let metadata):
                good.append((file, metadata))
                if metadata.tagWarning != nil { summary.tagWarnings += 1 }
            case .failure(let error):
                let reason = (error as? AudioFileError)?.reason ?? "\(error)"
                bad.append((file, reason))
                summary.failures.append(.init(path: file.path, reason: reason))
            }
        }
        for outcome in try store.saveScannedFiles(good, movable: &movable) {
            switch outcome {
            case .added: summary.added += 1
            case .updated: summary.updated += 1
            case .moved: summary.moved += 1
            case .reconnected: summary.reconnected += 1
            }
        }
        if !bad.isEmpty { try store.saveScanFailures(bad) }
    }

    /// `path` made absolute and tidied ("a/./b//c/../d" → "/cwd/a/b/d") without resolving symbolic links:
    /// the library keeps paths as the listener names them (`~/Music` may be a link to another disk).
    public static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parts: [Substring] = []
        for part in full.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }
}

/// How far a scan is, for the progress bar.
public struct ScanProgress: Sendable, Equatable {
    /// Files to read (new or changed).
    public var total: Int
    public var done: Int
    public var elapsed: Double

    public var filesPerSecond: Double { elapsed > 0 ? Double(done) / elapsed : 0 }
    /// Seconds left at the current rate, once there is a rate.
    public var remaining: Double? {
        let rate = filesPerSecond
        return rate > 0 && done > 0 ? Double(total - done) / rate : nil
    }
}

/// What a scan did.
public struct ScanSummary: Sendable, Equatable {
    public struct Failure: Sendable, Equatable {
        public var path: String
        public var reason: String
    }

    /// Audio files found on disk.
    public var files = 0
    public var unchanged = 0
    public var added = 0
    public var updated = 0
    public var moved = 0
    /// Removed earlier, back now, with their history.
    public var reconnected = 0
    public var removed = 0
    public var failures: [Failure] = []
    /// Files added with their audio but without tags (TagLib could not read them).
    public var tagWarnings = 0
    /// Files this scan opened (zero for a rescan of an unchanged library).
    public var filesOpened = 0
    public var seconds = 0.0
}

extension AudioFileError {
    /// The reason alone (the summary names the file itself).
    var reason: String {
        switch self {
        case .unsupportedFormat(_, let found): "unsupported format (\(found))"
        case .unreadable(_, let reason): reason
        case .corrupt(_, let reason): reason
        }
    }
}

extension LibraryScanner {
    /// The library track of each file (added now when new), by the path as given: what `hum play` needs
    /// to log listens of files it was handed directly. Unchanged files are not opened.
    public func trackIDs(for paths: [String]) throws -> [String: Int64] {
        let absolute = paths.map(Self.absolute)
        _ = try scan(Array(Set(absolute)).filter { path in
            var status = stat()
            return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        })
        var ids: [String: Int64] = [:]
        for (given, full) in zip(paths, absolute) {
            if let track = try store.track(path: full), track.isPresent { ids[given] = track.id }
        }
        return ids
    }
}
