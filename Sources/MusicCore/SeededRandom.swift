/// A small, fast, seedable random number generator (SplitMix64): picks replay in tests and in `hum lab`,
/// and tests that use noise are repeatable.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What a radio grows from: a track, its album, or its artist.
public enum RadioScope: String, Sendable, Equatable, CaseIterable {
    case track, album, artist
}
