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
                "nothing playing: \(idle.switches) wake-ups (\(idle.wokenThreads.joined(separator: ", "))) and \(idle.cpuSeconds) s of CPU in \(Self.window) s; screen:\n\(screen)")
    }

    /// The MPRIS thread sleeps in poll(2) on the bus socket with no timeout: being on the bus costs
    /// nothing either. The bus is checked to hold hum's name, so the test cannot pass with MPRIS off.
    @Test("On a session bus (MPRIS on), nothing playing: no thread of hum wakes for 3 s")
    func noWakeUpsOnTheBus() async throws {
        let bus = try BusTestDaemon()
        defer { bus.stop() }
        let (idle, screen) = try await IdleFigures.ofInterface(environment: bus.environment, output: ["--output", "null"], paused: false,
                                                               seconds: Self.window) {
            let players = try bus.run("playerctl", ["--list-all"])
            guard players.stdoutLines.contains("hum") else { throw HumInteractive.Failure("hum is not on the bus: \(players.stdout) \(players.stderr)") }
            Thread.sleep(forTimeInterval: 0.3)  // playerctl's own calls are answered and done
        }
        #expect(idle.switches == 0 && idle.cpuSeconds == 0,
                "on the bus, nothing playing: \(idle.switches) wake-ups (\(idle.wokenThreads.joined(separator: ", "))) and \(idle.cpuSeconds) s of CPU in \(Self.window) s; screen:\n\(screen)")
    }
}

