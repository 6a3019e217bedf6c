import Foundation

/// A private D-Bus session bus (`dbus-daemon --session`) on a socket in a folder of its own, so that tests
/// never touch the user's desktop bus nor each other. Programs reach it through `environment`.
public final class BusTestDaemon: @unchecked Sendable {
    // @unchecked: only the test that owns it calls it, from one task.
    public let directory: String
    private let process: Spawned

    public var address: String { "unix:path=\(directory)/bus" }

    /// The environment a client needs to reach this bus (and no other).
    public var environment: [String: String] { ["DBUS_SESSION_BUS_ADDRESS": address] }

    public init() throws {
        directory = Fixtures.scratchDirectory("bus")
        process = try Spawned("dbus-daemon", ["--session", "--nofork", "--nopidfile", "--address=unix:path=\(directory)/bus",
                                              "--print-address=1"])
        let deadline = Date().addingTimeInterval(10)
        while process.stdoutLines.isEmpty {
            guard process.isRunning, Date() < deadline else {
                process.kill(SIGKILL)
                throw ChildProcess.Failure(description: "dbus-daemon did not start: \(process.stderrText)")
            }
            usleep(10_000)
        }
    }

    /// Runs `dbus-send --print-reply` (or another bus tool) against this bus.
    public func run(_ tool: String, _ arguments: [String], timeout: Double = 20) throws -> ChildProcess.Result {
        try ChildProcess.run(tool, arguments, environment: environment, timeout: timeout)
    }

    /// Kills the daemon (SIGKILL: it has nothing to save, and the SIGTERM the test process may block
    /// would not reach it), as the bus going away in a crash would.
    public func stop() {
        process.kill(SIGKILL)
        _ = process.wait(timeout: 5)
    }

    deinit { stop() }
}
