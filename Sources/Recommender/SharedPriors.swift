import MusicCore

/// What other listeners do, as a sync server published it (opt-in sync, `GET /v1/priors`): the share of
/// listens finished for tracks of each trait cell at each part of the day. The taste model starts from
/// it — before this listener's own listens say anything — and lets it fade as they do (`sharedPrior`).
/// Only cells the server published (enough contributors, clear of the noise) are here.
public struct SharedPriors: Sendable, Equatable {
    /// The document's version, for "shared prior v3" in `hum why --json` and the logs.
    public let version: Int
    /// Per `cell × DayPart.count + part`: the finish rate minus the mean of the published ones; 0 where
    /// nothing was published.
    let lift: [Double]
    /// The finish rate itself, for the sentence; nil where nothing was published.
    let finishRate: [Double?]

    public init(version: Int, finishRates: [(cell: TraitCell, part: DayPart, rate: Double)]) {
        self.version = version
        var rates = [Double?](repeating: nil, count: TraitCell.count * DayPart.count)
        for entry in finishRates where entry.rate.isFinite {
            rates[entry.cell.index * DayPart.count + entry.part.rawValue] = min(max(entry.rate, 0), 1)
        }
        let published = rates.compactMap { $0 }
        let mean = published.isEmpty ? 0 : published.reduce(0, +) / Double(published.count)
        finishRate = rates
        lift = rates.map { $0.map { $0 - mean } ?? 0 }
    }

    /// The feature value for a track in `cell` at `part`: −1…1 (the finish rate's lift over the mean, ×2).
    func value(cell: Int, part: Int) -> Double {
        guard cell >= 0 else { return 0 }
        return lift[cell * DayPart.count + part] * 2
    }

    func rate(cell: Int, part: Int) -> Double? { cell >= 0 ? finishRate[cell * DayPart.count + part] : nil }
}
