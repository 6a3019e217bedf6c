import MusicCore

/// Every input of the taste model, with its place in the feature vector. The model's score is
/// `baseline + Σ weight × value` over these, so each one's share of a pick is exact and can be told.
public enum TasteFeature: Hashable, Sendable {
    /// How the listener's listens of this artist, album or genre went (finished against skipped), decayed.
    case artistAffinity, albumAffinity, genreAffinity
    /// How this very track's listens went.
    case trackHistory
    case liked
    /// The track's trait against the library's usual, for the taste in general…
    case trait(Trait)
    /// …in one part of the day (only the current part's five are non-zero)…
    case dayPartTrait(DayPart, Trait)
    /// …and at weekends.
    case weekendTrait(Trait)
    /// Energy later in a listening session: energy × (tracks into the session, up to 20) / 20.
    case sessionEnergy
    /// Days since last heard (0–60, scaled to 0–1).
    case recency
    /// Never heard before.
    case novelty
    /// Heard a lot in the last hours.
    case fatigue
    /// Close in traits to the track before.
    case flow
    /// The listener's own popularity signal: how often they played it.
    case popularity
    /// Timbre close to what the listener finishes, far from what they skip.
    case timbreFit
    /// Close to the library's centre: the cold-start guess, fading as the model learns.
    case libraryCentre
    /// The listener said "not at this hour" for this part of the day.
    case hourVeto
    /// Radio: close to the seed track, album or artist.
    case seedSimilarity
    /// Cold start from other listeners (opt-in sync's shared priors): how often listeners finish tracks
    /// of this trait cell at this part of the day, against the average. Fades like `libraryCentre`.
    case sharedPrior

    static let traitBase = 5
    static let dayPartBase = traitBase + Catalog.traitCount
    static let weekendBase = dayPartBase + DayPart.allCases.count * Catalog.traitCount
    static let afterTraits = weekendBase + Catalog.traitCount
    public static let count = afterTraits + 11

    public var index: Int {
        switch self {
        case .artistAffinity: 0
        case .albumAffinity: 1
        case .genreAffinity: 2
        case .trackHistory: 3
        case .liked: 4
        case .trait(let trait): Self.traitBase + trait.rawValue
        case .dayPartTrait(let part, let trait): Self.dayPartBase + part.rawValue * Catalog.traitCount + trait.rawValue
        case .weekendTrait(let trait): Self.weekendBase + trait.rawValue
        case .recency: Self.afterTraits + 0
        case .novelty: Self.afterTraits + 1
        case .fatigue: Self.afterTraits + 2
        case .flow: Self.afterTraits + 3
        case .popularity: Self.afterTraits + 4
        case .timbreFit: Self.afterTraits + 5
        case .libraryCentre: Self.afterTraits + 6
        case .hourVeto: Self.afterTraits + 7
        case .seedSimilarity: Self.afterTraits + 8
        case .sessionEnergy: Self.afterTraits + 9
        case .sharedPrior: Self.afterTraits + 10
        }
    }

    /// Every feature, in index order.
    public static let all: [TasteFeature] = {
        var features: [TasteFeature] = [.artistAffinity, .albumAffinity, .genreAffinity, .trackHistory, .liked]
        features += Trait.allCases.map { .trait($0) }
        for part in DayPart.allCases { features += Trait.allCases.map { .dayPartTrait(part, $0) } }
        features += Trait.allCases.map { .weekendTrait($0) }
        features += [.recency, .novelty, .fatigue, .flow, .popularity, .timbreFit, .libraryCentre, .hourVeto,
                     .seedSimilarity, .sessionEnergy, .sharedPrior]
        return features
    }()

    /// The name in `hum why --json`, `hum lab` and the stored picks.
    public var name: String {
        switch self {
        case .artistAffinity: "artist_affinity"
        case .albumAffinity: "album_affinity"
        case .genreAffinity: "genre_affinity"
        case .trackHistory: "track_history"
        case .liked: "liked"
        case .trait(let trait): trait.name
        case .dayPartTrait(let part, let trait): "\(part.name)_\(trait.name)"
        case .weekendTrait(let trait): "weekend_\(trait.name)"
        case .recency: "recency"
        case .novelty: "novelty"
        case .fatigue: "fatigue"
        case .flow: "flow"
        case .popularity: "popularity"
        case .timbreFit: "timbre_fit"
        case .libraryCentre: "library_centre"
        case .hourVeto: "not_at_this_hour"
        case .seedSimilarity: "seed_similarity"
        case .sessionEnergy: "session_energy"
        case .sharedPrior: "shared_prior"
        }
    }

    /// How sure the model is of the prior before any example (1 / variance). Time-of-day and weekend
    /// terms start four times surer of zero: a taste is assumed to hold at every hour until listens
    /// show otherwise, so they learn only what differs from the general trait term.
    ///
    /// Danceability and acousticness are composites of the other measurements (beat strength and tempo;
    /// flatness, zero crossings and loudness range), so they overlap the primary traits. They start three
    /// times surer of zero, so that a taste is told by the primary trait it follows ("slow"), and the
    /// composite learns only what the primaries do not say.
    public var priorPrecision: Double {
        let composite: Double = switch self {
        case .trait(let trait), .dayPartTrait(_, let trait), .weekendTrait(let trait): trait.isComposite ? 3 : 1
        default: 1
        }
        switch self {
        case .dayPartTrait, .weekendTrait, .sessionEnergy: return 4 * composite
        default: return TasteState.priorPrecision * composite
        }
    }

    /// Whether the model learns this feature's weight; the others have a fixed, documented weight.
    public var isLearned: Bool {
        switch self {
        case .libraryCentre, .hourVeto, .seedSimilarity, .sharedPrior: false
        default: true
        }
    }

    /// The weight before anything is learned: what most listeners share (they finish artists they
    /// finished before, tire of repeats); zero where listeners differ (traits, times of day).
    public var prior: Double {
        switch self {
        case .artistAffinity: 1.0
        case .albumAffinity: 0.5
        case .genreAffinity: 0.5
        case .trackHistory: 1.0
        case .liked: 1.5
        case .recency: 0.2
        case .fatigue: -1.0
        case .flow: 0.2
        case .popularity: 0.2
        case .timbreFit: 0.5
        case .hourVeto: 3.0
        case .seedSimilarity: 3.0
        case .libraryCentre: 0.6
        case .sharedPrior: 1.0
        default: 0
        }
    }
}
