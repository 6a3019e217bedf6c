import Foundation
import MusicCore
import Playback
import Synchronization

/// The listening log of one player: follows the engine's events with a `ListenTracker` and writes what it
/// produces through a `ListenRecorder`. Callable from any thread.
///
/// With `recordsHistory` false (`collect_history = off`, or a private session) no listen and no event is
/// written at all; only opinions (like, dislike) are kept, because the listener set them on purpose.
public final class ListeningLog: Sendable {
    /// Whether listens and events are written; the interface switches it for a private session.
    public var recordsHistory: Bool { recording.load(ordering: .relaxed) }
    private let recording: Atomic<Bool>
    private let tracker: Mutex<ListenTracker>
    private let recorder: ListenRecorder
    private let clock: @Sendable () -> Double

    public init(store: LibraryStore, recordsHistory: Bool, flushInterval: Double = ListenRecorder.defaultFlushInterval,
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
                onError: @escaping @Sendable (String) -> Void) {
        recording = Atomic(recordsHistory)
        let last = try? store.lastSession()
        let sessions = ListeningSessions(currentID: last?.id, lastHeardAt: last?.lastHeardAt)
        tracker = Mutex(ListenTracker(sessions: sessions, newSessionID: { UUID().uuidString.lowercased() }))
        recorder = ListenRecorder(store: store, flushInterval: flushInterval, onError: onError)
        self.clock = clock
    }

    /// Starts or ends recording (a private session, `collect_history` switched): from the next event on.
    public func setRecordsHistory(_ records: Bool) { recording.store(records, ordering: .relaxed) }

    /// Logs what `event` means. `trackID` maps a queue entry to its library track.
    public func handle(_ event: PlaybackEvent, trackID: (PlaybackItem) -> Int64?,
                       context: (PlaybackItem) -> ListenTracker.Context) {
        let now = clock()
        let entries = tracker.withLock { $0.handle(event, at: now, trackID: trackID, context: context) }
        if recordsHistory { recorder.submit(entries) }
    }

    /// Sets the listener's opinion of `trackID`, or without one of the track being heard; false when
    /// neither is known.
    ///
    /// Why the interface names the track: it shows the entry asked for as playing from the key on, and
    /// a like pressed before the engine's `started` reached the log (a loaded machine: a few hundred
    /// milliseconds) was refused with "nothing is playing" although the bar showed the track.
    @discardableResult
    public func setOpinion(_ opinion: TrackOpinion?, trackID: Int64? = nil) -> Bool {
        let now = clock()
        // Written without a closure over the inout tracker: Swift 6.3's optimiser crashes on that shape.
        let entries: [ListeningLogEntry]? = tracker.withLock { tracker -> [ListeningLogEntry]? in
            guard let trackID = trackID ?? tracker.currentTrackID else { return nil }
            return tracker.opinion(opinion, trackID: trackID, at: now)
        }
        guard let entries else { return false }
        recorder.submit(recordsHistory ? entries : entries.filter { if case .opinion = $0 { true } else { false } })
        return true
    }

    /// Keeps feedback from the "why" panel about a track (more like this, less like this, not at this
    /// hour): an event the taste model learns from. False (nothing kept) when history is not recorded.
    @discardableResult
    public func recordFeedback(_ kind: ListeningEvent.Kind, trackID: Int64) -> Bool {
        guard recordsHistory else { return false }
        let now = clock()
        let session = tracker.withLock { $0.sessions.currentID }
        recorder.submit([.event(ListeningEvent(at: now, kind: kind, trackID: trackID, sessionID: session, position: nil))])
        return true
    }

    /// Closes any open listen and writes everything pending (waits up to `timeout` seconds).
    public func close(timeout: Double = 5) {
        let now = clock()
        let entries = tracker.withLock { $0.finish(at: now) }
        if recordsHistory { recorder.submit(entries) }
        recorder.close(timeout: timeout)
    }
}
