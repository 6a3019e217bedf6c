import MusicCore

/// Where to start a track.
enum StartPoint: Equatable, Sendable {
    case frame(Int64)
    /// Resolved to a frame once the decoder knows the sample rate.
    case seconds(Double)

    func frame(at sampleRate: Int) -> Int64 {
        switch self {
        case .frame(let frame): max(frame, 0)
        case .seconds(let seconds): max(framesIn(seconds, at: sampleRate), 0)
        }
    }
}

/// `seconds` as a frame count at `sampleRate`, clamped far inside Int64 so that no input can trap.
func framesIn(_ seconds: Double, at sampleRate: Int) -> Int64 {
    guard seconds.isFinite else { return 0 }
    let limit = Double(1 << 50)
    return Int64(min(max((seconds * Double(sampleRate)).rounded(), -limit), limit))
}

/// What the decode thread must do next; replaced (not queued) by newer requests.
struct Request: Sendable {
    enum Kind: Sendable {
        case play(index: Int, start: StartPoint)
        /// Move inside an existing play (same serial: no new `started` event).
        case seek(serial: Int, frame: Int64)
        /// The entries from `index` changed after the decoder opened them ahead: open from there again,
        /// in the same epoch, leaving the play being heard alone (see `retractStaleLookAhead`).
        case reopen(index: Int)
        case stop
    }

    var epoch: UInt64
    var kind: Kind
}

/// A track that could not be opened, reported just before the next track that plays.
struct FailedOpen: Sendable {
    var item: PlaybackItem
    var message: String
}

/// One play of one track: registered by the decode thread when it opens the track, then followed by the
/// event thread as the output reaches it. The `ended` flag is what makes finished/skipped/stopped happen
/// exactly once, whichever thread gets there first.
struct PlayRecord: Sendable {
    var serial: Int
    var item: PlaybackItem
    var queueIndex: Int
    var epoch: UInt64
    var format: AudioFormat
    var frameCount: Int64?
    /// Tracks that failed to open between the previous play and this one.
    var failedBefore: [FailedOpen] = []
    /// Set when decoding broke: the message and the frame where it broke.
    var failure: (message: String, frame: Int64)?
    /// The frame where decoding ended (the track's real length when `frameCount` was unknown or wrong).
    var endFrame: Int64?
    var started = false
    var ended = false
    /// How the listener ended a play before it was announced; sent right after its `started`.
    var pendingEnd: PlaybackEvent?

    func seconds(_ frame: Int64) -> Double { Double(frame) / Double(format.sampleRate) }
    var duration: Double? { frameCount.map(seconds) }
}

/// Everything the control calls, the decode thread and the event thread share, behind one mutex. The
/// output thread never touches it.
struct ControlState: Sendable {
    var queue: [PlaybackItem] = []
    /// The entry being played (or about to be), for next/previous.
    var currentIndex: Int?
    var request: Request?
    var epoch: UInt64 = 0
    var status: PlaybackSnapshot.Status = .stopped
    var replayGain: ReplayGainSettings
    var volume: Int
    var outputLost = false
    /// The last seek asked for, until the output plays its epoch: a second relative seek made before then
    /// (a held → key) starts from this target, not from the position still being heard.
    var pendingSeek: (epoch: UInt64, serial: Int, frame: Int64)?
    var nextSerial = 1
    var plays: [Int: PlayRecord] = [:]
    /// Tracks that failed after the last one that played, per epoch: reported when the queue ends.
    var trailingFailures: [UInt64: [FailedOpen]] = [:]
    /// The epoch in which the decoder ran out of queue while the output still plays its last chunks.
    /// `enqueue` clears it (the decoder continues, gaplessly); the output clears it when it reports the
    /// end, setting `endedEpoch`. Both happen under this lock, so exactly one of them wins.
    var exhaustedEpoch: UInt64?
    var endedEpoch: UInt64?

    init(replayGain: ReplayGainSettings, volume: Int) {
        self.replayGain = replayGain
        self.volume = volume
    }

    /// Forgets plays long gone, so a day of playback does not grow the table; the play being heard is
    /// kept however old it is.
    mutating func prunePlays(keepingAbove floor: Int) {
        plays = plays.filter { $0.key > floor || ($0.value.started && !$0.value.ended) }
    }
}

/// What the output thread tells the event thread, through a lock-free ring (plain values only).
enum OutputNotice: BitwiseCopyable {
    /// The output began writing play `serial`; `previous` is the play written before it (0: none).
    case began(serial: Int, previous: Int)
    /// The decoder had nothing more for `epoch` and the output has played everything it had.
    case queueEnded(epoch: UInt64, lastSerial: Int)
    case outputLost
    case outputRestored
    case outputFailed
}
