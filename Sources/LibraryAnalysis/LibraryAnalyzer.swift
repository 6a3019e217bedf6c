import AudioAnalysis
import AudioFiles
import Foundation
import MusicCore
import MusicLibrary

/// Analyses the library's tracks that have no current analysis: decodes each file, streams it through
/// `FeatureExtractor`, and stores the results in batches. Resumable and incremental by construction —
/// what is stored is not redone, so an interrupted run goes on where it stopped. A file that cannot be
/// decoded is reported and left for the next run; the rest goes on.
public struct LibraryAnalyzer: Sendable {
    /// How an analysis run went.
    public struct Report: Sendable, Equatable {
        public var analysed = 0
        public var failed: [(path: String, reason: String)] = []
        /// Seconds of audio analysed.
        public var audioSeconds = 0.0
        public static func == (a: Report, b: Report) -> Bool {
            a.analysed == b.analysed && a.audioSeconds == b.audioSeconds && a.failed.map(\.path) == b.failed.map(\.path)
        }
    }

    /// Tracks longer than this are analysed on their first part only (a 10-hour recording must not take
    /// minutes, and its first half hour says what it is).
    public static let maximumSeconds = 30.0 * 60
    /// Analyses stored per transaction.
    static let batchSize = 16

    public init() {}

    /// Analyses the tracks the store lists as needing it on `threads` threads. `progress` gets (done, total)
    /// after each track, from whichever thread finished it (one at a time); `shouldStop` is asked between
    /// tracks. Each thread stores its own batches, so a stop loses at most a batch per thread.
    public func run(store: LibraryStore, threads: Int = 1, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
                    shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> Report {
        let work = try store.tracksNeedingAnalysis(version: AudioFeatures.currentVersion)
        let shared = Shared()
        /// One thread's share: claim the next track, analyse it, store in batches.
        let worker: @Sendable () -> Void = {
            var batch: [(trackID: Int64, features: AudioFeatures)] = []
            func flush() {
                do { try store.saveAnalyses(batch, at: Date().timeIntervalSince1970) } catch { shared.fail(error) }
                batch.removeAll()
            }
            while !shouldStop(), let index = shared.claim(below: work.count) {
                let track = work[index]
                do {
                    let features = try Self.analyse(path: track.path)
                    batch.append((track.id, features))
                    shared.finished(seconds: features.duration, total: work.count, progress: progress)
                } catch {
                    shared.failed(path: track.path, reason: "\(error)", total: work.count, progress: progress)
                }
                if batch.count >= Self.batchSize { flush() }
            }
            flush()
        }
        // Threads of its own rather than the dispatch pool: they inherit the caller's nice value (Linux
        // keeps it per thread), so `hum analyze` and the interface's background analysis stay low.
        let finished = DispatchGroup()
        for _ in 0..<max(1, min(threads, work.count)) {
            finished.enter()
            Thread {
                worker()
                finished.leave()
            }.start()
        }
        finished.wait()
        return try shared.result()
    }

    /// The work counter and the report, shared by the analysis threads under one lock.
    private final class Shared: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var done = 0
        private var report = Report()
        private var storeError: (any Error)?

        func claim(below count: Int) -> Int? {
            lock.withLock {
                guard next < count, storeError == nil else { return nil }
                defer { next += 1 }
                return next
            }
        }

        func finished(seconds: Double, total: Int, progress: (Int, Int) -> Void) {
            lock.withLock {
                report.analysed += 1
                report.audioSeconds += seconds
                done += 1
                progress(done, total)
            }
        }

        func failed(path: String, reason: String, total: Int, progress: (Int, Int) -> Void) {
            lock.withLock {
                report.failed.append((path, reason))
                done += 1
                progress(done, total)
            }
        }

        func fail(_ error: any Error) { lock.withLock { if storeError == nil { storeError = error } } }

        func result() throws -> Report {
            try lock.withLock {
                if let storeError { throw storeError }
                return report
            }
        }
    }

    /// Decodes one file and returns its features.
    public static func analyse(path: String) throws -> AudioFeatures {
        let decoder = try AudioFileOpener.openDecoder(path: path)
        let format = decoder.format
        let extractor = FeatureExtractor(sampleRate: format.sampleRate, channels: format.channels)
        let chunk = 4096
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: chunk * format.channels)
        defer { buffer.deallocate() }
        let limit = Int(Self.maximumSeconds * Double(format.sampleRate))
        var frames = 0
        while frames < limit {
            let read = try decoder.read(into: buffer, maxFrames: min(chunk, limit - frames))
            if read == 0 { break }
            extractor.consume(buffer, frames: read)
            frames += read
        }
        return extractor.finish()
    }
}
