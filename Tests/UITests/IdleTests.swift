import Foundation
import HumTestSupport
import Testing

/// An idle hum costs nothing: no polling loop, and no timer of a library either.
@Suite("The idle interface does not wake")
struct IdleTests {
    /// Counted over this long.
    static let window = 3.0

    /// Every thread's context switches are counted from /proc (`IdleFigures`): a thread that wakes
    /// switches at least once. Until 2026-12-06 one worker thread of libdispatch woke every second (its
    /// pool monitor, started by the first job Dispatch gave a worker); a `DispatchQueue.async` or a
    /// `Task` anywhere in the interface process brings it back, and this test fails. (Paused, with
    /// PulseAudio: `SoundTests`.)
    @Test("Nothing playing: no thread of hum wakes for 3 s")
    func noWakeUps() async throws {
        let (idle, screen) = try await IdleFigures.ofInterface(output: ["--output", "null"], paused: false, seconds: Self.window)
        #expect(idle.switches == 0 && idle.cpuSeconds == 0,
                "nothing playing: \(idle.switches) wake-ups and \(idle.cpuSeconds) s of CPU in \(Self.window) s; screen:\n\(screen)")
    }
}
