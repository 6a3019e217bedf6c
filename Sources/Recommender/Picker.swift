import Foundation

/// How the next track is chosen.
public enum PickMode: Sendable, Equatable {
    /// The taste model's choice, with exploration.
    case smart
    /// Uniformly at random: what every player does, kept one key away and as the yardstick.
    case shuffle
    /// The taste model's choice, pulled towards a seed.
    case radio(RadioSeed)

    public var name: String {
        switch self {
        case .smart: "smart"
        case .shuffle: "shuffle"
        case .radio: "radio"
        }
    }
}

/// The rules every smart pick keeps, whatever the model says.
public struct PickRules: Sendable, Equatable {
    /// No artist twice within this many tracks.
    public var artistGap = 3
    /// No track again within this many hours.
    public var repeatHours = 12.0
    /// How far Thompson sampling strays from the mean weights: 0 never explores, 1 samples the posterior
    /// as it is, more explores more.
    public var exploration = 1.0

    public init(artistGap: Int = 3, repeatHours: Double = 12, exploration: Double = 1) {
        self.artistGap = artistGap
        self.repeatHours = repeatHours
        self.exploration = exploration
    }
}

/// A chosen track and why.
public struct Pick: Sendable, Equatable {
    public var trackID: Int64
    public var position: Int
    public var explanation: Explanation
}

extension TasteModel {
    /// Picks the next track among `candidates` (catalog positions; all tracks when nil).
    ///
    /// Disliked tracks are never picked. Smart and radio picks sample the weights from their posterior
    /// (Thompson sampling), keep the artist gap and the no-repeat window — relaxing the artist gap, then
    /// the window, only when nothing else is left — and take the best sampled score. Plain shuffle picks
    /// uniformly among the tracks not heard within the window.
    public func pick<Random: RandomNumberGenerator>(mode: PickMode, context: ListeningContext,
                                                    candidates: [Int]? = nil, rules: PickRules = PickRules(),
                                                    using random: inout Random) -> Pick? {
        let now = context.at
        let seed: RadioSeed? = if case .radio(let seed) = mode { seed } else { nil }
        let lookups = lookups(for: context, seed: seed)
        let pool = candidates ?? Array(0..<catalog.count)
        guard !pool.isEmpty else { return nil }
        let recentArtists = Set(lookups.recentArtists.suffix(max(rules.artistGap - 1, 0)))
        let window = rules.repeatHours * 3600
        let heardRecently: (Int) -> Bool = { position in now - lookups.facts(position).lastHeardAt < window }
        let artistOf = catalog.artistOf
        let tiers: [(Int) -> Bool] = [
            { !heardRecently($0) && !recentArtists.contains(artistOf[$0]) },
            { !heardRecently($0) },
            { _ in true },
        ]
        var values = [Double](repeating: 0, count: TasteFeature.count)

        if mode == .shuffle {
            for tier in tiers.dropFirst() {
                let allowed = pool.filter { lookups.facts($0).opinion != -1 && tier($0) }
                guard let position = allowed.randomElement(using: &random) else { continue }
                featureValues(at: position, lookups: lookups, into: &values)
                return Pick(trackID: catalog.tracks[position].id, position: position,
                            explanation: explanation(at: position, context: context, mode: mode.name, seed: nil,
                                                     values: values))
            }
            return nil
        }

        // One pass: the best track of each tier (0: keeps every rule, 1: breaks the artist gap only,
        // 2: breaks the no-repeat window too); the best of the strictest tier that has one wins.
        let (weights, bias) = sampledWeights(exploration: rules.exploration, using: &random)
        var recentFlags = [Bool](repeating: false, count: catalog.artistKeys.count + 1)
        for artist in recentArtists where artist >= 0 { recentFlags[Int(artist)] = true }
        var best: [(position: Int, score: Double)?] = [nil, nil, nil]
        weights.withUnsafeBufferPointer { weights in
            for position in pool {
                let facts = lookups.facts(position)
                if facts.opinion == -1 { continue }
                let artist = artistOf[position]
                let tier = now - facts.lastHeardAt < window ? 2 : artist >= 0 && recentFlags[Int(artist)] ? 1 : 0
                if tier > 0, best[0] != nil { continue }
                let score = score(at: position, lookups: lookups, weights: weights, bias: bias)
                if best[tier] == nil || score > best[tier]!.score { best[tier] = (position, score) }
            }
        }
        guard let chosen = best.compactMap({ $0 }).first else { return nil }
        featureValues(at: chosen.position, lookups: lookups, into: &values)
        return Pick(trackID: catalog.tracks[chosen.position].id, position: chosen.position,
                    explanation: explanation(at: chosen.position, context: context, mode: mode.name, seed: seed,
                                             values: values, sampledWeights: weights, sampledBias: bias))
    }

    /// The `count` best tracks by the mean weights (no exploration), for "up next" suggestions: distinct
    /// artists, none disliked, none heard within the window.
    public func suggestions(count: Int, context: ListeningContext, candidates: [Int]? = nil,
                            rules: PickRules = PickRules()) -> [Pick] {
        let lookups = lookups(for: context)
        let artistOf = catalog.artistOf
        // One pass keeping each artist's best track (the first of equal scores), then the best of those:
        // what sorting every score and taking one track an artist would give, without the sort of
        // 100,000 scores (it was half the cost, ~40 ms on the interface's thread at each track change).
        var bestOfArtist = [(position: Int, score: Double)?](repeating: nil, count: catalog.artistKeys.count)
        var unknownArtist: [(position: Int, score: Double)] = []  // each its own artist
        currentWeights.withUnsafeBufferPointer { weights in
            func consider(_ position: Int) {
                let facts = lookups.facts(position)
                if facts.opinion == -1 || context.at - facts.lastHeardAt < rules.repeatHours * 3600 { return }
                let score = score(at: position, lookups: lookups, weights: weights, bias: state.bias)
                let artist = Int(artistOf[position])
                if artist < 0 { return unknownArtist.append((position, score)) }
                if let best = bestOfArtist[artist], best.score >= score { return }
                bestOfArtist[artist] = (position, score)
            }
            if let candidates { candidates.forEach(consider) } else { (0..<catalog.count).forEach(consider) }
        }
        let ranked = (bestOfArtist.compactMap { $0 } + unknownArtist)
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.position < $1.position }
        var values = [Double](repeating: 0, count: TasteFeature.count)
        return ranked.prefix(count).map { position, _ in
            featureValues(at: position, lookups: lookups, into: &values)
            return Pick(trackID: catalog.tracks[position].id, position: position,
                        explanation: explanation(at: position, context: context, mode: "smart", seed: nil, values: values))
        }
    }

    /// One draw of the weights from the posterior: mean + exploration × N(0, 1/precision) for the learned
    /// ones; the fixed ones as they are.
    func sampledWeights<Random: RandomNumberGenerator>(exploration: Double, using random: inout Random)
        -> (weights: [Double], bias: Double) {
        var weights = currentWeights
        guard exploration > 0 else { return (weights, state.bias) }
        for feature in TasteFeature.all where feature.isLearned {
            weights[feature.index] += exploration * Self.gaussian(&random) / state.precision[feature.index].squareRoot()
        }
        return (weights, state.bias)
    }

    static func gaussian<Random: RandomNumberGenerator>(_ random: inout Random) -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &random)
        let v = Double.random(in: 0..<1, using: &random)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
