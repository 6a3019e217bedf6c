import Foundation
import HumTestSupport
import MusicCore
@testable import Playback
import Synchronization

/// An engine wired to scripted decoders and a recording output, plus the events it sends.
final class EngineHarness: Sendable {
    let engine: PlaybackEngine
    let output: RecordingOutput
    private let received = EventBox()
    private let listener: Task<Void, Never>

    /// - Parameters:
    ///   - decoders: how to make each item's decoder, by item id.
    ///   - framesPerSecond: pace the output like a device (nil: as fast as possible).
    init(framesPerSecond: Double? = nil, configuration: PlaybackEngine.Configuration = .init(),
         decoders: @escaping @Sendable (PlaybackItem) throws -> any AudioDecoder) {
        output = RecordingOutput(framesPerSecond: framesPerSecond)
        engine = PlaybackEngine(output: output, configuration: configuration, openDecoder: decoders)
        let events = engine.events
        let received = self.received
        // The listener runs on an executor of its own: however busy the cooperative pool is with other
        // tests, events are recorded as they come.
        listener = Task(executorPreference: Self.listenerExecutor) {
            for await event in events { received.events.withLock { $0.append(event) } }
        }
    }

    static let listenerExecutor = DedicatedExecutor(label: "engine-harness-events")

    var events: [PlaybackEvent] { received.events.withLock { $0 } }

    /// Events other than progress, which arrive on a clock and would make comparisons flaky.
    var milestones: [PlaybackEvent] {
        events.filter { if case .progressed = $0 { false } else { true } }
    }

    /// Waits until an event matches (true), or `timeout` seconds pass (false).
    @discardableResult
    func waitFor(timeout: Double = 30, _ predicate: (PlaybackEvent) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if events.contains(where: predicate) { return true }
            await pause(0.002)
        }
        return false
    }

    func waitForQueueEnd(timeout: Double = 30) async -> Bool {
        await waitFor(timeout: timeout) { $0 == .queueFinished }
    }

    /// Waits until the output holds at least `count` samples.
    @discardableResult
    func waitForSamples(_ count: Int, timeout: Double = 30) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while output.samples.count < count {
            if Date() > deadline { return false }
            await pause(0.002)
        }
        return true
    }

    func shutdown() {
        engine.shutdown()
        listener.cancel()
    }
}

/// Queue items 1…n for tests.
func items(_ count: Int, replayGain: ReplayGainInfo = ReplayGainInfo()) -> [PlaybackItem] {
    (1...count).map { PlaybackItem(id: $0, path: "/scripted/\($0)", replayGain: replayGain) }
}

/// The ramp 0..<n as floats: what a gapless queue of scripted decoders must produce (mono).
func ramp(_ range: Range<Int>) -> [Float] { range.map(Float.init) }

/// The first index where two sample arrays differ, for readable failures.
func firstDifference(_ a: [Float], _ b: [Float]) -> Int? {
    for index in 0..<min(a.count, b.count) where a[index] != b[index] { return index }
    return a.count == b.count ? nil : min(a.count, b.count)
}

/// The events received so far, shared with the listening task.
final class EventBox: Sendable {
    let events = Mutex<[PlaybackEvent]>([])
}

func pause(_ seconds: Double) async { await sleep(seconds: seconds) }
