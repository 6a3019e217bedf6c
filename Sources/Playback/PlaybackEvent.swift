/// What happened in the engine, in the order the listener heard it. Consumers (the status line, the
/// listening log, the UI) read these from `PlaybackEngine.events`; positions are in seconds of the track.
public enum PlaybackEvent: Sendable, Equatable {
    /// The track's first audio reached the output.
    case started(PlaybackItem, queueIndex: Int, duration: Double?)
    /// Where playback is; sent once per whole second of the track heard, within
    /// `PlaybackEngine.progressInterval` of it.
    case progressed(PlaybackItem, position: Double, duration: Double?)
    /// The track played to its end.
    case finished(PlaybackItem, position: Double)
    /// The listener moved on (next, previous, jump) at `position`.
    case skipped(PlaybackItem, position: Double)
    /// The listener stopped playback at `position`.
    case stopped(PlaybackItem, position: Double)
    /// The track could not be opened (`position` nil) or broke while decoding (`position` is where).
    case failed(PlaybackItem, message: String, position: Double?)
    case paused(PlaybackItem, position: Double)
    case resumed(PlaybackItem, position: Double)
    case seeked(PlaybackItem, from: Double, to: Double)
    /// The output (sound server) went away; the engine keeps its place and reconnects with backoff.
    case outputLost(String)
    case outputRestored
    /// The output failed for good (a file that cannot be written, say); playback has stopped.
    case outputFailed(String)
    /// Everything queued has been played (or failed).
    case queueFinished
}

/// A consistent picture of the engine at one moment, for anyone who polls instead of listening.
public struct PlaybackSnapshot: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable { case stopped, playing, paused }

    public var status: Status
    public var item: PlaybackItem?
    public var queueIndex: Int?
    public var position: Double
    public var duration: Double?
    public var volume: Int
    public var outputLost: Bool
}
