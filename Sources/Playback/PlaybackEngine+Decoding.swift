import MusicCore

/// A track open on the decode thread. Lives and dies on that thread (decoders are not Sendable).
private final class OpenTrack {
    let decoder: any AudioDecoder
    let serial: Int
    let item: PlaybackItem
    let queueIndex: Int
    var gain: Float
    var nextFrame: Int64 = 0
    /// Whether any audio of this play went into the ring. A play opened at its start that never gives
    /// any (a truncated file whose header is fine) is never heard, so it would never be announced, and
    /// the interface would wait for its `started` to say what follows: it is reported as a failure.
    var gaveAudio = false

    init(decoder: any AudioDecoder, serial: Int, item: PlaybackItem, queueIndex: Int, gain: Float) {
        self.decoder = decoder
        self.serial = serial
        self.item = item
        self.queueIndex = queueIndex
        self.gain = gain
    }
}

extension PlaybackEngine {
    /// Hysteresis between the two threads, so they do not wake each other for every chunk (that cost a
    /// context switch per 46 ms of audio, about a quarter of the CPU hum spent beyond decoding):
    /// a full ring puts the decoder to sleep until the output has emptied it to half, and a starved output
    /// sleeps until a few chunks are ready (or the decoder has nothing more to give).
    var decoderResumeLevel: Int { ring.slotCount / 2 }
    /// Four chunks, or fewer in a tiny ring (which could never hold four, and the output would sleep on).
    var outputWakeLevel: Int { max(1, min(4, ring.slotCount / 2)) }

    /// Wakes the output thread if it sleeps waiting for data.
    func wakeOutputIfWaiting() {
        if outputWaiting.exchange(false, ordering: .sequentiallyConsistent) { outputWake.signal() }
    }

    /// The decode thread: follows requests, and otherwise keeps the ring full, opening the next track the
    /// moment the current one is fully decoded (seconds before it is heard: that is the gapless hand-off).
    func runDecodeLoop() {
        var track: OpenTrack?
        var epoch: UInt64 = 0
        /// The queue index after which nothing more was found; lets `enqueue` resume a finished queue.
        var exhaustedAfter: Int?
        var pendingFailures: [FailedOpen] = []

        func openFrom(_ index: Int, start: StartPoint) {
            track = nil
            exhaustedAfter = nil
            var index = index
            while !shuttingDown.load(ordering: .relaxed) {
                let item: PlaybackItem? = state.withLock { s in
                    s.request == nil && s.queue.indices.contains(index) ? s.queue[index] : nil
                }
                guard let item else { break }
                switch open(item, at: index, start: start, epoch: epoch, failedBefore: &pendingFailures) {
                case .opened(let opened):
                    track = opened
                    return
                case .failed:
                    index += 1
                case .superseded:
                    continue
                }
            }
            // The end of the queue (unless a newer request came): the output reports it once this epoch's
            // audio has been played, unless `enqueue` adds more first.
            let exhausted = state.withLock { s -> Bool in
                guard s.request == nil else { return false }
                s.trailingFailures[epoch] = pendingFailures
                s.exhaustedEpoch = epoch
                finishedEpoch.store(epoch, ordering: .sequentiallyConsistent)
                return true
            }
            if exhausted {
                pendingFailures = []
                exhaustedAfter = index - 1
                outputWake.signal()
            }
            wakeOutputIfWaiting()
        }

        while !shuttingDown.load(ordering: .relaxed) {
            if let request = state.withLock({ s -> Request? in defer { s.request = nil }; return s.request }) {
                epoch = request.epoch
                pendingFailures = []
                switch request.kind {
                case .stop:
                    track = nil
                    exhaustedAfter = nil
                case .play(let index, let start):
                    openFrom(index, start: start)
                case .reopen(let index):
                    openFrom(index, start: .frame(0))
                case .seek(let serial, let frame):
                    track = seekPlay(serial: serial, frame: frame, current: track)
                    if track == nil { openFrom(state.withLock { $0.plays[serial]?.queueIndex ?? 0 } + 1, start: .frame(0)) }
                }
                continue
            }
            guard let current = track else {
                // Idle: stopped, or past the end of the queue. Resume if `enqueue` added entries in time
                // (it cleared `exhaustedEpoch` before the output reported the end).
                if let last = exhaustedAfter, state.withLock({ s in
                    s.request == nil && s.epoch == epoch && s.exhaustedEpoch == nil && s.endedEpoch != epoch
                        && s.queue.count > last + 1
                }) {
                    openFrom(last + 1, start: .frame(0))
                    continue
                }
                wakeOutputIfWaiting()
                decodeWake.wait()
                continue
            }
            guard let buffer = ring.reservableSamples() else {
                // Full: sleep until the output has drained half. The flag is set before the level is read
                // again, and the output reads the flag after popping, so one of the two always notices.
                decoderWaiting.store(true, ordering: .sequentiallyConsistent)
                if ring.count > decoderResumeLevel { decodeWake.wait() }
                decoderWaiting.store(false, ordering: .sequentiallyConsistent)
                continue
            }
            let channels = current.decoder.format.channels
            do {
                let frames = try current.decoder.read(into: buffer, maxFrames: ring.samplesPerSlot / channels)
                if frames > 0 {
                    if current.gain != 1 {
                        for index in 0..<frames * channels { buffer[index] *= current.gain }
                    }
                    ring.commit(ChunkHeader(epoch: epoch, playSerial: current.serial,
                                            sampleRate: Int32(current.decoder.format.sampleRate),
                                            channels: Int32(channels), startFrame: current.nextFrame,
                                            frames: Int32(frames)))
                    current.nextFrame += Int64(frames)
                    current.gaveAudio = true
                    if ring.count >= outputWakeLevel { wakeOutputIfWaiting() }
                    continue
                }
                if !current.gaveAudio && current.nextFrame == 0 {
                    dropSilentPlay(current, message: "no audio in \(current.item.path)", failures: &pendingFailures)
                } else {
                    state.withLock { $0.plays[current.serial]?.endFrame = current.nextFrame }
                }
            } catch where !current.gaveAudio && current.nextFrame == 0 {
                dropSilentPlay(current, message: "\(error)", failures: &pendingFailures)
            } catch {
                state.withLock { s in
                    s.plays[current.serial]?.failure = ("\(error)", current.nextFrame)
                    s.plays[current.serial]?.endFrame = current.nextFrame
                }
            }
            openFrom(current.queueIndex + 1, start: .frame(0))
        }
    }

    /// Forgets a play that gave no audio at all and reports it as a file that failed to open: just
    /// before the next track that plays, or when the queue ends.
    private func dropSilentPlay(_ track: OpenTrack, message: String, failures: inout [FailedOpen]) {
        let failedBefore = state.withLock { $0.plays.removeValue(forKey: track.serial)?.failedBefore ?? [] }
        failures += failedBefore + [FailedOpen(item: track.item, message: message)]
    }

    private enum Opened {
        case opened(OpenTrack)
        /// Added to `failedBefore`.
        case failed
        /// The queue changed at `index` (or a request came) while the file was being opened: not registered.
        case superseded
    }

    /// Opens `item` and registers a new play for it, unless the entry at `index` changed meanwhile (the
    /// file is opened outside the lock, and an edit may replace the entry then; registering the old one
    /// would play what the queue no longer holds). On failure, adds it to `failedBefore`.
    private func open(_ item: PlaybackItem, at index: Int, start: StartPoint, epoch: UInt64,
                      failedBefore: inout [FailedOpen]) -> Opened {
        do {
            let decoder = try openDecoder(item)
            var frame = start.frame(at: decoder.format.sampleRate)
            if let count = decoder.frameCount { frame = min(frame, count) }
            if frame > 0 { try decoder.seek(toFrame: frame) }
            let failures = failedBefore
            let registered = state.withLock { s -> (Int, Float)? in
                guard s.request == nil, s.queue.indices.contains(index), s.queue[index] == item else { return nil }
                let serial = s.nextSerial
                s.nextSerial += 1
                s.prunePlays(keepingAbove: serial - 64)
                s.plays[serial] = PlayRecord(serial: serial, item: item, queueIndex: index, epoch: epoch,
                                             format: decoder.format, frameCount: decoder.frameCount,
                                             failedBefore: failures)
                return (serial, s.replayGain.linearGain(for: item.replayGain, albumInOrder: item.albumInOrder))
            }
            guard let (serial, gain) = registered else { return .superseded }
            failedBefore = []
            let track = OpenTrack(decoder: decoder, serial: serial, item: item, queueIndex: index, gain: gain)
            track.nextFrame = frame
            return .opened(track)
        } catch {
            failedBefore.append(FailedOpen(item: item, message: "\(error)"))
            return .failed
        }
    }

    /// Seeks inside play `serial`: in the open decoder when it is that play, otherwise by reopening the
    /// play's file (the decoder may already be on the next track). Returns nil if the file cannot be read.
    private func seekPlay(serial: Int, frame: Int64, current: OpenTrack?) -> OpenTrack? {
        guard let record = state.withLock({ $0.plays[serial] }) else { return nil }
        let gain = state.withLock { $0.replayGain.linearGain(for: record.item.replayGain, albumInOrder: record.item.albumInOrder) }
        do {
            let track: OpenTrack
            if let current, current.serial == serial {
                track = current
                track.gain = gain
            } else {
                track = OpenTrack(decoder: try openDecoder(record.item), serial: serial, item: record.item,
                                  queueIndex: record.queueIndex, gain: gain)
            }
            try track.decoder.seek(toFrame: frame)
            track.nextFrame = frame
            track.gaveAudio = true  // a seek moves inside a play being heard: never "no audio"
            state.withLock { $0.plays[serial]?.endFrame = nil }
            return track
        } catch {
            state.withLock { s in
                s.plays[serial]?.failure = ("\(error)", frame)
                s.plays[serial]?.endFrame = frame
            }
            return nil
        }
    }
}
