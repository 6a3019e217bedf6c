import AppCore
import Foundation
import LibraryAnalysis
import MusicCore
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

    /// How far smart picks explore (the `exploration` setting).
    var exploration = 1.0

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
        guard let pick = model.pick(mode: .smart, context: context, candidates: known,
                                    rules: PickRules(exploration: exploration), using: &random) else { return nil }
        return positions.firstIndex(of: pick.position)
    }

    func suggestions(count: Int, after previous: TrackRow?, excluding excluded: Set<Int64>) -> [Int64] {
        let context = ListeningContext(at: now(), utcOffsetMinutes: utcOffsetMinutes, previousTrackID: previous?.id)
        let catalog = model.catalog
        let candidates = excluded.isEmpty ? nil : (0..<catalog.count).filter { !excluded.contains(catalog.tracks[$0].id) }
        return model.suggestions(count: count, context: context, candidates: candidates).map(\.trackID)
    }
}

/// The provider while personalization is off: smart modes are plain shuffle, and the panel says why.
struct PersonalizationOff: ExplanationProvider {
    var unavailableReason: String { "personalization is off (Settings)" }

    func explain(_ track: TrackRow, source: String) -> [String] {
        ["Personalization is off: nothing hum learned chooses what plays.",
         "It plays because it is next in the \(source). Turn `personalization` on in Settings (6)",
         "for smart shuffle, radio and reasons."]
    }
}

/// Keeps the interface's taste model current, off the UI thread: loads it at start, and after each listen
/// or feedback (once the log has written it) learns what is new and hands the interface a fresh snapshot.
final class TasteLearner: @unchecked Sendable {
    // @unchecked: `service` is only touched on `queue`.
    private let queue = SerialWorker(name: "hum.taste")
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
                    // The bar shows a whole percentage: a message per track (a hundred a second on
                    // short files) would render the screen as often for nothing.
                    if Self.percentChanges(done: done, total: total) { post(.analysisProgress(done: done, total: total)) }
                    if done % reloadEvery == 0 || done == total { self.queue.async { try? self.reload() } }
                }, shouldStop: { self.stopped.load(ordering: .relaxed) })
            } catch {
                post(.failure("the background analysis stopped: \(error)"))
            }
        }
        thread.name = "hum.analysis"
        thread.start()
    }

    /// Whether the `done`th track of `total` moves the whole percentage the bar shows (or ends the work).
    static func percentChanges(done: Int, total: Int) -> Bool {
        guard total > 0, done < total else { return true }
        return done * 100 / total != (done - 1) * 100 / total
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

    /// Sync kept a newer priors document: the model is loaded again to start from it.
    func sharedPriorsChanged() {
        queue.async { [self] in
            do {
                try reload()
            } catch {
                post(.failure("cannot load the taste model: \(error)"))
            }
        }
    }

    /// The `personalization` and `exploration` settings: applied to the next snapshot, sent at once.
    func configure(personalization: Bool, exploration: Double) {
        queue.async { [self] in
            self.personalization = personalization
            self.exploration = exploration
            if let service { publish(service) } else if !personalization { post(.tasteChanged(PersonalizationOff())) }
        }
    }

    /// "Up next" after `previous` by `explainer` (the interface's snapshot of the model), answered with
    /// `suggestionsReady`. On a queue of its own, not behind a reload of the model; a request still
    /// waiting when a newer one comes is dropped, since only the newest is shown.
    func suggest(count: Int, after previous: TrackRow?, excluding excluded: Set<Int64>, by explainer: any ExplanationProvider) {
        pendingSuggestion.withLock { $0 = (count, previous, excluded, explainer) }
        suggestionQueue.async { [self] in
            guard let job = pendingSuggestion.withLock({ pending in defer { pending = nil }; return pending }) else { return }
            post(.suggestionsReady(after: job.previous?.id,
                                   trackIDs: job.explainer.suggestions(count: job.count, after: job.previous, excluding: job.excluded)))
        }
    }

    private let suggestionQueue = SerialWorker(name: "hum.suggestions")
    private let pendingSuggestion = Mutex<(count: Int, previous: TrackRow?, excluded: Set<Int64>,
                                           explainer: any ExplanationProvider)?>(nil)

    /// A radio around `seed` (its track, album or artist): `count` picks, each chosen with the rules as if
    /// the ones before had played, sent to the interface as one queue. The picks are kept with their reasons.
    func radio(_ scope: RadioScope, seed: Int64, count: Int = 25) {
        queue.async { [self] in
            guard let service, personalization else { return }
            guard let radioSeed = service.radioSeed(of: seed, scope: scope) else {
                return post(.failure("radio: the seed is not analysed yet (`hum analyze`, or wait for the background analysis)"))
            }
            var random = SeededRandom(seed: UInt64(bitPattern: seed) &+ UInt64(Date().timeIntervalSince1970))
            var candidates = Array(0..<service.catalog.count)
            var chosen: [Int64] = []
            let start = Date().timeIntervalSince1970
            for index in 0..<count {
                let context = ListeningContext(at: start + Double(index) * 240,
                                               utcOffsetMinutes: TimeZone.current.secondsFromGMT() / 60,
                                               previousTrackID: chosen.last ?? seed)
                guard let pick = try? service.pick(mode: .radio(radioSeed), context: context, candidates: candidates,
                                                   rules: PickRules(exploration: exploration), using: &random) else { break }
                chosen.append(pick.trackID)
                candidates.removeAll { $0 == pick.position }
            }
            post(.radioReady(name: radioSeed.name, trackIDs: chosen))
        }
    }

    /// Something was written to the listening log: learn it shortly.
    func logChanged() {
        queue.async(after: Self.logDelay) { [self] in
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
        queue.sync { () }
    }

    // Only touched on `queue`.
    private var personalization = true
    private var exploration = 1.0

    private func publish(_ service: TasteService) {
        guard personalization else { return post(.tasteChanged(PersonalizationOff())) }
        var explainer = TasteExplainer(model: service.model, analysed: service.analysedCount)
        explainer.exploration = exploration
        post(.tasteChanged(explainer))
    }
}
