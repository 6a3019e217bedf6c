import MusicCore

/// Accepts audio and throws it away, as fast as it comes: for benchmarks and for testing files.
public final class NullAudioOutput: AudioOutput {
    public let name = "null"

    public init() {}

    public func open(format: AudioFormat) throws {}
    public func write(_ samples: UnsafePointer<Float>, frames: Int) throws -> Int { frames }
    public func drain() throws {}
    public func setPaused(_ paused: Bool) {}
    public func discardBuffered() {}
    public func close() {}
}
