import Foundation
import MusicCore
import MusicLibrary
import Recommender
import SyncProtocol

/// The taste model joined to the library: its catalog is the library's tracks with their analyses, it
/// learns from the listening log (and from nothing else), and its state and picks are kept in the store.
///
/// Because the model is a fold over the log, in the log's order, every reader that catches up — the
/// interface, `hum why`, `hum lab` — holds the same state and gives the same reasons. Forgetting history
/// drops the stored model, and the next catch-up relearns it from what remains.
/// Not thread-safe: one owner at a time.
public final class TasteService {
    public let store: LibraryStore
    public private(set) var model: TasteModel
    /// Examples learned since the state was last saved.
    private var unsaved = 0

    /// Loads the library's tracks and the stored model (a missing or outdated one starts fresh), then
    /// learns what the log holds that the model has not seen. Only the catalog is kept: a track's path and
    /// full analysis are read again when asked for (keeping a second copy of every track was most of the
    /// interface's 209 MiB peak at 100,000 tracks; without it, and folding each name once, 130 MiB).
    public init(store: LibraryStore) throws {
        self.store = store
        var tracks: [CatalogTrack] = []
        try store.forEachAnalysedTrack {
            tracks.append(CatalogTrack(id: $0.id, title: $0.title, artist: $0.artist, album: $0.album, genre: $0.genre,
                                       features: $0.features))
        }
        let catalog = Catalog(tracks)
        var state = TasteState()
        if let stored = try store.tasteState(), stored.version == TasteState.currentVersion,
           let decoded = try? JSONDecoder().decode(TasteState.self, from: stored.json) {
            state = decoded
        }
        model = TasteModel(catalog: catalog, state: state, sharedPriors: try Self.sharedPriors(in: store))
        try catchUp()
    }

    /// Other listeners' finish rates, from the priors document opt-in sync fetched; nil without one.
    static func sharedPriors(in store: LibraryStore) throws -> SharedPriors? {
        guard let kept = try store.sharedPriors(),
              let document = try? JSONDecoder().decode(PriorsDocument.self, from: kept.document) else { return nil }
        return SharedPriors(version: document.version, finishRates: document.skip.compactMap { prior in
            (0..<TraitCell.count).contains(prior.cell) ? (TraitCell(index: prior.cell), prior.quarter, 1 - prior.skipRate) : nil
        })
    }

    public var catalog: Catalog { model.catalog }

    /// A present track with its path and analysis, read from the store.
    public func track(atPath path: String) throws -> AnalysedTrack? { try store.analysedTrack(path: path) }

    public func track(id: Int64) throws -> AnalysedTrack? { try store.analysedTrack(id: id) }

    /// How many tracks have an analysis.
    public var analysedCount: Int { catalog.analysedCount }

    /// Learns every log item after the model's mark, in order. Returns how many it learned from.
    @discardableResult
    public func catchUp() throws -> Int {
        let mark = model.state.learnedThrough
        let items = try store.learningLog(afterListen: mark.listenID, afterEvent: mark.eventID)
        guard !items.isEmpty else { return 0 }
        var newMark = mark
        for item in items {
            if let feedback = Self.feedback(from: item) { model.learn(feedback) }
            switch item.kind {
            case .listen: newMark.listenID = max(newMark.listenID, item.rowID)
            case .event: newMark.eventID = max(newMark.eventID, item.rowID)
            }
        }
        model.markLearned(through: newMark)
        unsaved += items.count
        return items.count
    }

    /// Stores the model's state when anything was learned since the last save.
    public func saveIfChanged(at now: Double = Date().timeIntervalSince1970) throws {
        guard unsaved > 0 else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try store.saveTasteState(version: TasteState.currentVersion, json: try encoder.encode(model.state), at: now)
        unsaved = 0
    }

    /// Forgets what the model learned (the log stays) and relearns it from the log: with `relearn` false,
    /// the model starts from nothing and the log's past is not learned again.
    public func reset(relearn: Bool) throws {
        try store.resetTasteState()
        var state = TasteState()
        if !relearn {
            let items = try store.learningLog(afterListen: 0, afterEvent: 0)
            var mark = LogMark()
            for item in items {
                switch item.kind {
                case .listen: mark.listenID = max(mark.listenID, item.rowID)
                case .event: mark.eventID = max(mark.eventID, item.rowID)
                }
            }
            state.learnedThrough = mark
        }
        model = TasteModel(catalog: catalog, state: state, sharedPriors: model.sharedPriors)
        unsaved = 1
        if relearn { try catchUp() }
        try saveIfChanged()
    }

    /// Picks the next track and keeps the pick, with its reasons, in the store.
    public func pick<Random: RandomNumberGenerator>(mode: PickMode, context: ListeningContext,
                                                    candidates: [Int]? = nil, rules: PickRules = PickRules(),
                                                    using random: inout Random) throws -> Pick? {
        guard let pick = model.pick(mode: mode, context: context, candidates: candidates, rules: rules, using: &random)
        else { return nil }
        try store.recordPick(trackID: pick.trackID, at: context.at, mode: pick.explanation.mode,
                             score: pick.explanation.score, reasonsJSON: Self.json(pick.explanation.reasons))
        return pick
    }

    /// The catalog positions of a radio's seed: the track, its album or its artist.
    public func seedPositions(of id: Int64, scope: RadioScope) -> [Int] {
        guard let position = catalog.position(of: id) else { return [] }
        let tracks = catalog.tracks, seed = tracks[position]
        switch scope {
        case .track: return [position]
        case .album: return tracks.indices.filter { tracks[$0].album == seed.album && tracks[$0].artist == seed.artist }
        case .artist: return tracks.indices.filter { tracks[$0].artist == seed.artist }
        }
    }

    public func radioSeed(of id: Int64, scope: RadioScope) -> RadioSeed? {
        guard let track = catalog.position(of: id).map({ catalog.tracks[$0] }) else { return nil }
        let name = switch scope {
        case .track: "“\(track.title)”"
        case .album: "the album “\(track.album ?? track.title)”"
        case .artist: track.artist
        }
        return RadioSeed(name: name, positions: seedPositions(of: id, scope: scope), catalog: catalog)
    }

    public static func json(_ reasons: [Reason]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(reasons), as: UTF8.self)) ?? "[]"
    }

    /// What the model learns from one log item; nil for what teaches nothing.
    static func feedback(from item: LearningLogItem) -> Feedback? {
        let kind: Feedback.Kind? = switch item.kind {
        case .listen(.play): .complete
        case .listen(.skip): .skip
        case .listen(.earlySkip): .earlySkip
        case .listen(.partial): .partial
        case .event(.like): .like
        case .event(.unlike): .unlike
        case .event(.dislike): .dislike
        case .event(.moreLikeThis): .moreLikeThis
        case .event(.lessLikeThis): .lessLikeThis
        case .event(.notAtThisHour): .notAtThisHour
        case .event: nil
        }
        guard let kind else { return nil }
        var context = ListeningContext(at: item.at, utcOffsetMinutes: item.utcOffsetMinutes,
                                       previousTrackID: item.previousTrackID)
        if let hour = item.localHour, let weekday = item.weekday {
            context = ListeningContext(at: item.at, localHour: hour, weekday: weekday, previousTrackID: item.previousTrackID)
        }
        return Feedback(trackID: item.trackID, kind: kind, context: context)
    }
}
