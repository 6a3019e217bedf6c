/// Where played audio goes: a sound server, a file, or nowhere.
///
/// The engine's output thread is the only caller of `open`, `write`, `drain` and `close`. `setPaused`
/// and `discardBuffered` may be called from any thread while `write` is blocked, which is how pause and
/// seek take effect within milliseconds; that is why outputs are `Sendable` and document their locking.
public protocol AudioOutput: AnyObject, Sendable {
    /// A short name for messages ("pulse", "wav:/tmp/out.wav", "null").
    var name: String { get }

    /// Prepares a stream for `format`. Called again when the format changes between tracks, and to
    /// reconnect after `AudioOutputError.disconnected`.
    func open(format: AudioFormat) throws

    /// Hands over up to `frames` frames of interleaved samples, blocking while the device is full.
    /// - Returns: the frames accepted; 0 when `discardBuffered()` interrupted the wait.
    func write(_ samples: UnsafePointer<Float>, frames: Int) throws -> Int

    /// Blocks until everything written so far has been heard, or an output's own bound on that wait has
    /// passed (PulseAudio's: its buffer and 2 s; then it throws).
    func drain() throws

    /// Stops (or restarts) the audio being heard, immediately.
    func setPaused(_ paused: Bool)

    /// Drops audio written but not yet heard, and wakes a blocked `write`.
    func discardBuffered()

    /// Ends the stream; everything written is kept (files are finalised).
    func close()
}

/// Errors an output reports. `disconnected` is the one the engine recovers from by reopening.
public enum AudioOutputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The sound server went away; reopening may succeed later.
    case disconnected(String)
    /// The output cannot work (bad path, unsupported format…); reopening will not help.
    case failed(String)

    public var description: String {
        switch self {
        case .disconnected(let why): "audio output lost: \(why)"
        case .failed(let why): "audio output failed: \(why)"
        }
    }
}
