import Foundation
import MusicCore

/// The taste model: a logistic regression over `TasteFeature`s, learned online from the listening log.
///
/// Its score for a track is `bias + Σ weight_i × value_i` — an exact sum of per-feature contributions, so
/// every explanation is the model's own arithmetic, not a story told afterwards. Learning is a diagonal
/// Bayesian update (a Newton step per example, with a precision per weight): few examples move the weights
/// a lot, many move them little, and the precisions give Thompson sampling its spread. Precisions relax
/// slowly towards the prior so a changing taste is followed. Pure: no I/O, no clock, no randomness of its own.
public struct TasteModel: Sendable {
    public private(set) var state: TasteState
    public let catalog: Catalog
    /// Other listeners' finish rates (opt-in sync), the cold start's other guess; nil without sync.
    public var sharedPriors: SharedPriors?

    /// Each example relaxes every precision by this share towards the prior: about a 200-example memory.
    static let precisionRelaxation = 0.005
    /// How fast the library-centre guess fades: it is worth `e^-1` of its prior after this many examples.
    static let coldStartExamples = 20.0
    /// Listens kept for "no artist twice within N tracks".
    static let recentArtistLimit = 32

    public init(catalog: Catalog, state: TasteState = TasteState(), sharedPriors: SharedPriors? = nil) {
        self.catalog = catalog
        self.sharedPriors = sharedPriors
        self.state = state.version == TasteState.currentVersion ? state : TasteState()
    }

    /// The weight a feature has now: the learned mean, or its fixed weight.
    public func weight(of feature: TasteFeature) -> Double {
        switch feature {
        case .libraryCentre, .sharedPrior: feature.prior * exp(-Double(state.examples) / Self.coldStartExamples)
        case _ where !feature.isLearned: feature.prior
        default: state.weights[feature.index]
        }
    }

    /// Every weight now, in `TasteFeature.index` order.
    public var currentWeights: [Double] { TasteFeature.all.map(weight(of:)) }

    // MARK: Features

    /// The values of every feature for the track at `position` in `context`, into `values`
    /// (`TasteFeature.count` long). `seed` is the radio's seed, when a radio is playing.
    public func featureValues(at position: Int, context: ListeningContext, seed: RadioSeed? = nil,
                              into values: inout [Double]) {
        featureValues(at: position, scene: scene(for: context, seed: seed), lookups: nil, into: &values)
    }

    /// `featureValues` for one of many tracks ranked in the same context: the per-entity values come from
    /// `lookups`, worked out once for all of them.
    func featureValues(at position: Int, lookups: Lookups, into values: inout [Double]) {
        featureValues(at: position, scene: lookups.scene, lookups: lookups, into: &values)
    }

    private func featureValues(at position: Int, scene: Scene, lookups: Lookups?, into values: inout [Double]) {
        precondition(values.count == TasteFeature.count)
        values.withUnsafeMutableBufferPointer { buffer in
            buffer.update(repeating: 0)
            var sink = ValueSink(values: buffer)
            fill(&sink, at: position, scene: scene, lookups: lookups)
        }
    }

    /// `bias + Σ weights × featureValues(…)` without writing the values down: ranking scores 100,000 tracks
    /// a pick, and the values of all but the chosen one are never read. Equal to `score(featureValues(…))`
    /// up to the order of the additions (the tests hold them within 1e-9).
    func score(at position: Int, lookups: Lookups, weights: UnsafeBufferPointer<Double>, bias: Double) -> Double {
        var sink = ScoreSink(weights: weights, sum: bias)
        fill(&sink, at: position, scene: lookups.scene, lookups: lookups)
        return sink.sum
    }

    /// What the features of every track share in one context: worked out once, not once a track.
    struct Scene: Sendable {
        let now: Double
        let dayPart: Int
        let isWeekend: Bool
        /// How far into the session, 0…1 (20 tracks and more: 1).
        let sessionShare: Double
        /// The catalog position of the context's previous track, when it is analysed.
        let previous: Int?
        let timbreDirection: [Double]
        let seed: RadioSeed?
    }

    func scene(for context: ListeningContext, seed: RadioSeed?) -> Scene {
        let previous = context.previousTrackID.flatMap(catalog.position(of:)).flatMap { catalog.analysed[$0] ? $0 : nil }
        return Scene(now: context.at, dayPart: context.dayPart.rawValue, isWeekend: context.isWeekend,
                     sessionShare: Double(min(sessionPosition(at: context.at), 20)) / 20, previous: previous,
                     timbreDirection: timbreDirection(), seed: seed)
    }

    /// The one definition of every feature's value, handed to a sink: a buffer for explanations and
    /// learning, a running score for ranking. It sets each feature at most once; a feature it does not
    /// set is 0.
    private func fill<Sink: FeatureSink>(_ values: inout Sink, at position: Int, scene: Scene, lookups: Lookups?) {
        let now = scene.now
        values.set(TasteFeature.artistAffinity.index, lookups?.artist(catalog.artistOf[position])
            ?? affinity(catalog.artistKey(position), in: state.artists, at: now))
        values.set(TasteFeature.albumAffinity.index, lookups?.album(catalog.albumOf[position])
            ?? affinity(catalog.albumKey(position), in: state.albums, at: now))
        values.set(TasteFeature.genreAffinity.index, lookups?.genre(catalog.genreOf[position])
            ?? affinity(catalog.genreKey(position), in: state.genres, at: now))
        let facts = lookups?.facts(position)
            ?? state.tracks[catalog.tracks[position].id].map { TrackFacts($0, at: now) } ?? TrackFacts.none
        values.set(TasteFeature.trackHistory.index, facts.affinity)
        if facts.opinion == 1 { values.set(TasteFeature.liked.index, 1) }
        values.set(TasteFeature.fatigue.index, facts.fatigue)
        values.set(TasteFeature.popularity.index, facts.popularity)
        if facts.vetoes & (1 << scene.dayPart) != 0 { values.set(TasteFeature.hourVeto.index, -1) }
        if facts.lastHeardAt.isFinite {
            values.set(TasteFeature.recency.index, min(max(now - facts.lastHeardAt, 0) / 86_400, 60) / 60)
        } else {
            values.set(TasteFeature.novelty.index, 1)
        }
        guard catalog.analysed[position] else { return }
        let base = position * Catalog.traitCount
        let partBase = TasteFeature.dayPartBase + scene.dayPart * Catalog.traitCount
        catalog.traitZ.withUnsafeBufferPointer { traitZ in
            for offset in 0..<Catalog.traitCount {
                let value = traitZ[base + offset] / 2
                values.set(TasteFeature.traitBase + offset, value)
                values.set(partBase + offset, value)
                if scene.isWeekend { values.set(TasteFeature.weekendBase + offset, value) }
            }
            values.set(TasteFeature.sessionEnergy.index, traitZ[base + Trait.energy.rawValue] / 2 * scene.sessionShare)
            if let previous = scene.previous {
                values.set(TasteFeature.flow.index, Self.similarity(traitZ, base, previous * Catalog.traitCount) - 0.5)
            }
        }
        if !scene.timbreDirection.isEmpty, catalog.timbreNorm[position] > 1e-12 {
            let dot = catalog.timbreZ.withUnsafeBufferPointer { timbreZ in
                scene.timbreDirection.withUnsafeBufferPointer { direction in
                    let timbreBase = position * Catalog.timbreCount
                    var dot = 0.0
                    for offset in 0..<Catalog.timbreCount { dot += timbreZ[timbreBase + offset] * direction[offset] }
                    return dot
                }
            }
            values.set(TasteFeature.timbreFit.index, dot / catalog.timbreNorm[position])
        }
        values.set(TasteFeature.libraryCentre.index, catalog.centreCloseness[position])
        if let sharedPriors {
            values.set(TasteFeature.sharedPrior.index, sharedPriors.value(cell: Int(catalog.traitCell[position]), part: scene.dayPart))
        }
        if let seed = scene.seed {
            values.set(TasteFeature.seedSimilarity.index,
                       seed.similarity(traits: traitSlice(position), timbre: timbreSlice(position)) - 0.5)
        }
    }

    /// How many tracks into the current listening session a track starting at `now` would be.
    public func sessionPosition(at now: Double) -> Int {
        guard let last = state.lastListenAt, now - last < TasteState.sessionGap else { return 0 }
        return state.sessionListens
    }

    /// Half the difference of the unit vectors towards the finished and the skipped timbre: the timbre
    /// fit of a track is its cosine with the first minus its cosine with the second, over two, which is
    /// its unit timbre's dot product with this. Empty while neither exists.
    func timbreDirection() -> [Double] {
        let finished = state.finishedTimbre.unit(), skipped = state.skippedTimbre.unit()
        guard finished != nil || skipped != nil else { return [] }
        return (0..<Catalog.timbreCount).map { index in
            ((finished?[index] ?? 0) - (skipped?[index] ?? 0)) / 2
        }
    }

    /// The score from feature values and weights: `bias + Σ weights × values`.
    static func score(_ values: [Double], weights: [Double], bias: Double) -> Double {
        values.withUnsafeBufferPointer { values in
            weights.withUnsafeBufferPointer { weights in
                var sum = bias
                for index in 0..<min(values.count, weights.count) { sum += weights[index] * values[index] }
                return sum
            }
        }
    }

    func traitSlice(_ position: Int) -> ArraySlice<Double> {
        catalog.traitZ[position * Catalog.traitCount ..< (position + 1) * Catalog.traitCount]
    }

    func timbreSlice(_ position: Int) -> ArraySlice<Double> {
        catalog.timbreZ[position * Catalog.timbreCount ..< (position + 1) * Catalog.timbreCount]
    }

    /// 1 for identical standardised traits, falling with distance (`e^(−d²/10)`).
    static func similarity(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
        var distance = 0.0
        for (x, y) in zip(a, b) { distance += (x - y) * (x - y) }
        return exp(-distance / 10)
    }

    /// `similarity` of the two tracks whose traits start at `a` and `b` in `traitZ`, without slicing it.
    static func similarity(_ traitZ: UnsafeBufferPointer<Double>, _ a: Int, _ b: Int) -> Double {
        var distance = 0.0
        for offset in 0..<Catalog.traitCount {
            let difference = traitZ[a + offset] - traitZ[b + offset]
            distance += difference * difference
        }
        return exp(-distance / 10)
    }

    func affinity(_ key: String?, in tallies: [String: Tally], at now: Double) -> Double {
        guard let key, let tally = tallies[key] else { return 0 }
        return tally.affinity(at: now)
    }

    /// The per-artist, per-album, per-genre and per-track values for ranking many tracks at one time:
    /// the same numbers `featureValues` computes one by one, computed once per entity.
    /// A class, so that passing it to `featureValues` 100,000 times costs one reference, not a copy of its arrays.
    public final class Lookups: Sendable {
        let artists: [Double]
        let albums: [Double]
        let genres: [Double]
        /// Per catalog position, an index into `factList` (−1: nothing remembered): sparse, because a
        /// pick allocates it and most of a large library was never heard.
        let factIndex: [Int32]
        let factList: [TrackFacts]
        /// Catalog artist indices of the latest listens, newest last.
        let recentArtists: [Int32]
        let scene: Scene

        init(artists: [Double], albums: [Double], genres: [Double], factIndex: [Int32], factList: [TrackFacts],
             recentArtists: [Int32], scene: Scene) {
            self.artists = artists
            self.albums = albums
            self.genres = genres
            self.factIndex = factIndex
            self.factList = factList
            self.recentArtists = recentArtists
            self.scene = scene
        }

        /// What the track at `position` has in memory now (nothing: `TrackFacts.none`).
        func facts(_ position: Int) -> TrackFacts {
            let index = factIndex[position]
            return index < 0 ? .none : factList[Int(index)]
        }

        func artist(_ index: Int32) -> Double { index < 0 ? 0 : artists[Int(index)] }
        func album(_ index: Int32) -> Double { index < 0 ? 0 : albums[Int(index)] }
        func genre(_ index: Int32) -> Double { index < 0 ? 0 : genres[Int(index)] }
    }

    public func lookups(for context: ListeningContext, seed: RadioSeed? = nil) -> Lookups {
        let now = context.at
        var factIndex = [Int32](repeating: -1, count: catalog.count)
        var factList: [TrackFacts] = []
        factList.reserveCapacity(state.tracks.count)
        for (id, memory) in state.tracks {
            guard let position = catalog.position(of: id) else { continue }
            factIndex[position] = Int32(factList.count)
            factList.append(TrackFacts(memory, at: now))
        }
        return Lookups(artists: Self.affinities(state.artists, count: catalog.artistKeys.count, at: now, index: catalog.artistIndex(of:)),
                       albums: Self.affinities(state.albums, count: catalog.albumKeys.count, at: now, index: catalog.albumIndex(of:)),
                       genres: Self.affinities(state.genres, count: catalog.genreKeys.count, at: now, index: catalog.genreIndex(of:)),
                       factIndex: factIndex, factList: factList, recentArtists: state.recentArtists.compactMap(catalog.artistIndex(of:)),
                       scene: scene(for: context, seed: seed))
    }

    /// Per catalog index, the affinity of the tallies the state holds (0 for the rest): only what the
    /// listener touched is looked up.
    private static func affinities(_ tallies: [String: Tally], count: Int, at now: Double,
                                   index: (String) -> Int32?) -> [Double] {
        var values = [Double](repeating: 0, count: count)
        for (key, tally) in tallies {
            if let position = index(key) { values[Int(position)] = tally.affinity(at: now) }
        }
        return values
    }

    // MARK: Learning

    /// Learns from one thing the listener did, then remembers it for the features of later picks.
    public mutating func learn(_ feedback: Feedback) {
        guard let position = catalog.position(of: feedback.trackID) else { return }
        if let lesson = feedback.lesson {
            var values = [Double](repeating: 0, count: TasteFeature.count)
            featureValues(at: position, context: feedback.context, into: &values)
            if feedback.kind == .notAtThisHour {
                // "Not at this hour" teaches the time of day only, not the track's taste in general.
                let part = TasteFeature.dayPartBase + feedback.context.dayPart.rawValue * Catalog.traitCount
                for index in values.indices where !(part..<part + Catalog.traitCount).contains(index) { values[index] = 0 }
            }
            update(values: values, label: lesson.label, weight: lesson.weight)
        }
        remember(feedback, at: position)
    }

    private mutating func update(values: [Double], label: Double, weight: Double) {
        let weights = currentWeights
        let p = 1 / (1 + exp(-Self.score(values, weights: weights, bias: state.bias)))
        let gradient = label - p
        let curvature = max(p * (1 - p), 1e-4)
        var spread = 1 / state.biasPrecision
        for feature in TasteFeature.all where feature.isLearned {
            let x = values[feature.index]
            spread += x * x / state.precision[feature.index]
        }
        let damping = 1 + weight * curvature * spread
        for feature in TasteFeature.all where feature.isLearned {
            let index = feature.index, x = values[index]
            if x != 0 {
                state.weights[index] += weight * gradient * x / state.precision[index] / damping
                state.precision[index] += weight * curvature * x * x
            }
            state.precision[index] += (feature.priorPrecision - state.precision[index]) * Self.precisionRelaxation
        }
        state.bias += weight * gradient / state.biasPrecision / damping
        state.biasPrecision += weight * curvature
        state.biasPrecision += (TasteState.priorPrecision - state.biasPrecision) * Self.precisionRelaxation
        state.examples += 1
    }

    /// Updates the tallies, the track's memory and the timbre centroids after the example was learned
    /// (so an example never explains itself).
    private mutating func remember(_ feedback: Feedback, at position: Int) {
        let now = feedback.context.at
        let id = feedback.trackID
        var memory = state.tracks[id] ?? TrackMemory()
        let (positive, negative): (Double, Double) = switch feedback.kind {
        case .complete, .like: (1, 0)
        case .moreLikeThis: (2, 0)
        case .skip: (0, 1)
        case .earlySkip: (0, 1.5)
        case .dislike, .lessLikeThis: (0, 2)
        case .partial, .unlike, .notAtThisHour: (0, 0)
        }
        let listened: Bool? = switch feedback.kind {
        case .complete: true
        case .skip, .earlySkip: false
        default: nil
        }
        switch feedback.kind {
        case .like: memory.opinion = 1
        case .unlike: memory.opinion = 0
        case .dislike: memory.opinion = -1
        case .notAtThisHour:
            if !memory.vetoedDayParts.contains(feedback.context.dayPart.rawValue) {
                memory.vetoedDayParts.append(feedback.context.dayPart.rawValue)
            }
        default: break
        }
        if positive > 0 || negative > 0 {
            memory.tally.add(positive: positive, negative: negative, at: now)
            for (key, path) in [(catalog.artistKey(position), \TasteState.artists),
                                (catalog.albumKey(position), \TasteState.albums),
                                (catalog.genreKey(position), \TasteState.genres)] {
                guard let key else { continue }
                var tally = state[keyPath: path][key] ?? Tally()
                tally.add(positive: positive, negative: negative, at: now)
                if let listened { tally.addListen(finished: listened, at: now) }
                state[keyPath: path][key] = tally
            }
            if catalog.analysed[position] {
                if positive > 0 { state.finishedTimbre.add(timbreSlice(position), weight: positive, at: now) }
                if negative > 0 { state.skippedTimbre.add(timbreSlice(position), weight: negative, at: now) }
            }
        }
        if let listened { memory.tally.addListen(finished: listened, at: now) }
        if feedback.kind == .complete || feedback.kind == .skip || feedback.kind == .earlySkip || feedback.kind == .partial {
            memory.lastHeardAt = max(memory.lastHeardAt ?? now, now)
            memory.addFatigue(at: now)
            state.sessionListens = sessionPosition(at: now) + 1
            state.lastListenAt = max(state.lastListenAt ?? now, now)
            if feedback.kind == .complete { memory.plays += 1 }
            if let artist = catalog.artistKey(position) {
                state.recentArtists.append(artist)
                if state.recentArtists.count > Self.recentArtistLimit { state.recentArtists.removeFirst() }
            }
        }
        state.tracks[id] = memory
    }

    /// Marks how far in the listening log this state has learned.
    public mutating func markLearned(through mark: LogMark) { state.learnedThrough = mark }

    // MARK: Reading the memory

    /// Whether the listener said "never play this".
    public func isDisliked(_ position: Int) -> Bool {
        state.tracks[catalog.tracks[position].id]?.opinion == -1
    }

    func memory(_ position: Int) -> TrackMemory? { state.tracks[catalog.tracks[position].id] }
}

/// What a track's memory says at one time, as plain numbers (no arrays: ranking reads 100k of them).
/// Where `TasteModel.fill` puts feature values.
protocol FeatureSink {
    mutating func set(_ index: Int, _ value: Double)
}

/// Writes the values down, for explanations and learning (the buffer starts zeroed).
struct ValueSink: FeatureSink {
    let values: UnsafeMutableBufferPointer<Double>

    func set(_ index: Int, _ value: Double) { values[index] = value }
}

/// Adds weight × value as each value arrives, for ranking.
struct ScoreSink: FeatureSink {
    let weights: UnsafeBufferPointer<Double>
    var sum: Double

    mutating func set(_ index: Int, _ value: Double) { sum += weights[index] * value }
}

public struct TrackFacts: Sendable {
    var affinity = 0.0
    /// 1 liked, −1 disliked, 0 neither.
    var opinion: Int8 = 0
    /// −∞ when never heard.
    var lastHeardAt = -Double.infinity
    /// 1 − e^(−recent listens).
    var fatigue = 0.0
    var plays = 0
    /// `min(log(1 + plays) / log(51), 1)`: the listener's own popularity signal.
    var popularity = 0.0
    /// Bit n: "not at this hour" for `DayPart(rawValue: n)`.
    var vetoes: UInt8 = 0

    static let none = TrackFacts()

    init() {}

    init(_ memory: TrackMemory, at now: Double) {
        affinity = memory.tally.affinity(at: now)
        opinion = Int8(memory.opinion)
        lastHeardAt = memory.lastHeardAt ?? -.infinity
        fatigue = 1 - exp(-memory.fatigue(at: now))
        plays = memory.plays
        popularity = min(log1p(Double(memory.plays)) / log1p(50), 1)
        vetoes = memory.vetoedDayParts.reduce(0) { $0 | UInt8(1 << $1) }
    }
}

/// What a radio plays around: the standardised traits and timbre of a track, or the mean of an album's or
/// an artist's, and its name for the sentences.
public final class RadioSeed: Sendable, Equatable {
    public let name: String
    let traits: [Double]
    let timbre: [Double]

    public static func == (a: RadioSeed, b: RadioSeed) -> Bool {
        a.name == b.name && a.traits == b.traits && a.timbre == b.timbre
    }

    /// The seed of the tracks at `positions` (one track, an album, an artist); nil when none is analysed.
    public init?(name: String, positions: [Int], catalog: Catalog) {
        let analysed = positions.filter { catalog.analysed[$0] }
        guard !analysed.isEmpty else { return nil }
        self.name = name
        traits = (0..<Catalog.traitCount).map { column in
            analysed.reduce(0) { $0 + catalog.traitZ[$1 * Catalog.traitCount + column] } / Double(analysed.count)
        }
        timbre = (0..<Catalog.timbreCount).map { column in
            analysed.reduce(0) { $0 + catalog.timbreZ[$1 * Catalog.timbreCount + column] } / Double(analysed.count)
        }
    }

    /// Trait closeness, nudged by timbre: 0…1.
    func similarity(traits other: ArraySlice<Double>, timbre otherTimbre: ArraySlice<Double>) -> Double {
        var centroid = Centroid()
        centroid.sum = timbre
        centroid.weight = 1
        let timbreCosine = centroid.cosine(otherTimbre)
        return 0.75 * TasteModel.similarity(traits[...], other) + 0.25 * (timbreCosine + 1) / 2
    }
}
