import Foundation

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

    /// Each example relaxes every precision by this share towards the prior: about a 200-example memory.
    static let precisionRelaxation = 0.005
    /// How fast the library-centre guess fades: it is worth `e^-1` of its prior after this many examples.
    static let coldStartExamples = 20.0
    /// Listens kept for "no artist twice within N tracks".
    static let recentArtistLimit = 32

    public init(catalog: Catalog, state: TasteState = TasteState()) {
        self.catalog = catalog
        self.state = state.version == TasteState.currentVersion ? state : TasteState()
    }

    /// The weight a feature has now: the learned mean, or its fixed weight.
    public func weight(of feature: TasteFeature) -> Double {
        switch feature {
        case .libraryCentre: feature.prior * exp(-Double(state.examples) / Self.coldStartExamples)
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
                              lookups: Lookups? = nil, into values: inout [Double]) {
        let now = context.at
        for index in values.indices { values[index] = 0 }
        values[TasteFeature.artistAffinity.index] = lookups?.artist(catalog.artistOf[position])
            ?? affinity(catalog.artistKey(position), in: state.artists, at: now)
        values[TasteFeature.albumAffinity.index] = lookups?.album(catalog.albumOf[position])
            ?? affinity(catalog.albumKey(position), in: state.albums, at: now)
        values[TasteFeature.genreAffinity.index] = lookups?.genre(catalog.genreOf[position])
            ?? affinity(catalog.genreKey(position), in: state.genres, at: now)
        let memory = lookups.map { $0.memory(position) } ?? state.tracks[catalog.tracks[position].id]
        if let memory {
            values[TasteFeature.trackHistory.index] = memory.tally.affinity(at: now)
            values[TasteFeature.liked.index] = memory.opinion == 1 ? 1 : 0
            if let last = memory.lastHeardAt {
                values[TasteFeature.recency.index] = min(max(now - last, 0) / 86_400, 60) / 60
            }
            values[TasteFeature.fatigue.index] = 1 - exp(-memory.fatigue(at: now))
            values[TasteFeature.popularity.index] = min(log1p(Double(memory.plays)) / log1p(50), 1)
            if memory.vetoedDayParts.contains(context.dayPart.rawValue) { values[TasteFeature.hourVeto.index] = -1 }
        }
        if memory?.lastHeardAt == nil { values[TasteFeature.novelty.index] = 1 }
        guard catalog.analysed[position] else { return }
        let traits = traitSlice(position)
        let partBase = TasteFeature.dayPartBase + context.dayPart.rawValue * Catalog.traitCount
        for (offset, z) in traits.enumerated() {
            let value = z / 2
            values[TasteFeature.traitBase + offset] = value
            values[partBase + offset] = value
            if context.isWeekend { values[TasteFeature.weekendBase + offset] = value }
        }
        if let previous = context.previousTrackID.flatMap(catalog.position(of:)), catalog.analysed[previous] {
            values[TasteFeature.flow.index] = Self.similarity(traits, traitSlice(previous)) - 0.5
        }
        let timbre = timbreSlice(position)
        values[TasteFeature.timbreFit.index] =
            (state.finishedTimbre.cosine(timbre) - state.skippedTimbre.cosine(timbre)) / 2
        values[TasteFeature.libraryCentre.index] = exp(-traits.reduce(0) { $0 + $1 * $1 } / 10) - 0.5
        if let seed {
            values[TasteFeature.seedSimilarity.index] = seed.similarity(traits: traits, timbre: timbre) - 0.5
        }
    }

    /// The score from feature values and weights: `bias + Σ weights × values`.
    static func score(_ values: [Double], weights: [Double], bias: Double) -> Double {
        var sum = bias
        for index in values.indices { sum += weights[index] * values[index] }
        return sum
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

    func affinity(_ key: String?, in tallies: [String: Tally], at now: Double) -> Double {
        guard let key, let tally = tallies[key] else { return 0 }
        return tally.affinity(at: now)
    }

    /// The per-artist, per-album, per-genre and per-track values for ranking many tracks at one time:
    /// the same numbers `featureValues` computes one by one, computed once per entity.
    public struct Lookups: Sendable {
        let artists: [Double]
        let albums: [Double]
        let genres: [Double]
        let memories: [TrackMemory?]

        func artist(_ index: Int32) -> Double { index < 0 ? 0 : artists[Int(index)] }
        func album(_ index: Int32) -> Double { index < 0 ? 0 : albums[Int(index)] }
        func genre(_ index: Int32) -> Double { index < 0 ? 0 : genres[Int(index)] }
        func memory(_ position: Int) -> TrackMemory? { memories[position] }
    }

    public func lookups(at now: Double) -> Lookups {
        var memories = [TrackMemory?](repeating: nil, count: catalog.count)
        for (id, memory) in state.tracks {
            if let position = catalog.position(of: id) { memories[position] = memory }
        }
        return Lookups(artists: catalog.artistKeys.map { affinity($0, in: state.artists, at: now) },
                       albums: catalog.albumKeys.map { affinity($0, in: state.albums, at: now) },
                       genres: catalog.genreKeys.map { affinity($0, in: state.genres, at: now) },
                       memories: memories)
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

/// What a radio plays around: the standardised traits and timbre of a track, or the mean of an album's or
/// an artist's, and its name for the sentences.
public struct RadioSeed: Sendable, Equatable {
    public var name: String
    var traits: [Double]
    var timbre: [Double]

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
