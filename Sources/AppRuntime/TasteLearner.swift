import AppCore
import Foundation
import LibraryAnalysis
import MusicLibrary
import Recommender
import Synchronization
import Taste

/// The taste model as the interface sees it: a snapshot of the model (a value), explaining tracks and
/// choosing smart shuffle's next track. Replaced by a new snapshot whenever the model learns.
struct TasteExplainer: ExplanationProvider {
    let model: TasteModel
    let analysed: Int
    /// The clock and the listener's time zone (the hour and weekday of "now"); tests pin both.
    var now: @Sendable () -> Double = { Date().timeIntervalSince1970 }
    var utcOffsetMinutes = TimeZone.current.secondsFromGMT() / 60

    var learns: Bool { true }

    /// As many reasons as `hum why` prints by default, so that the two say the same.
    static let reasons = 5

    func explain(_ track: TrackRow, source: String) -> [String] {
        let context = ListeningContext(at: now(), utcOffsetMinutes: utcOffsetMinutes)
        guard let explanation = model.explain(trackID: track.id, context: context, mode: source) else {
            return ["hum's taste model does not know this track yet (`hum scan` adds it)."]
        }
        var lines = explanation.lines(title: nil, count: Self.reasons)
        if analysed == 0 {
            lines.append("No track is analysed yet: `hum analyze` lets hum hear the music.")
        }
        return lines
    }

    func pickNext(among candidates: [TrackRow], after previous: TrackRow?, seed: UInt64) -> Int? {
        let positions = candidates.map { model.catalog.position(of: $0.id) }
        let known = positions.compactMap { $0 }
        guard !known.isEmpty else { return nil }
        var random = SeededRandom(seed: seed)
        let context = ListeningContext(at: now(), utcOffsetMinutes: utcOffsetMinutes, previousTrackID: previous?.id)
        guard let pick = model.pick(mode: .smart, context: context, candidates: known, using: &random) else { return nil }
        return positions.firstIndex(of: pick.position)
    }
}

/// Keeps the interface's taste model current, off the UI thread: loads it at start, and after each listen
/// or feedback (once the log has written it) learns what is new and hands the interface a fresh snapshot.
final class TasteLearner: @unchecked Sendable {
    // @unchecked: `service` is only touched on `queue`.
    private let queue = DispatchQueue(label: "hum.taste", qos: .utility)
    private let store: LibraryStore
    private let post: @Sendable (Message) -> Void
    private var service: TasteService?

    /// How long after a listen ends the log has surely written it (it flushes every second).
    static let logDelay = 1.5

    init(store: LibraryStore, post: @escaping @Sendable (Message) -> Void) {
        self.store = store
        self.post = post
    }

    /// Loads the model; with `analyse`, then analyses what the library has not analysed yet, on one
    /// low-priority thread (playback and the interface keep the other core), reloading the model's
    /// catalog every `reloadEvery` tracks and at the end so smart picks hear the new analyses.
    func start(analyse: Bool) {
        queue.async { [self] in
            do {
                try reload()
            } catch {
                post(.failure("the taste model could not be loaded: \(error)"))
            }
        }
        guard analyse else { return }
        analysing.enter()
        let thread = Thread { [self] in
            defer { analysing.leave() }
            // Linux keeps the nice value per thread (setpriority(2), NOTES): who 0 lowers this one alone.
            setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
            let post = post
            let reloadEvery = Self.reloadEvery
            do {
                _ = try LibraryAnalyzer().run(store: store, threads: 1, progress: { done, total in
                    post(.analysisProgress(done: done, total: total))
                    if done % reloadEvery == 0 || done == total { self.queue.async { try? self.reload() } }
                }, shouldStop: { self.stopped.load(ordering: .relaxed) })
            } catch {
                post(.failure("the background analysis stopped: \(error)"))
            }
        }
        thread.name = "hum.analysis"
        thread.start()
    }

    /// Tracks analysed between two reloads of the model's catalog.
    static let reloadEvery = 1000
    private let stopped = Atomic(false)
    private let analysing = DispatchGroup()
    /// How long quitting waits for the analysis to store what it has (it stops after the current track).
    static let analysisStopWait = 3.0

    private func reload() throws {
        let service = try TasteService(store: store)
        self.service = service
        try service.saveIfChanged()
        publish(service)
    }

    /// Something was written to the listening log: learn it shortly.
    func logChanged() {
        queue.asyncAfter(deadline: .now() + Self.logDelay) { [self] in
            guard let service else { return }
            do {
                if try service.catchUp() > 0 {
                    try service.saveIfChanged()
                    publish(service)
                }
            } catch {
                post(.failure("the taste model could not learn: \(error)"))
            }
        }
    }

    /// Stops the background analysis (after its current track) and waits for pending learning (at quit).
    func finish() {
        stopped.store(true, ordering: .relaxed)
        _ = analysing.wait(timeout: .now() + Self.analysisStopWait)
        queue.sync {}
    }

    private func publish(_ service: TasteService) {
        post(.tasteChanged(TasteExplainer(model: service.model, analysed: service.analysedCount)))
    }
}
