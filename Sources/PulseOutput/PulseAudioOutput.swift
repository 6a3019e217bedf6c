import CPulse
import Dispatch
import MusicCore

/// Plays through PulseAudio (or PipeWire's PulseAudio server) with the asynchronous API on a threaded
/// main loop.
///
/// Why not `pa_simple`: corking and flushing a stream from another thread while the writer is blocked is
/// what makes pause and seek take effect within milliseconds, and `pa_simple` cannot do either.
///
/// Thread safety: every field is read and written with the main loop's lock held
/// (`pa_threaded_mainloop_lock`), which is also what the PulseAudio API requires of every call; the
/// blocked writer waits on the main loop's condition, which releases the lock. Hence `@unchecked Sendable`.
public final class PulseAudioOutput: AudioOutput, @unchecked Sendable {
    public let name = "pulse"

    /// How much audio the server buffers ahead. Pause and seek do not depend on it (cork and flush act
    /// at once); a volume change is heard after at most this long. Measured on a 30 s MP3 through a null
    /// sink: 100 ms cost 293 ms of CPU, 250 ms 151 ms (as much as `mpg123 -o pulse`), 500 ms 116 ms.
    public static let defaultTargetLatency = 0.25

    private let mainloop: OpaquePointer
    /// Wakes `waitForServer` at its deadline (a thread of its own, not Dispatch: see `SerialWorker`).
    private let alarms = SerialWorker(name: "hum-pulse-alarm")
    private let applicationName: String
    private let server: String?
    private let targetLatency: Double
    private var context: OpaquePointer?
    private var stream: OpaquePointer?
    private var format: AudioFormat?
    /// Set by `discardBuffered` to make a blocked `write` (or `drain`) return.
    private var interrupted = false
    /// Set by `discardBuffered` too, to abandon a connection attempt under way (a shutdown must not wait
    /// on a server that does not answer). Cleared when an attempt begins: a flush from before it (every
    /// seek flushes) must not stop it.
    private var abortConnecting = false
    private var corked = false

    /// How long to wait for a server to accept a connection or a stream before trying again later.
    static let answerTimeout = 5.0
    /// How long past the audio it buffers (`targetLatency`) a drain may wait for the server to confirm.
    /// The end of the queue is reported after the drain, so a server that never confirms (frozen, or
    /// starved of CPU) must not hold the next entry and its report back for ever.
    static let drainGrace = 2.0

    /// - Parameter server: the server to use; nil means PulseAudio's default (`PULSE_SERVER`, then the
    ///   user's session). hum never autospawns a server.
    public init(applicationName: String = "hum", server: String? = nil,
                targetLatency: Double = PulseAudioOutput.defaultTargetLatency) throws {
        var reason = [CChar](repeating: 0, count: 256)
        guard hum_pulse_load(&reason, reason.count) == 0 else {
            throw AudioOutputError.failed("PulseAudio's library cannot be loaded (\(String(decoding: reason.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)))")
        }
        guard let mainloop = hum_pa_threaded_mainloop_new() else {
            throw AudioOutputError.failed("cannot create a PulseAudio main loop")
        }
        self.mainloop = mainloop
        self.applicationName = applicationName
        self.server = server
        self.targetLatency = targetLatency
        guard hum_pa_threaded_mainloop_start(mainloop) == 0 else {
            hum_pa_threaded_mainloop_free(mainloop)
            throw AudioOutputError.failed("cannot start the PulseAudio main loop")
        }
    }

    deinit {
        withLock {
            closeStream()
            disconnect()
        }
        hum_pa_threaded_mainloop_stop(mainloop)
        hum_pa_threaded_mainloop_free(mainloop)
    }

    /// Connects to the server now, so that a missing server is reported before anything plays.
    public func connect() throws {
        try withLock {
            abortConnecting = false
            try connectIfNeeded()
        }
    }

    // MARK: AudioOutput

    public func open(format: AudioFormat) throws {
        try withLock {
            abortConnecting = false
            closeStream()
            try connectIfNeeded()
            try openStream(format)
        }
    }

    public func write(_ samples: UnsafePointer<Float>, frames: Int) throws -> Int {
        try withLock {
            guard let format else { throw AudioOutputError.failed("the PulseAudio stream is not open") }
            let frameBytes = format.channels * MemoryLayout<Float>.size
            while true {
                if interrupted {
                    interrupted = false
                    return 0
                }
                let stream = try readyStream()
                let writable = hum_pa_stream_writable_size(stream)
                guard writable >= 0 else { throw lost() }
                if writable >= frameBytes {
                    let count = min(frames, writable / frameBytes)
                    guard hum_pa_stream_write(stream, samples, count * frameBytes, nil, 0, PA_SEEK_RELATIVE) == 0 else {
                        throw lost()
                    }
                    return count
                }
                hum_pa_threaded_mainloop_wait(mainloop)
            }
        }
    }

    /// Waits until the server has played what it was given, at most `targetLatency + drainGrace`
    /// seconds; past that it stops waiting (and says so by throwing), as if the audio had played.
    public func drain() throws {
        try withLock {
            guard !corked, let stream = try? readyStream() else { return }
            guard let operation = hum_pa_stream_drain(stream, { _, _, loop in signal(loop) }, UnsafeMutableRawPointer(mainloop))
            else { throw lost() }
            defer { hum_pa_operation_unref(operation) }
            let patience = targetLatency + Self.drainGrace
            let deadline = DispatchTime.now() + patience
            let alarm = wakeWaits(after: patience)
            defer { alarms.cancel(alarm) }
            while hum_pa_operation_get_state(operation) == PA_OPERATION_RUNNING {
                if interrupted || corked {
                    interrupted = false
                    hum_pa_operation_cancel(operation)
                    return
                }
                _ = try readyStream()
                if DispatchTime.now() >= deadline {
                    hum_pa_operation_cancel(operation)
                    throw AudioOutputError.disconnected(String(format: "the sound server did not confirm the end of the audio within %.2g s", patience))
                }
                hum_pa_threaded_mainloop_wait(mainloop)
            }
        }
    }

    public func setPaused(_ paused: Bool) {
        withLock {
            corked = paused
            if let stream, hum_pa_stream_get_state(stream) == PA_STREAM_READY,
               let operation = hum_pa_stream_cork(stream, paused ? 1 : 0, nil, nil) {
                hum_pa_operation_unref(operation)
            }
            hum_pa_threaded_mainloop_signal(mainloop, 0)
        }
    }

    public func discardBuffered() {
        withLock {
            if let stream, hum_pa_stream_get_state(stream) == PA_STREAM_READY,
               let operation = hum_pa_stream_flush(stream, nil, nil) {
                hum_pa_operation_unref(operation)
            }
            interrupted = true
            abortConnecting = true
            hum_pa_threaded_mainloop_signal(mainloop, 0)
        }
    }

    public func close() {
        withLock { closeStream() }
    }

    // MARK: Internals (call with the lock held)

    private func withLock<T>(_ body: () throws -> T) rethrows -> T {
        hum_pa_threaded_mainloop_lock(mainloop)
        defer { hum_pa_threaded_mainloop_unlock(mainloop) }
        return try body()
    }

    private var errorText: String {
        guard let context else { return "not connected" }
        return String(cString: hum_pa_strerror(hum_pa_context_errno(context)))
    }

    private func lost() -> AudioOutputError { .disconnected(errorText) }

    private func connectIfNeeded() throws {
        if let context, hum_pa_context_get_state(context) == PA_CONTEXT_READY { return }
        disconnect()
        guard let context = hum_pa_context_new(hum_pa_threaded_mainloop_get_api(mainloop), applicationName) else {
            throw AudioOutputError.failed("cannot create a PulseAudio context")
        }
        self.context = context
        hum_pa_context_set_state_callback(context, { _, loop in signal(loop) }, UnsafeMutableRawPointer(mainloop))
        guard hum_pa_context_connect(context, server, PA_CONTEXT_NOAUTOSPAWN, nil) >= 0 else { throw lost() }
        try waitForServer {
            let state = hum_pa_context_get_state(context)
            if state == PA_CONTEXT_FAILED || state == PA_CONTEXT_TERMINATED { throw lost() }
            return state == PA_CONTEXT_READY
        }
    }

    /// Wakes whatever waits on the main loop's condition after `seconds`, so a wait can check its
    /// deadline; the handle is for `alarms.cancel`. It keeps this object alive until it has run or is
    /// cancelled.
    private func wakeWaits(after seconds: Double) -> Int {
        alarms.async(after: seconds) { [self] in withLock { hum_pa_threaded_mainloop_signal(mainloop, 0) } }
    }

    /// Waits on the main loop until `ready` says so, giving up after `answerTimeout` or when
    /// `discardBuffered` asks (both throw `disconnected`, so the engine tries again later or shuts down).
    private func waitForServer(until ready: () throws -> Bool) throws {
        let deadline = DispatchTime.now() + Self.answerTimeout
        let alarm = wakeWaits(after: Self.answerTimeout)
        defer { alarms.cancel(alarm) }
        while try !ready() {
            if abortConnecting {
                throw AudioOutputError.disconnected("interrupted while waiting for the sound server")
            }
            if DispatchTime.now() >= deadline {
                throw AudioOutputError.disconnected("the sound server did not answer within \(Int(Self.answerTimeout)) s")
            }
            hum_pa_threaded_mainloop_wait(mainloop)
        }
    }

    private func disconnect() {
        guard let context else { return }
        hum_pa_context_set_state_callback(context, nil, nil)
        hum_pa_context_disconnect(context)
        hum_pa_context_unref(context)
        self.context = nil
    }

    private func openStream(_ format: AudioFormat) throws {
        var spec = pa_sample_spec(format: PA_SAMPLE_FLOAT32LE, rate: UInt32(format.sampleRate),
                                  channels: UInt8(clamping: format.channels))
        guard hum_pa_sample_spec_valid(&spec) != 0 else {
            throw AudioOutputError.failed("PulseAudio cannot play \(format)")
        }
        var map = pa_channel_map()
        hum_pa_channel_map_init_extend(&map, UInt32(format.channels), PA_CHANNEL_MAP_WAVEEX)
        guard let stream = hum_pa_stream_new(context, applicationName, &spec, &map) else { throw lost() }
        self.stream = stream
        self.format = format
        let loop = UnsafeMutableRawPointer(mainloop)
        hum_pa_stream_set_state_callback(stream, { _, loop in signal(loop) }, loop)
        hum_pa_stream_set_write_callback(stream, { _, _, loop in signal(loop) }, loop)

        let bytesPerSecond = Double(format.sampleRate * format.channels * MemoryLayout<Float>.size)
        // The server asks for audio when half the buffer has played: half as many wake-ups as its default.
        var attributes = pa_buffer_attr(maxlength: UInt32.max, tlength: UInt32(bytesPerSecond * targetLatency),
                                        prebuf: UInt32.max, minreq: UInt32(bytesPerSecond * targetLatency / 2),
                                        fragsize: UInt32.max)
        // No timing updates: hum does not ask the server for latency, and they cost a round trip each.
        var flags = PA_STREAM_ADJUST_LATENCY.rawValue
        let startedCorked = corked
        if startedCorked { flags |= PA_STREAM_START_CORKED.rawValue }
        guard hum_pa_stream_connect_playback(stream, nil, &attributes, pa_stream_flags_t(rawValue: flags), nil, nil) >= 0
        else { throw lost() }
        try waitForServer {
            let state = hum_pa_stream_get_state(stream)
            if state == PA_STREAM_FAILED || state == PA_STREAM_TERMINATED { throw lost() }
            return state == PA_STREAM_READY
        }
        // The wait lets go of the lock: a pause or resume that came meanwhile could not cork a stream that
        // was not ready. Without this a resume during the connection left the stream corked (no sound,
        // the writer waiting for ever) and a pause left it playing.
        if corked != startedCorked, let operation = hum_pa_stream_cork(stream, corked ? 1 : 0, nil, nil) {
            hum_pa_operation_unref(operation)
        }
    }

    /// The stream, if it and the connection are healthy; otherwise the error to report.
    private func readyStream() throws -> OpaquePointer {
        guard let context, hum_pa_context_get_state(context) == PA_CONTEXT_READY,
              let stream, hum_pa_stream_get_state(stream) == PA_STREAM_READY else { throw lost() }
        return stream
    }

    private func closeStream() {
        guard let stream else { return }
        hum_pa_stream_set_state_callback(stream, nil, nil)
        hum_pa_stream_set_write_callback(stream, nil, nil)
        if hum_pa_stream_get_state(stream) == PA_STREAM_READY { hum_pa_stream_disconnect(stream) }
        hum_pa_stream_unref(stream)
        self.stream = nil
        format = nil
        interrupted = false
    }
}

/// Wakes whoever waits on the main loop; every callback does just this, the waiting code re-reads state.
private func signal(_ loop: UnsafeMutableRawPointer?) {
    guard let loop else { return }
    hum_pa_threaded_mainloop_signal(OpaquePointer(loop), 0)
}
