import Foundation
import MusicCore

/// A decoder that produces a ramp: frame `i` of the track holds the value `firstValue + i` on every
/// channel (exact in Float up to 2^24). Queue tracks whose ramps continue each other, and any dropped,
/// repeated or inserted sample shows as a break in the output ramp.
public final class ScriptedDecoder: AudioDecoder {
    public let codec = AudioCodec.wav
    public let format: AudioFormat
    public let frameCount: Int64?
    private let firstValue: Int
    private let failAfter: Int?
    private var position = 0

    /// - Parameters:
    ///   - failAfter: throw `AudioFileError.corrupt` once this many frames have been read.
    public init(frames: Int, firstValue: Int = 0, format: AudioFormat = AudioFormat(sampleRate: 44100, channels: 1),
                failAfter: Int? = nil) {
        self.format = format
        frameCount = Int64(frames)
        self.firstValue = firstValue
        self.failAfter = failAfter
    }

    public func read(into buffer: UnsafeMutablePointer<Float>, maxFrames: Int) throws -> Int {
        var limit = Int(frameCount!)
        if let failAfter {
            if position >= failAfter { throw AudioFileError.corrupt(path: "scripted", reason: "scripted failure") }
            limit = min(limit, failAfter)
        }
        let count = min(maxFrames, limit - position)
        guard count > 0 else { return 0 }
        for frame in 0..<count {
            for channel in 0..<format.channels {
                buffer[frame * format.channels + channel] = Float(firstValue + position + frame)
            }
        }
        position += count
        return count
    }

    public func seek(toFrame frame: Int64) throws {
        position = Int(min(max(frame, 0), frameCount!))
    }
}

/// An output that keeps everything written, for engine tests. It can pace writes like a real device
/// (`framesPerSecond`), and fail like a lost sound server.
public final class RecordingOutput: AudioOutput, @unchecked Sendable {
    // @unchecked: every field is behind `lock`.
    public let name = "recording"
    private let lock = NSCondition()
    private var _samples: [Float] = []
    private var _opened: [AudioFormat] = []
    private var _pauseCalls: [Bool] = []
    private var _discards = 0
    private var _closes = 0
    private var _failuresLeft = 0
    private var _disconnectAtSample: Int?
    private var _brokenForGood: String?
    private var _openAttempts = 0
    private var interrupted = false
    /// Sample indices (into `samples`) where a discard happened.
    private var _discardMarks: [Int] = []
    private let framesPerSecond: Double?
    private var format = AudioFormat(sampleRate: 44100, channels: 1)

    /// - Parameter framesPerSecond: if set, each write takes as long as its audio would play (scaled),
    ///   in slices of at most 10 ms so that discards interrupt it like a real device.
    public init(framesPerSecond: Double? = nil) {
        self.framesPerSecond = framesPerSecond
    }

    public var samples: [Float] { lock.withLock { _samples } }
    public var openedFormats: [AudioFormat] { lock.withLock { _opened } }
    public var pauseCalls: [Bool] { lock.withLock { _pauseCalls } }
    public var discardCount: Int { lock.withLock { _discards } }
    public var discardMarks: [Int] { lock.withLock { _discardMarks } }

    /// Every open throws `failed(message)`, as an output that can never work (an unwritable file).
    public func breakForGood(_ message: String) { lock.withLock { _brokenForGood = message } }

    public var openAttempts: Int { lock.withLock { _openAttempts } }

    /// The next write after `sample` samples throws `disconnected`, and the next `failures` opens fail.
    public func disconnect(atSample sample: Int, failingOpens failures: Int) {
        lock.withLock {
            _disconnectAtSample = sample
            _failuresLeft = failures
        }
    }

    public func open(format: AudioFormat) throws {
        try lock.withLock {
            _openAttempts += 1
            if let message = _brokenForGood { throw AudioOutputError.failed(message) }
            if _failuresLeft > 0 && _disconnectAtSample == nil {
                _failuresLeft -= 1
                throw AudioOutputError.disconnected("scripted: server away")
            }
            self.format = format
            _opened.append(format)
        }
    }

    public func write(_ samples: UnsafePointer<Float>, frames: Int) throws -> Int {
        var count = frames
        if let framesPerSecond {
            count = min(frames, max(1, Int(framesPerSecond * 0.01)))
            Thread.sleep(forTimeInterval: Double(count) / framesPerSecond)
        }
        return try lock.withLock {
            if interrupted {
                interrupted = false
                return 0
            }
            if let at = _disconnectAtSample, _samples.count >= at {
                _disconnectAtSample = nil
                throw AudioOutputError.disconnected("scripted: connection lost")
            }
            _samples.append(contentsOf: UnsafeBufferPointer(start: samples, count: count * format.channels))
            return count
        }
    }

    public func drain() throws {}

    public func setPaused(_ paused: Bool) { lock.withLock { _pauseCalls.append(paused) } }

    public func discardBuffered() {
        lock.withLock {
            _discards += 1
            _discardMarks.append(_samples.count)
            interrupted = true
        }
    }

    public func close() { lock.withLock { _closes += 1 } }
}
