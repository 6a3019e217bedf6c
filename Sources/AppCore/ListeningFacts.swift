/// What the listening log says about each track, as filters and smart playlists read it (`plays:>5`,
/// `skips:>=3`, `played:>90d`, `liked:yes`): loaded from the store off the UI thread, after each
/// listen, and held beside the library.
public struct ListeningFacts: Sendable, Equatable {
    /// One track's numbers. A track that is not in `byTrack` was never heard and has no opinion.
    public struct Track: Sendable, Equatable {
        /// Plays by the Last.fm rule (half heard, or four minutes).
        public var plays: Int
        public var skips: Int
        /// Unix seconds of the last listen's start.
        public var lastPlayedAt: Double?
        /// 1 liked, -1 disliked ("never play this"), 0 neither.
        public var opinion: Int8

        public init(plays: Int = 0, skips: Int = 0, lastPlayedAt: Double? = nil, opinion: Int8 = 0) {
            self.plays = plays
            self.skips = skips
            self.lastPlayedAt = lastPlayedAt
            self.opinion = opinion
        }
    }

    public var byTrack: [Int64: Track]
    /// When the facts were read (Unix seconds): `played:<30d` counts days back from here, so a smart
    /// playlist's answer does not change between two loads.
    public var now: Double

    public init(byTrack: [Int64: Track] = [:], now: Double = 0) {
        self.byTrack = byTrack
        self.now = now
    }

    public static let none = ListeningFacts()

    public subscript(trackID: Int64) -> Track { byTrack[trackID] ?? Track() }
}
