extension PlaybackEngine {
    /// The event thread: turns the output thread's notices into `PlaybackEvent`s, and while playing
    /// looks at the position every `progressInterval` and sends it when a new whole second of the track
    /// is heard. It sleeps without a timeout when nothing plays.
    /// Events are sent under the state lock, like the control calls' own, so they keep one order.
    func runEventLoop() {
        var lastProgress: PublishedPosition.Value?
        /// The play and whole second last sent: everything that shows the position shows seconds, and each
        /// event crosses threads to reach them (four a second more cost hum's interface 0.04 s of CPU per
        /// minute of audio, an eighth of what playing costs).
        var lastSentSecond: (playSerial: Int, second: Int64)?
        while !shuttingDown.load(ordering: .relaxed) {
            if state.withLock({ $0.status == .playing }) {
                eventWake.wait(seconds: Self.progressInterval)
            } else {
                eventWake.wait()
            }
            while let (_, notice) = notices.peek() {
                notices.pop()
                let outputFailed = state.withLock { s -> Bool in
                    let happened = events(for: notice, in: &s)
                    for event in happened { emit(event) }
                    if case .outputFailed? = happened.last { return true }
                    return false
                }
                if outputFailed { stop() }
            }
            let heard = position.read()
            guard heard != lastProgress else { continue }
            state.withLock { s in
                guard s.status == .playing, let record = s.plays[heard.playSerial], record.started, !record.ended
                else { return }
                lastProgress = heard
                let second = heard.frame / Int64(max(1, record.format.sampleRate))
                guard lastSentSecond?.playSerial != heard.playSerial || lastSentSecond?.second != second else { return }
                lastSentSecond = (heard.playSerial, second)
                emit(.progressed(record.item, position: record.seconds(heard.frame), duration: record.duration))
            }
        }
    }

    /// The events one notice means, decided under the state lock so that a play ends exactly once.
    private func events(for notice: OutputNotice, in s: inout ControlState) -> [PlaybackEvent] {
        var events: [PlaybackEvent] = []
        switch notice {
        case .began(let serial, let previous):
            events += endNaturally(&s, serial: previous)
            guard var record = s.plays[serial] else { return events }
            events += record.failedBefore.map { .failed($0.item, message: $0.message, position: nil) }
            record.failedBefore = []
            record.started = true
            events.append(.started(record.item, queueIndex: record.queueIndex, duration: record.duration))
            // The listener moved on before this play was announced: say so right after `started`.
            if let end = record.pendingEnd { events.append(end) }
            record.pendingEnd = nil
            s.plays[serial] = record
            s.currentIndex = record.queueIndex
        case .queueEnded(let epoch, let lastSerial):
            events += endNaturally(&s, serial: lastSerial)
            events += (s.trailingFailures.removeValue(forKey: epoch) ?? [])
                .map { .failed($0.item, message: $0.message, position: nil) }
            if epoch == s.epoch {
                s.status = .stopped
                events.append(.queueFinished)
            }
        case .outputLost:
            s.outputLost = true
            events.append(.outputLost(outputError.withLock { $0 }))
        case .outputRestored:
            s.outputLost = false
            events.append(.outputRestored)
        case .outputFailed:
            guard s.status != .stopped else { return events }
            events.append(.outputFailed(outputError.withLock { $0 }))
        }
        return events
    }

    /// Ends play `serial` because the output moved past it: finished, or failed if decoding broke.
    private func endNaturally(_ s: inout ControlState, serial: Int) -> [PlaybackEvent] {
        guard serial != 0, var record = s.plays[serial], record.started, !record.ended else { return [] }
        record.ended = true
        s.plays[serial] = record
        let end = record.endFrame ?? record.frameCount ?? 0
        if let failure = record.failure {
            return [.failed(record.item, message: failure.message, position: record.seconds(failure.frame))]
        }
        return [.finished(record.item, position: record.seconds(end))]
    }
}
