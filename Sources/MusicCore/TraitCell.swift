/// A coarse cell of the trait space: energy, tempo and brightness, each cut in four (0…1 traits, as the
/// recommender's analysis gives them), so 64 cells. Coarse on purpose: a cell says "energetic, fast and
/// dark", never which track.
public struct TraitCell: Sendable, Hashable, Codable {
    public static let levels = 4
    public static let count = levels * levels * levels

    public let index: Int

    public init(index: Int) {
        precondition((0..<Self.count).contains(index), "trait cell \(index) out of 0..<\(Self.count)")
        self.index = index
    }

    /// The cell of a track whose traits are `energy`, `tempo` and `brightness` (each 0…1; clamped).
    public init(energy: Double, tempo: Double, brightness: Double) {
        func level(_ value: Double) -> Int {
            guard value.isFinite else { return 0 }
            return min(max(Int((value * Double(Self.levels)).rounded(.down)), 0), Self.levels - 1)
        }
        index = (level(energy) * Self.levels + level(tempo)) * Self.levels + level(brightness)
    }

    public var energyLevel: Int { index / (Self.levels * Self.levels) }
    public var tempoLevel: Int { index / Self.levels % Self.levels }
    public var brightnessLevel: Int { index % Self.levels }

    /// "calm, slow, dark"… for sentences and for the priors document.
    public var description: String {
        let energy = ["calm", "mellow", "lively", "energetic"][energyLevel]
        let tempo = ["slow", "moderate", "brisk", "fast"][tempoLevel]
        let brightness = ["dark", "warm", "bright", "brilliant"][brightnessLevel]
        return "\(energy), \(tempo), \(brightness)"
    }
}
