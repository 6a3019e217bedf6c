import Dispatch
import Foundation
import MusicCore
import Synchronization

/// Plays a queue of files, gaplessly, on three threads of its own:
///
/// - the **decode thread** opens tracks (the next one as soon as the current one is decoded, long before
///   it is heard), applies ReplayGain, and fills the chunk ring;
/// - the **output thread** takes chunks from the ring, applies the volume ramp and writes them to the
///   `AudioOutput`; it allocates nothing, takes no lock and logs nothing while audio flows;
/// - the **event thread** turns what the output thread did into `PlaybackEvent`s, and publishes the
///   position a few times a second.
///
/// Every control call (`pause`, `seek`, `next`…) may come from any thread. Calls that change what is
/// heard start a new *epoch*: chunks decoded for an older epoch are dropped unheard, and the output's
/// buffer is discarded, so the change is heard within milliseconds whatever the ring holds.
///
/// The threads keep the engine alive: call `shutdown()` when done (it also finalises a WAV output).
public final class PlaybackEngine: Sendable {
    /// How often the event thread looks at the position while playing; `progressed` goes out when the
    /// heard position reaches a new whole second, so within this of the second's start.
    public static let progressInterval = 0.2

    /// Tuning of the decode → output pipe.
    public struct Configuration: Sendable {
        /// Chunks in the ring. With `samplesPerChunk` 4096 and stereo 44.1 kHz, 64 chunks are 3 s of audio:
        /// plenty of time to open the next track (an MP3 scan takes milliseconds).
        public var chunks = 64
        /// Samples (not frames) per chunk: 2048 stereo frames, 46 ms at 44.1 kHz.
        public var samplesPerChunk = 4096
        public var replayGain = ReplayGainSettings()
        public var volume = 100

        public init(replayGain: ReplayGainSettings = ReplayGainSettings(), volume: Int = 100) {
            self.replayGain = replayGain
            self.volume = volume
        }
    }

    /// Opens a decoder for a queue entry. Called on the decode thread.
    public typealias DecoderFactory = @Sendable (PlaybackItem) throws -> any AudioDecoder

    /// Every event, in the order heard (unless the engine was made with `onEvent`). One consumer; a slow
    /// one loses the oldest events first.
    public let events: AsyncStream<PlaybackEvent>
    /// Takes every event instead of `events`, on the engine's threads, in order (see `init`).
    let onEvent: (@Sendable (PlaybackEvent) -> Void)?

    let output: any AudioOutput
    let openDecoder: DecoderFactory
    let continuation: AsyncStream<PlaybackEvent>.Continuation

    let state: Mutex<ControlState>
    let ring: ChunkRing
    let notices = SingleProducerRing<OutputNotice>(capacity: 256, filler: .outputRestored)
    let position = PublishedPosition()

    // Shared with the output thread without locks.
    let currentEpoch = Atomic<UInt64>(0)
    let finishedEpoch = Atomic<UInt64>(0)
    let paused = Atomic<Bool>(false)
    /// Set by a thread about to sleep for lack of ring space (decoder) or data (output), so the other
    /// side signals only when it matters: see `PlaybackEngine+Decoding` for the hysteresis.
    let decoderWaiting = Atomic<Bool>(false)
    let outputWaiting = Atomic<Bool>(false)
    let targetGainBits: Atomic<UInt32>
    /// The serial of the play the output last began (`first`) and the plays it must not begin
    /// (`second`, a `RetractedPlays`): one atomic, so that the output beginning a play and a retraction
    /// of it cannot both happen (see `PlaybackEngine+LookAhead`).
    let handoff = Atomic<WordPair>(WordPair(first: 0, second: RetractedPlays.none.word))
    let shuttingDown = Atomic<Bool>(false)
    /// The last output error, written on the output thread's error path only (never while audio flows).
    let outputError = Mutex<String>("")

    let decodeWake = Wakeup()
    let outputWake = Wakeup()
    let eventWake = Wakeup()
    let threadsDone = DispatchGroup()
    let shutdownDone = DispatchGroup()

    /// With `onEvent`, every event goes to it instead of `events`: called on the engine's threads, in
    /// order, under the engine's state lock, so it must hand the event on and return (the interface
    /// queues it for a thread of its own: consuming `events` takes a task of Swift's concurrency pool, and
    /// on Linux that starts libdispatch's once-a-second pool monitor; see `SerialWorker`).
    public init(output: any AudioOutput, configuration: Configuration = Configuration(),
                openDecoder: @escaping DecoderFactory, onEvent: (@Sendable (PlaybackEvent) -> Void)? = nil) {
        self.output = output
        self.openDecoder = openDecoder
        self.onEvent = onEvent
        (events, continuation) = AsyncStream.makeStream(of: PlaybackEvent.self, bufferingPolicy: .bufferingNewest(4096))
        ring = ChunkRing(slots: configuration.chunks, samplesPerSlot: configuration.samplesPerChunk)
        let volume = min(max(configuration.volume, 0), 100)
        targetGainBits = Atomic(Volume.linearGain(percent: volume).bitPattern)
        state = Mutex(ControlState(replayGain: configuration.replayGain, volume: volume))
        shutdownDone.enter()
        startThreads()
    }

    private func startThreads() {
        for (name, body) in [("hum-decode", runDecodeLoop), ("hum-output", runOutputLoop), ("hum-events", runEventLoop)]
            as [(String, @Sendable () -> Void)] {
            threadsDone.enter()
            let thread = Thread { [threadsDone] in
                body()
                threadsDone.leave()
            }
            thread.name = name
            if name == "hum-output" { thread.qualityOfService = .userInteractive }
            thread.start()
        }
    }

    /// Stops the threads and closes the output (finalising a WAV file). The engine cannot be used after.
    /// Any number of threads may call it; each returns once the output is closed.
    public func shutdown() {
        guard !shuttingDown.exchange(true, ordering: .sequentiallyConsistent) else {
            shutdownDone.wait()
            return
        }
        output.discardBuffered()
        decodeWake.signal(); outputWake.signal(); eventWake.signal()
        threadsDone.wait()
        output.close()
        continuation.finish()
        shutdownDone.leave()
    }

    /// Hands `event` to its consumer: `onEvent`, or the `events` stream.
    func emit(_ event: PlaybackEvent) {
        if let onEvent { onEvent(event) } else { continuation.yield(event) }
    }

    // MARK: - Queue and transport

    /// Replaces the queue and starts playing it at `index`.
    public func play(_ items: [PlaybackItem], startAt index: Int = 0) {
        reposition(unpause: true) { s in
            s.queue = items
            guard items.indices.contains(index) else { return Decision(.stop) }
            s.currentIndex = index
            return Decision(.play(index: index, start: .frame(0)))
        }
    }

    /// Adds entries at the end of the queue. While the last track still plays they follow it gaplessly;
    /// once the queue has finished, they wait to be played (`jump(to:)`), as in cmus.
    public func enqueue(_ items: [PlaybackItem]) {
        state.withLock { s in
            s.queue.append(contentsOf: items)
            if s.exhaustedEpoch == s.epoch {
                s.exhaustedEpoch = nil
                finishedEpoch.store(0, ordering: .sequentiallyConsistent)
            }
        }
        decodeWake.signal()
    }

    /// Replaces every entry after the one playing (the whole queue when nothing plays), without touching
    /// what is heard. The interface keeps its own queue and tells the engine only what follows, so edits
    /// never restart a track. An entry already decoded ahead (in the last seconds of a track, for the
    /// gapless hand-off) that no longer follows is dropped unheard and the new one follows instead,
    /// unless the output has already begun it (see `retractStaleLookAhead`).
    public func replaceUpcoming(_ items: [PlaybackItem]) {
        state.withLock { s in
            let previous = s.queue
            if let current = s.currentIndex, s.queue.indices.contains(current) {
                s.queue = Array(s.queue[...current]) + items
            } else {
                s.queue = items
            }
            // Entries added after the end the decoder ran into: it goes on with them (gaplessly, if the
            // last track still plays). The same entries again are nothing new: the end stays the end.
            if !retractStaleLookAhead(&s, previous: previous), s.exhaustedEpoch == s.epoch,
               s.queue.count > previous.count {
                s.exhaustedEpoch = nil
                finishedEpoch.store(0, ordering: .sequentiallyConsistent)
            }
        }
        decodeWake.signal()
    }

    /// The queue as the engine holds it.
    public var queue: [PlaybackItem] { state.withLock { $0.queue } }

    /// Plays the entry at `index` from its start.
    public func jump(to index: Int) {
        reposition(unpause: true) { s in
            guard s.queue.indices.contains(index) else { return nil }
            s.currentIndex = index
            return Decision(.play(index: index, start: .frame(0)))
        }
    }

    /// Skips to the next entry; after the last one, playback stops and `queueFinished` is sent.
    public func next() {
        reposition(unpause: true) { s in
            guard let index = s.currentIndex else { return nil }
            guard index + 1 < s.queue.count else { return Decision(.stop, then: .queueFinished) }
            s.currentIndex = index + 1
            return Decision(.play(index: index + 1, start: .frame(0)))
        }
    }

    /// Goes back to the previous entry (the first entry restarts), as cmus's `prev` does.
    public func previous() {
        reposition(unpause: true) { s in
            guard let index = s.currentIndex else { return nil }
            s.currentIndex = max(index - 1, 0)
            return Decision(.play(index: max(index - 1, 0), start: .frame(0)))
        }
    }

    /// Stops playback; the queue is kept and `play`/`jump` start again.
    public func stop() {
        reposition(unpause: true, endedBy: .stopped) { _ in Decision(.stop) }
    }

    public func pause() { setPaused(true) }
    public func resume() { setPaused(false) }
    public func togglePause() { setPaused(state.withLock { $0.status == .playing }) }

    private func setPaused(_ wantPaused: Bool) {
        state.withLock { s in
            guard s.status != .stopped, (s.status == .paused) != wantPaused else { return }
            s.status = wantPaused ? .paused : .playing
            paused.store(wantPaused, ordering: .sequentiallyConsistent)
            output.setPaused(wantPaused)
            guard let (record, frame) = heardPlay(in: s), record.started else { return }
            let at = record.seconds(frame)
            emit(wantPaused ? .paused(record.item, position: at) : .resumed(record.item, position: at))
        }
        outputWake.signal()
        eventWake.signal()
    }

    /// Moves to `seconds` in the track being heard.
    public func seek(to seconds: Double) {
        seek { record, _ in framesIn(max(seconds, 0), at: record.format.sampleRate) } pending: { .seconds(seconds) }
    }

    /// Moves by `delta` seconds from where the track is being heard.
    public func seek(by delta: Double) {
        seek { record, frame in frame + framesIn(delta, at: record.format.sampleRate) } pending: { .seconds(max(delta, 0)) }
    }

    /// Moves to an exact frame of the track being heard.
    public func seek(toFrame frame: Int64) {
        seek { _, _ in frame } pending: { .frame(frame) }
    }

    /// - Parameters:
    ///   - target: the frame to go to, given the heard play and its heard frame.
    ///   - pending: where to start when nothing has been heard yet (the first chunk is still on its way).
    private func seek(target: (PlayRecord, Int64) -> Int64, pending: () -> StartPoint) {
        let moved = state.withLock { s -> Bool in
            if s.status == .stopped { return false }
            guard let heard = heardPlay(in: s) else {
                if case .play(let index, _)? = s.request?.kind { s.request?.kind = .play(index: index, start: pending()) }
                return false
            }
            let record = heard.record
            var frame = heard.frame
            if let previous = s.pendingSeek, previous.epoch == s.epoch, previous.serial == record.serial,
               position.read().epoch != s.epoch {
                frame = previous.frame
            }
            var to = max(target(record, frame), 0)
            if let count = record.frameCount { to = min(to, count) }
            if record.started {
                emit(.seeked(record.item, from: record.seconds(frame), to: record.seconds(to)))
            }
            startEpoch(&s, .seek(serial: record.serial, frame: to), unpause: false)
            s.pendingSeek = (s.epoch, record.serial, to)
            return true
        }
        if moved { wakeAfterReposition() }
    }

    /// Sets the software volume (0–100 %, cubic). It glides to the new level in `Volume.rampSeconds`.
    public func setVolume(_ percent: Int) {
        let clamped = min(max(percent, Volume.range.lowerBound), Volume.range.upperBound)
        state.withLock { $0.volume = clamped }
        targetGainBits.store(Volume.linearGain(percent: clamped).bitPattern, ordering: .relaxed)
    }

    public var volume: Int { state.withLock { $0.volume } }

    /// Changes ReplayGain; the track being heard is re-gained at once (by seeking to where it is).
    public func setReplayGain(_ settings: ReplayGainSettings) {
        let moved = state.withLock { s -> Bool in
            s.replayGain = settings
            guard s.status != .stopped, let (record, frame) = heardPlay(in: s) else { return false }
            startEpoch(&s, .seek(serial: record.serial, frame: frame), unpause: false)
            return true
        }
        if moved { wakeAfterReposition() }
    }

    public func snapshot() -> PlaybackSnapshot {
        state.withLock { s in
            let heard = heardPlay(in: s)
            return PlaybackSnapshot(status: s.status, item: heard?.record.item, queueIndex: heard?.record.queueIndex ?? s.currentIndex,
                                    position: heard.map { $0.record.seconds($0.frame) } ?? 0,
                                    duration: heard?.record.duration, volume: s.volume, outputLost: s.outputLost)
        }
    }

    // MARK: - Repositioning

    enum UserEnd { case skipped, stopped }

    /// What a transport call decided: the request for the decode thread, and an event to send after the
    /// end of the heard play (`queueFinished` when `next` runs off the end).
    struct Decision {
        var kind: Request.Kind
        var then: PlaybackEvent?

        init(_ kind: Request.Kind, then: PlaybackEvent? = nil) {
            self.kind = kind
            self.then = then
        }
    }

    /// Starts a new epoch chosen by `choose` (nil: do nothing), ending the heard play as skipped or stopped.
    /// Events are sent under the state lock, so they keep the order of the changes they describe.
    private func reposition(unpause: Bool, endedBy reason: UserEnd = .skipped,
                            _ choose: (inout ControlState) -> Decision?) {
        let moved = state.withLock { s -> Bool in
            guard let decision = choose(&s) else { return false }
            if let ended = endHeardPlay(&s, reason: reason) { emit(ended) }
            startEpoch(&s, decision.kind, unpause: unpause)
            if case .stop = decision.kind { s.status = .stopped } else { s.status = .playing }
            if let then = decision.then { emit(then) }
            return true
        }
        if moved { wakeAfterReposition() }
    }

    /// Under the state lock: a new epoch, published to the other threads before the lock is released so
    /// that concurrent calls cannot publish epochs out of order; with `unpause`, the output is uncorked in
    /// the same critical section, so a `pause` racing with it cannot be lost.
    private func startEpoch(_ s: inout ControlState, _ kind: Request.Kind, unpause: Bool) {
        s.epoch += 1
        s.request = Request(epoch: s.epoch, kind: kind)
        s.pendingSeek = nil
        currentEpoch.store(s.epoch, ordering: .sequentiallyConsistent)
        // After the store: a retracted chunk the output looks at from now on is of an older epoch, dropped as such.
        clearRetraction()
        if unpause, paused.exchange(false, ordering: .sequentiallyConsistent) {
            output.setPaused(false)
        }
    }

    /// After a new epoch: drop what the output holds and wake every thread.
    private func wakeAfterReposition() {
        output.discardBuffered()
        decodeWake.signal()
        outputWake.signal()
        eventWake.signal()
    }

    /// The play being heard and its frame, if it has not ended. That includes a play whose first audio
    /// the output has just written but the event thread has not yet announced.
    func heardPlay(in s: ControlState) -> (record: PlayRecord, frame: Int64)? {
        let heard = position.read()
        guard let record = s.plays[heard.playSerial], !record.ended else { return nil }
        return (record, heard.frame)
    }

    /// Marks the heard play as ended by the listener and returns the event saying so. For a play not yet
    /// announced, the event waits in the record: the event thread sends it right after `started`.
    private func endHeardPlay(_ s: inout ControlState, reason: UserEnd) -> PlaybackEvent? {
        guard let (record, frame) = heardPlay(in: s) else { return nil }
        let at = record.seconds(frame)
        let event: PlaybackEvent = reason == .skipped ? .skipped(record.item, position: at) : .stopped(record.item, position: at)
        s.plays[record.serial]?.ended = true
        guard record.started else {
            s.plays[record.serial]?.pendingEnd = event
            return nil
        }
        return event
    }
}
