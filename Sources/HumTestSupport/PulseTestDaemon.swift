import Foundation

/// A private PulseAudio daemon with a null sink called `test`, started for one test through the
/// repository's `scripts/pulse-daemon` (the same script CI uses), in a folder of its own so that tests
/// never touch the user's sound server nor each other.
public final class PulseTestDaemon: @unchecked Sendable {
    // @unchecked: only the test that owns it calls it, from one task.
    public let directory: String

    /// The environment a client needs to reach this daemon (and no other).
    public var environment: [String: String] {
        ["PULSE_SERVER": "unix:\(directory)/native", "PULSE_CLIENTCONFIG": "\(directory)/client.conf"]
    }

    public init() throws {
        directory = Fixtures.scratchDirectory("pulse")
        try start()
    }

    /// Starts the daemon (again, on the same socket, after `kill`).
    public func start() throws {
        try ChildProcess.shell("\(Fixtures.q(Repository.path("scripts/pulse-daemon"))) start \(Fixtures.q(directory))",
                               timeout: 20)
    }

    /// Kills the daemon at once (SIGKILL), as a crash would.
    public func kill() throws {
        let pid = try String(contentsOfFile: directory + "/pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try ChildProcess.shell("kill -KILL \(pid); while kill -0 \(pid) 2>/dev/null; do sleep 0.01; done")
    }

    public func stop() {
        _ = try? ChildProcess.shell("\(Fixtures.q(Repository.path("scripts/pulse-daemon"))) stop \(Fixtures.q(directory))")
    }

    deinit { stop() }
}

/// Records the `test` sink's monitor with `parec` as it plays, so a test can see how many frames have
/// arrived at any moment (a clock tied to the sound server) and analyse what was heard.
public final class SinkRecorder: @unchecked Sendable {
    // @unchecked: the buffers are behind `lock`.
    public static let sampleRate = 44100
    private let process: Spawned
    private let lock = NSLock()

    public init(daemon: PulseTestDaemon) throws {
        process = try Spawned("parec", ["-d", "test.monitor", "--format=s16le", "--rate=\(Self.sampleRate)",
                                        "--channels=1", "--latency-msec=10", "--raw"],
                              environment: daemon.environment, linesFromStdout: false)
    }

    /// Frames received so far.
    public var frameCount: Int { process.stdoutByteCount / 2 }

    /// The wall-clock time at which recorded frame `frame` reached the test. Audio is heard before it is
    /// received, so "received at" minus "command sent at" bounds any latency from above.
    public func arrivalTime(ofFrame frame: Int) -> Date? { process.arrivalTime(ofByte: frame * 2) }

    /// Everything received so far, as floats.
    public func samples() -> [Float] {
        let bytes = process.stdoutBytes
        return stride(from: 0, to: bytes.count - 1, by: 2).map { index in
            Float(Int16(bitPattern: UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)) / 32768
        }
    }

    /// Awaits at least `frames` recorded frames (false after `timeout`), without holding a pool thread.
    public func frames(atLeast frames: Int, timeout: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while frameCount < frames {
            if Date() > deadline || !process.isRunning { return false }
            await sleep(seconds: 0.002)
        }
        return true
    }

    public var isRunning: Bool { process.isRunning }

    public func stop() {
        process.kill(SIGTERM)
        _ = process.wait(timeout: 3)
    }

    deinit { stop() }
}

/// Paths inside this repository and its build.
public enum Repository {
    /// The repository's root (found from this source file's place in it).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// The `hum` binary under test: `HUM_BIN` if set, otherwise the one built next to the test bundle.
    public static var humBinary: String {
        ProcessInfo.processInfo.environment["HUM_BIN"] ?? builtBinary("hum")
    }

    /// The `hum-sync-server` binary built next to the test bundle.
    public static var syncServerBinary: String { builtBinary("hum-sync-server") }

    /// A product of this package, from the build folder the tests run from.
    public static func builtBinary(_ name: String) -> String {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return root + "/.build/debug/" + name
    }

    /// The hostile corpora (`HUM_CORPORA`), or nil when not given.
    public static var corpora: String? { ProcessInfo.processInfo.environment["HUM_CORPORA"] }
}
