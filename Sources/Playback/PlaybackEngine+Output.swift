import Foundation
import MusicCore

extension PlaybackEngine {
    /// Backoff between reconnection attempts after the output is lost: quick at first, then twice a second.
    /// A failed attempt (no socket yet) costs microseconds, and the cap bounds how long after the server's
    /// return the sound resumes.
    static let reconnectDelays: [Double] = [0.1, 0.2, 0.4, 0.5]

    /// The output thread. While audio flows it only reads atomics, scales samples in place and calls
    /// `output.write`: no allocation, no lock of ours, no logging. Its rare paths (format change,
    /// reconnection, draining at the end) may block and allocate; nothing is playing then.
    func runOutputLoop() {
        var openFormat: AudioFormat?
        var ramp = VolumeRamp(gain: Float(bitPattern: targetGainBits.load(ordering: .relaxed)))
        var writtenEpoch: UInt64 = 0
        var lastSerial = 0
        var endReportedEpoch: UInt64 = 0
        /// The epoch in which the output failed for good: its chunks are dropped until the next command.
        var brokenEpoch: UInt64?

        while !shuttingDown.load(ordering: .relaxed) {
            // Chunks decoded before a seek, skip or stop are dropped unheard. Only older ones: the epoch
            // is read afresh for each, since a newer epoch's chunks may already be in the ring.
            while let stale = ring.peek(), stale.header.epoch < currentEpoch.load(ordering: .sequentiallyConsistent)
                    || stale.header.epoch == brokenEpoch {
                ring.pop()
                wakeDecoderIfWaiting()
            }
            let epoch = currentEpoch.load(ordering: .sequentiallyConsistent)
            if let next = ring.peek(), next.header.epoch != epoch { continue }
            if paused.load(ordering: .sequentiallyConsistent) {
                outputWake.wait()
                continue
            }
            guard let (header, samples) = ring.peek() else {
                if finishedEpoch.load(ordering: .sequentiallyConsistent) == epoch, endReportedEpoch != epoch {
                    if openFormat != nil { try? output.drain() }
                    // The last play written, even in an earlier epoch (a seek to the very end writes nothing
                    // new); `endNaturally` ignores it if the listener already ended it.
                    if reportEndOfQueue(epoch: epoch, lastSerial: lastSerial) {
                        endReportedEpoch = epoch
                    }
                    continue
                }
                // Starved: sleep until the decoder has a few chunks, has nothing more, or a command comes.
                // The flag is set before the ring is read again, and the decoder reads it after committing.
                outputWaiting.store(true, ordering: .sequentiallyConsistent)
                if ring.isEmpty, currentEpoch.load(ordering: .sequentiallyConsistent) == epoch,
                   finishedEpoch.load(ordering: .sequentiallyConsistent) != epoch || endReportedEpoch == epoch {
                    outputWake.wait()
                }
                outputWaiting.store(false, ordering: .sequentiallyConsistent)
                continue
            }
            // A play opened ahead and then retracted (the queue changed under it) is dropped unheard.
            if header.playSerial != lastSerial, !mayBegin(header.playSerial) {
                ring.pop()
                wakeDecoderIfWaiting()
                continue
            }
            if writtenEpoch != epoch {
                // Stale audio may have slipped into the device between the control call's discard and the
                // epoch check above; discard again before the first chunk of the new epoch.
                if openFormat != nil { output.discardBuffered() }
                writtenEpoch = epoch
            }
            let format = header.format
            if openFormat != format {
                if openFormat != nil {
                    drainBeforeClosing(epoch: epoch)
                    output.close()
                    openFormat = nil
                }
                guard openOutput(format) else {
                    brokenEpoch = epoch
                    continue
                }
                openFormat = format
            }
            // Position first, then the notice: whoever reacts to `started` must already see the new play.
            position.publish(.init(epoch: epoch, playSerial: header.playSerial, frame: header.startFrame))
            if header.playSerial != lastSerial {
                notify(.began(serial: header.playSerial, previous: lastSerial))
                lastSerial = header.playSerial
            }
            let frames = Int(header.frames), channels = format.channels
            ramp.apply(samples, frames: frames, channels: channels, sampleRate: format.sampleRate,
                       target: Float(bitPattern: targetGainBits.load(ordering: .relaxed)))

            var offset = 0
            while offset < frames, !shuttingDown.load(ordering: .relaxed),
                  currentEpoch.load(ordering: .sequentiallyConsistent) == epoch {
                if paused.load(ordering: .sequentiallyConsistent) {
                    outputWake.wait()
                    continue
                }
                do {
                    offset += try output.write(samples + offset * channels, frames: frames - offset)
                    position.publish(.init(epoch: epoch, playSerial: header.playSerial,
                                           frame: header.startFrame + Int64(offset)))
                } catch AudioOutputError.disconnected(let why) {
                    if !reconnect(format, after: why) {
                        openFormat = nil
                        brokenEpoch = epoch
                        break
                    }
                } catch {
                    fail(with: "\(error)")
                    openFormat = nil
                    brokenEpoch = epoch
                    break
                }
            }
            if currentEpoch.load(ordering: .sequentiallyConsistent) == epoch || offset == frames {
                ring.pop()
                wakeDecoderIfWaiting()
            }
        }
    }

    /// Lets the previous track's tail be heard before the stream closes for a new format. A pause stops
    /// the drain (the stream is corked): wait for the resume and drain again, unless the listener moves on.
    private func drainBeforeClosing(epoch: UInt64) {
        while !shuttingDown.load(ordering: .relaxed) {
            try? output.drain()
            guard paused.load(ordering: .sequentiallyConsistent),
                  currentEpoch.load(ordering: .sequentiallyConsistent) == epoch else { return }
            outputWake.wait()
        }
    }

    /// Wakes the decoder if it sleeps on a full ring and the ring has drained to half.
    private func wakeDecoderIfWaiting() {
        if decoderWaiting.load(ordering: .sequentiallyConsistent), ring.count <= decoderResumeLevel,
           decoderWaiting.exchange(false, ordering: .sequentiallyConsistent) {
            decodeWake.signal()
        }
    }

    /// After the last chunk was drained: reports the end of the queue, unless something moved meanwhile
    /// (a pause or seek interrupts the drain; `enqueue` may have given the decoder more to do). Decided
    /// under the state lock, against `enqueue`, so a late entry is either played or waits, never lost.
    private func reportEndOfQueue(epoch: UInt64, lastSerial: Int) -> Bool {
        let ended = state.withLock { s -> Bool in
            guard s.exhaustedEpoch == epoch, s.epoch == epoch, ring.isEmpty,
                  !paused.load(ordering: .sequentiallyConsistent) else { return false }
            s.exhaustedEpoch = nil
            s.endedEpoch = epoch
            return true
        }
        if ended { notify(.queueEnded(epoch: epoch, lastSerial: lastSerial)) }
        return ended
    }

    private func notify(_ notice: OutputNotice) {
        notices.push(notice)
        eventWake.signal()
    }

    /// Opens the output for `format`, reconnecting with backoff if the server is away.
    private func openOutput(_ format: AudioFormat) -> Bool {
        do {
            try output.open(format: format)
            if paused.load(ordering: .sequentiallyConsistent) { output.setPaused(true) }
            return true
        } catch AudioOutputError.disconnected(let why) {
            return reconnect(format, after: why)
        } catch {
            fail(with: "\(error)")
            return false
        }
    }

    /// Keeps trying to reopen the output until it works, the engine shuts down, or the output fails for
    /// good. The chunk being written is kept, so playback continues where it stopped.
    private func reconnect(_ format: AudioFormat, after why: String) -> Bool {
        outputError.withLock { $0 = why }
        notify(.outputLost)
        var attempt = 0
        while !shuttingDown.load(ordering: .relaxed) {
            sleep(seconds: Self.reconnectDelays[min(attempt, Self.reconnectDelays.count - 1)])
            attempt += 1
            if shuttingDown.load(ordering: .relaxed) { break }
            output.close()
            do {
                try output.open(format: format)
                if paused.load(ordering: .sequentiallyConsistent) { output.setPaused(true) }
                notify(.outputRestored)
                return true
            } catch AudioOutputError.disconnected {
                continue
            } catch {
                fail(with: "\(error)")
                return false
            }
        }
        return false
    }

    /// The output cannot work at all: say why and stop playing.
    private func fail(with message: String) {
        outputError.withLock { $0 = message }
        notify(.outputFailed)
    }

    /// Sleeps without being cut short by wake-ups meant for other things, but not past a shutdown.
    private func sleep(seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while !shuttingDown.load(ordering: .relaxed) {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return }
            outputWake.wait(seconds: left)
        }
    }
}
