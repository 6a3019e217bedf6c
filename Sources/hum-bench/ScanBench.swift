import ArgumentParser
import AudioFiles
import Foundation
import HumTestSupport
import LibraryScanning
import MusicCore
import MusicLibrary
import TagLibTags

struct ScanPhases: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan-phases",
        abstract: "Where a scan's time goes, in this process, one thread: walk, content key + format, TagLib, exact length.")

    @Argument(help: "A folder of audio files.")
    var folder: String

    func run() throws {
        var start = Date()
        let walk = FolderWalker().walk([folder])
        let walkSeconds = Date().timeIntervalSince(start)
        print("walk: \(walk.files.count) files in \(String(format: "%.3f", walkSeconds)) s")
        let reader = TrackFileReader()
        start = Date()
        var results: [(TrackFile, TrackMetadata)] = []
        for file in walk.files { if let metadata = try? reader.read(file) { results.append((file, metadata)) } }
        let readSeconds = Date().timeIntervalSince(start)
        print(String(format: "read (key, format, tags, length): %.0f µs/file, %.0f files/s on one core",
                     readSeconds / Double(walk.files.count) * 1e6, Double(walk.files.count) / readSeconds))
        let databasePath = NSTemporaryDirectory() + "hum-scan-phases-\(getpid()).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: databasePath + suffix) } }
        let store = try LibraryStore(path: databasePath)
        start = Date()
        var movable = Set<Int64>()
        var index = 0
        while index < results.count {
            let part = Array(results[index..<min(index + LibraryScanner.batchSize, results.count)])
            _ = try store.saveScannedFiles(part, movable: &movable)
            index += part.count
        }
        let saveSeconds = Date().timeIntervalSince(start)
        print(String(format: "save to the library: %.0f µs/track", saveSeconds / Double(results.count) * 1e6))
        for threads in [1, 2, 3] {
            let path = databasePath + "-\(threads)"
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let scanner = LibraryScanner(store: try LibraryStore(path: path), threads: threads)
            let summary = try scanner.scan([folder])
            print(String(format: "whole scan with %d reader thread(s): %.0f files/s", threads, Double(summary.filesOpened) / summary.seconds))
        }
        let tags = TagLibTagReader()
        start = Date()
        for file in walk.files {
            let codec = (try? FileSniffer.sniff(path: file.path)).flatMap { if case .audio(let c) = $0 { c } else { nil } } ?? .mpeg
            _ = try? tags.readTags(path: file.path, codec: codec)
        }
        let tagSeconds = Date().timeIntervalSince(start)
        print(String(format: "sniff + TagLib alone: %.0f µs/file", tagSeconds / Double(walk.files.count) * 1e6))
    }
}

struct ScanBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Library import speed against cmus, rescan time, event inserts and search, on generated libraries.",
        discussion: """
            For each folder (make them with ../shared/tools/gen_library.py): cmus imports it (in tmux, `cmus-remote -C "add DIR"`, done when its track count stops growing), then `hum scan` imports it into a fresh library; then an unchanged rescan. Targets: hum's tracks/s ≥ 1.5× cmus's, rescan of 100k ≤ 2 s, peak RSS ≤ cmus's. With the last folder's library, --events listening events are stored, then single-event writes and full-text searches are timed (targets: p99 ≤ 1 ms and ≤ 10 ms).
            """)

    @Argument(help: "Generated library folders, e.g. lib10k lib100k.")
    var folders: [String]

    @Option(help: "Events stored before timing inserts and searches.")
    var events = 1_000_000

    @Option(help: "Where the libraries and cmus's home go (default: a temporary folder).")
    var workDirectory: String?

    @Flag(help: "Skip cmus (when it is not installed).")
    var noCmus = false

    @Option(help: "Imports of each library by each player; the medians are compared (this machine is shared, and single runs vary by a third).")
    var runs = 3

    func run() throws {
        let hum = try HumBinary.path()
        let work = workDirectory ?? (NSTemporaryDirectory() + "hum-bench-scan-\(getpid())")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        var lastDatabase: String?
        for folder in folders {
            let name = URL(fileURLWithPath: folder).lastPathComponent
            print("== \(name)")
            // Every import must find the files in the page cache: this machine's memory manager evicts idle
            // pages within minutes, and whichever importer ran after an eviction would pay for the disk.
            // So the files are read again before each one.
            let warm = Date()
            let bytes = Self.readEveryFile(folder)
            print(String(format: "page cache warmed: %.0f MiB read in %.1f s (again before each import)", Double(bytes) / 1_048_576,
                         Date().timeIntervalSince(warm)))
            let database = work + "/\(name).sqlite"
            var cmusRates: [Double] = [], cmusRSS: [Int] = [], humRates: [Double] = [], humRSS: [Int] = []
            var tracks = 0
            // Alternating, so that a busy spell on the machine hits both alike.
            for run in 1...max(1, runs) {
                if !noCmus {
                    if run > 1 { _ = Self.readEveryFile(folder) }
                    let cmus = try CmusImport.measure(folder: folder, workDirectory: work + "/cmus-\(name)-\(run)")
                    cmusRates.append(Double(cmus.tracks) / cmus.seconds)
                    if let rss = cmus.peakRSSKiB { cmusRSS.append(rss) }
                    print(String(format: "  cmus import %d: %6d tracks in %6.2f s = %7.0f tracks/s, peak RSS %@", run, cmus.tracks,
                                 cmus.seconds, cmusRates.last!, cmus.peakRSSKiB.map { "\($0 / 1024) MiB" } ?? "?"))
                }
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
                if !noCmus || run > 1 { _ = Self.readEveryFile(folder) }
                let first = try ChildProcess.run(hum, ["scan", "--library", database, folder], timeout: 3600)
                guard first.succeeded else { throw ValidationError("hum scan failed: \(first.stderr)") }
                tracks = try LibraryStore(path: database).trackCount()
                humRates.append(Double(tracks) / first.wallSeconds)
                humRSS.append(first.maxResidentKiB)
                print(String(format: "  hum scan %d:    %6d tracks in %6.2f s = %7.0f tracks/s, peak RSS %d MiB", run, tracks,
                             first.wallSeconds, humRates.last!, first.maxResidentKiB / 1024))
            }
            let humRate = Self.median(humRates), humPeak = Self.median(humRSS.map(Double.init))
            if !cmusRates.isEmpty {
                let cmusRate = Self.median(cmusRates)
                print(String(format: "cmus import (median of %d): %7.0f tracks/s, peak RSS %@", cmusRates.count, cmusRate,
                             cmusRSS.isEmpty ? "?" : "\(Int(Self.median(cmusRSS.map(Double.init))) / 1024) MiB"))
                print(String(format: "hum scan (median of %d):    %7.0f tracks/s = %.2f× cmus (target ≥ 1.5×)", humRates.count, humRate,
                             humRate / cmusRate))
            } else {
                print(String(format: "hum scan (median of %d):    %7.0f tracks/s", humRates.count, humRate))
            }
            let cmusPeak = cmusRSS.isEmpty ? nil : Self.median(cmusRSS.map(Double.init))
            print(String(format: "hum peak RSS (median): %.1f MiB%@", humPeak / 1024,
                         cmusPeak.map { humPeak <= $0 ? String(format: " (≤ cmus's %.1f MiB, target met)", $0 / 1024)
                             : String(format: " (> cmus's %.1f MiB: target missed)", $0 / 1024) } ?? ""))
            let again = try ChildProcess.run(hum, ["scan", "--library", database, folder], timeout: 600)
            print(String(format: "hum rescan (unchanged): %.2f s (target ≤ 2 s for 100k), peak RSS %d MiB", again.wallSeconds, again.maxResidentKiB / 1024))
            let size = ((try? FileManager.default.attributesOfItem(atPath: database)[.size]) as? Int) ?? 0
            print(String(format: "database: %.1f MiB (%.0f bytes/track)", Double(size) / 1_048_576, Double(size) / Double(max(tracks, 1))))
            lastDatabase = database
        }
        if let lastDatabase, events > 0 { try Self.eventsAndSearch(database: lastDatabase, events: events) }
    }

    /// Stores `events` listens, then times one-listen writes (what the recorder does at most every
    /// 0.25 s) and searches for words of real titles.
    static func eventsAndSearch(database: String, events: Int) throws {
        let store = try LibraryStore(path: database)
        let tracks = try store.allTracks()
        guard !tracks.isEmpty else { return }
        var generator = SeededGenerator(seed: 42)
        var open: [Int: Int64] = [:]
        let already = try store.historyCounts().listens
        var token = 0
        func listen(at time: Double) -> [ListeningLogEntry] {
            token += 1
            let track = tracks[Int.random(in: 0..<tracks.count, using: &generator)]
            return [.listenStarted(ListenStart(token: token, trackID: track.id, startedAt: time, utcOffsetMinutes: 0, localHour: 12,
                                               weekday: 2, duration: track.duration, source: .shuffle, sourceName: nil,
                                               previousTrackID: nil, sessionID: "bench")),
                    .listenEnded(token: token, ListenEnd(endedAt: time + 100, position: 100, heard: 100, reason: .skipped, outcome: .skip))]
        }
        var start = Date()
        var stored = already
        while stored < events {
            let batch = (0..<min(10_000, events - stored)).flatMap { _ in listen(at: 1_600_000_000 + Double(token) * 60) }
            try store.recordListeningLog(batch, openListens: &open)
            stored += batch.count / 2
        }
        print(String(format: "stored %d listens in %.1f s (%d were there)", stored, Date().timeIntervalSince(start), already))

        var insertTimes: [Double] = []
        for index in 0..<2000 {
            let entries = listen(at: 1_800_000_000 + Double(index))
            start = Date()
            try store.recordListeningLog(entries, openListens: &open)
            insertTimes.append(Date().timeIntervalSince(start))
        }
        print(String(format: "one listen written (start + end, stats refreshed, one transaction): p50 %.3f ms, p99 %.3f ms (target ≤ 1 ms)",
                     percentile(insertTimes, 0.5) * 1000, percentile(insertTimes, 0.99) * 1000))

        let words = tracks.compactMap { $0.title?.split(separator: " ").first.map(String.init) }.filter { $0.count >= 3 }
        var searchTimes: [Double] = []
        var found = 0
        for _ in 0..<1000 {
            let word = words[Int.random(in: 0..<words.count, using: &generator)]
            start = Date()
            found += try store.search(word, limit: 200).count
            searchTimes.append(Date().timeIntervalSince(start))
        }
        print(String(format: "search over %d tracks (200 results max): p50 %.2f ms, p99 %.2f ms (target ≤ 10 ms); %.0f results on average",
                     tracks.count, percentile(searchTimes, 0.5) * 1000, percentile(searchTimes, 0.99) * 1000, Double(found) / 1000))
    }

    /// Reads every file under `folder` once; returns the bytes read.
    static func readEveryFile(_ folder: String) -> Int {
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        for file in FolderWalker(includeHidden: true).walk([folder]).files {
            let descriptor = open(file.path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            while true {
                let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if got <= 0 { break }
                total += got
            }
            close(descriptor)
        }
        return total
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}
