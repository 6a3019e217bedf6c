import Foundation
import MusicCore

/// One feature's share of a pick, and the sentence that tells it.
public struct Reason: Sendable, Equatable, Codable {
    /// The feature's name (`TasteFeature.name`), or "exploration".
    public var feature: String
    /// Its signed share of the score: weight × value.
    public var contribution: Double
    public var text: String

    public init(feature: String, contribution: Double, text: String) {
        self.feature = feature
        self.contribution = contribution
        self.text = text
    }
}

/// Why a track was (or would be) picked: `score == baseline + Σ reasons' contributions`, exactly.
public struct Explanation: Sendable, Equatable, Codable {
    public var trackID: Int64
    /// "smart", "shuffle", "radio".
    public var mode: String
    /// The model's score (log-odds that the listener lets it play).
    public var score: Double
    /// The bias: the score of a track about which every feature is zero.
    public var baseline: Double
    /// Every non-zero contribution, the largest (by size) first.
    public var reasons: [Reason]

    /// The score as a probability that the listener lets the track play.
    public var probability: Double { 1 / (1 + exp(-score)) }

    /// The `count` largest reasons.
    public func top(_ count: Int) -> [Reason] { Array(reasons.prefix(count)) }

    /// The panel's and `hum why`'s lines: the likelihood (after `title`, when given), then the reasons.
    public func lines(title: String?, count: Int = 5) -> [String] {
        let likely = "\(Int((probability * 100).rounded()))% likely to be let play (\(mode))."
        var lines = [title.map { "\($0): \(likely)" } ?? likely.prefix(1).uppercased() + likely.dropFirst()]
        let top = top(count)
        if top.isEmpty { lines.append("Nothing learned yet: every feature is zero.") }
        for reason in top {
            lines.append(String(format: "%@ %@ (%+.2f)", reason.contribution >= 0 ? "+" : "−", reason.text,
                                reason.contribution))
        }
        return lines
    }
}

extension TasteModel {
    /// The name of the share Thompson sampling adds.
    public static let explorationFeature = "exploration"

    /// Explains the score of the track at `position` with `weights` (the sampled ones of a pick, or the
    /// means) and `bias`: each contribution is computed, summed and told.
    func explanation(at position: Int, context: ListeningContext, mode: String, seed: RadioSeed?,
                     values: [Double], sampledWeights: [Double]? = nil, sampledBias: Double? = nil) -> Explanation {
        let weights = currentWeights
        var reasons: [Reason] = []
        var exploration = (sampledBias ?? state.bias) - state.bias
        for feature in TasteFeature.all {
            let value = values[feature.index]
            guard value != 0 else { continue }
            let contribution = weights[feature.index] * value
            if let sampledWeights { exploration += (sampledWeights[feature.index] - weights[feature.index]) * value }
            guard contribution != 0 else { continue }
            reasons.append(Reason(feature: feature.name, contribution: contribution,
                                  text: sentence(feature, value: value, contribution: contribution, position: position,
                                                 context: context, seed: seed)))
        }
        if exploration != 0 {
            reasons.append(Reason(feature: Self.explorationFeature, contribution: exploration,
                                  text: exploration > 0 ? "Exploring: hum knows little about this yet"
                                                        : "Exploring: hum is trying other tracks first"))
        }
        reasons.sort { abs($0.contribution) > abs($1.contribution) }
        let score = reasons.reduce(state.bias) { $0 + $1.contribution }
        return Explanation(trackID: catalog.tracks[position].id, mode: mode, score: score, baseline: state.bias,
                           reasons: reasons)
    }

    /// Explains the track `id` as it stands now, with the mean weights (no exploration).
    public func explain(trackID id: Int64, context: ListeningContext, mode: String = "smart",
                        seed: RadioSeed? = nil) -> Explanation? {
        guard let position = catalog.position(of: id) else { return nil }
        var values = [Double](repeating: 0, count: TasteFeature.count)
        featureValues(at: position, context: context, seed: seed, into: &values)
        return explanation(at: position, context: context, mode: mode, seed: seed, values: values)
    }

    // MARK: Sentences, with evidence from the log

    func sentence(_ feature: TasteFeature, value: Double, contribution: Double, position: Int,
                  context: ListeningContext, seed: RadioSeed?) -> String {
        let track = catalog.tracks[position]
        let now = context.at
        let good = contribution > 0
        switch feature {
        case .artistAffinity:
            return tallySentence(state.artists[catalog.artistKey(position) ?? ""], now: now,
                                 what: "\(track.artist) tracks", good: good)
        case .albumAffinity:
            return tallySentence(state.albums[catalog.albumKey(position) ?? ""], now: now,
                                 what: "tracks from \(track.album ?? "this album")", good: good)
        case .genreAffinity:
            return tallySentence(state.genres[catalog.genreKey(position) ?? ""], now: now,
                                 what: "\(track.genre ?? "this genre") tracks", good: good)
        case .trackHistory:
            let evidence = memory(position)?.tally.evidence(at: now) ?? (finished: 0, listens: 0)
            if evidence.listens > 0 {
                return evidence.finished == 0
                    ? "You skipped this every time this month (\(evidence.listens)×)"
                    : "You finished this \(evidence.finished) of \(evidence.listens) times this month"
            }
            return good ? "You have let this play before" : "You have skipped this before"
        case .liked:
            return "You liked this"
        case .trait(let trait):
            return "\(adjective(trait, position)), " + (good ? "which you tend to finish" : "which you tend to skip")
        case .dayPartTrait(let part, let trait):
            return "\(adjective(trait, position)), " + (good ? "like what you play \(part.phrase)"
                                                             : "unlike what you play \(part.phrase)")
        case .weekendTrait(let trait):
            return "\(adjective(trait, position)), " + (good ? "like what you play at weekends"
                                                             : "unlike what you play at weekends")
        case .sessionEnergy:
            let into = sessionPosition(at: now)
            return "\(adjective(.energy, position)), " + (good ? "like what you play \(into) tracks into a session"
                                                       : "unlike what you play \(into) tracks into a session")
        case .recency:
            let days = Int((value * 60).rounded())
            return days >= 60 ? "Not heard for 60 days or more"
                : days == 0 ? "Heard today" : "Not heard for \(days) day\(days == 1 ? "" : "s")"
        case .novelty:
            return good ? "New to you: never played" : "Never played, and new tracks are ones you tend to skip"
        case .fatigue:
            let count = memory(position)?.fatigue(at: now) ?? 0
            return String(format: "Heard recently (%.1f listens' worth in the last hours)", count)
        case .flow:
            return good ? "Close in feel to the track before" : "A change of feel from the track before"
        case .popularity:
            let plays = memory(position)?.plays ?? 0
            return "One of your played tracks (\(plays) play\(plays == 1 ? "" : "s"))"
        case .timbreFit:
            return good ? "Sounds like the tracks you finish" : "Sounds like the tracks you skip"
        case .libraryCentre:
            return good ? "Typical of your library (hum is still learning your taste)"
                        : "Unusual for your library (hum is still learning your taste)"
        case .hourVeto:
            return "You said not at this hour (\(context.dayPart.phrase))"
        case .seedSimilarity:
            return good ? "Like \(seed?.name ?? "the radio's seed")" : "Unlike \(seed?.name ?? "the radio's seed")"
        case .sharedPrior:
            let cell = Int(catalog.traitCell[position])
            let kind = cell >= 0 ? TraitCell(index: cell).description.replacingOccurrences(of: ",", with: "") + " tracks" : "such tracks"
            let rate = sharedPriors?.rate(cell: cell, part: context.dayPart.rawValue).map { ", \(Int(($0 * 100).rounded()))% finished" } ?? ""
            return (good ? "Listeners generally finish \(kind) \(context.dayPart.phrase)"
                         : "Listeners often skip \(kind) \(context.dayPart.phrase)") + rate + " — shared prior"
        }
    }

    private func adjective(_ trait: Trait, _ position: Int) -> String {
        let z = catalog.traitZ[position * Catalog.traitCount + trait.rawValue]
        let word = trait.adjective(high: z >= 0)
        let strength = abs(z) >= 1.5 ? "Very " + word : abs(z) >= 0.5 ? word.prefix(1).uppercased() + word.dropFirst()
                                                                       : "Slightly " + word
        return strength
    }

    private func tallySentence(_ tally: Tally?, now: Double, what: String, good: Bool) -> String {
        let evidence = tally?.evidence(at: now) ?? (finished: 0, listens: 0)
        if evidence.listens > 0 {
            return evidence.finished == 0 ? "You skipped all \(evidence.listens) \(what) you played this month"
                : "You finished \(evidence.finished) of \(evidence.listens) \(what) this month"
        }
        return good ? "You have let \(what) play before" : "You have skipped \(what) before"
    }
}
