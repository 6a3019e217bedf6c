/// Something the listener did that the model learns from.
public struct Feedback: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Heard to the end, or far enough to count as a play.
        case complete
        /// Moved on before it counted as a play.
        case skip
        /// Moved on within the first ten seconds: the strongest "not this".
        case earlySkip = "early_skip"
        /// Stopped or interrupted: says nothing about taste, but the track was heard.
        case partial
        case like, unlike
        /// "Never play this": the track leaves every smart pick.
        case dislike
        /// From the "why" panel.
        case moreLikeThis = "more_like_this"
        case lessLikeThis = "less_like_this"
        case notAtThisHour = "not_at_this_hour"
    }

    public var trackID: Int64
    public var kind: Kind
    public var context: ListeningContext

    public init(trackID: Int64, kind: Kind, context: ListeningContext) {
        self.trackID = trackID
        self.kind = kind
        self.context = context
    }

    /// What the model is taught: the label (1 good, 0 bad) and how much the example weighs.
    /// Early skips weigh more than late ones; explicit feedback more than either. Nil: nothing to learn.
    var lesson: (label: Double, weight: Double)? {
        switch kind {
        case .complete: (1, 1)
        case .skip: (0, 1)
        case .earlySkip: (0, 1.5)
        case .like: (1, 2)
        case .dislike: (0, 3)
        case .moreLikeThis: (1, 3)
        case .lessLikeThis: (0, 3)
        case .notAtThisHour: (0, 2)
        case .partial, .unlike: nil
        }
    }
}
