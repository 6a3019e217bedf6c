import Foundation
import Synchronization

/// Runs a program to completion and reports how it ended and what it cost: exit status or the signal
/// that killed it, a timeout, its output, CPU time and peak memory (from `wait4`), which Foundation's
/// `Process` does not give.
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32?
        /// The signal that ended the process, if one did (a crash, or the timeout's SIGKILL).
        public var signal: Int32?
        public var timedOut: Bool
        public var stdout: String
        public var stderr: String
        public var userSeconds: Double
        public var systemSeconds: Double
        /// Peak memory of the program itself, measured by GNU time (see `run`).
        public var maxResidentKiB: Int
        public var wallSeconds: Double

        public var cpuSeconds: Double { userSeconds + systemSeconds }
        public var succeeded: Bool { status == 0 && !timedOut }
        public var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
        public var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// GNU time, which reports a program's own peak memory (see `run`).
    static let gnuTime = "/usr/bin/time"

    /// Runs `executable` (a path, or a name looked up in PATH) with `arguments`.
    ///
    /// The program runs under GNU time when it is installed, for its peak memory: glibc's posix_spawn
    /// shares this process's memory until exec, and Linux then counts this process's peak as the child's
    /// `ru_maxrss`. GNU time forks from its own small image, so its figure is the program's alone. CPU
    /// times come from `wait4`, which includes the program (GNU time's own cost is negligible).
    /// - Parameters:
    ///   - environment: variables added to (or replacing) this process's environment.
    ///   - timeout: after this many seconds the process is killed (SIGKILL) and `timedOut` is set.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                           stdin: Data? = nil, timeout: Double = 60) throws -> Result {
        let started = Date()
        let memoryFile = NSTemporaryDirectory() + "hum-maxrss-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: memoryFile) }
        let timed = FileManager.default.isExecutableFile(atPath: gnuTime)
        let spawned = timed
            ? try Spawned(gnuTime, ["-f", "%M", "-o", memoryFile, executable] + arguments, environment: environment)
            : try Spawned(executable, arguments, environment: environment)
        if let stdin { spawned.writeStdin(stdin) }
        spawned.closeStdin()
        var (status, signal, timedOut, usage) = spawned.wait(timeout: timeout)
        var maxResident = usage.ru_maxrss
        if timed, let text = try? String(contentsOfFile: memoryFile, encoding: .utf8) {
            // GNU time reports a program killed by a signal on a line of its own, then the figure.
            let lines = text.split(separator: "\n")
            maxResident = lines.last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? maxResident
            if let line = lines.first(where: { $0.hasPrefix("Command terminated by signal") }),
               let number = Int32(line.split(separator: " ").last ?? "") {
                signal = number
                status = nil
            }
        }
        return Result(status: status, signal: signal, timedOut: timedOut, stdout: spawned.collectedStdout(),
                      stderr: spawned.collectedStderr(),
                      userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
                      systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
                      maxResidentKiB: maxResident, wallSeconds: Date().timeIntervalSince(started))
    }

    /// Runs `command` so that file modes bind it: as root (who ignores them), without CAP_DAC_OVERRIDE and
    /// CAP_DAC_READ_SEARCH, which `setpriv` drops from the bounding set before exec; as anyone else, as it is.
    public static func runObeyingFileModes(_ command: [String]) async throws -> Result {
        let full = (getuid() == 0 ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] : []) + command
        return try await run(full[0], Array(full.dropFirst()))
    }

    /// `run`, awaited without holding a thread of the cooperative pool.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                           stdin: Data? = nil, timeout: Double = 60) async throws -> Result {
        try await offPool { try run(executable, arguments, environment: environment, stdin: stdin, timeout: timeout) }
    }

    /// Runs a shell command line (for tools used to make fixtures) and throws with its stderr if it fails.
    @discardableResult
    public static func shell(_ command: String, timeout: Double = 120) throws -> String {
        let result = try run("/bin/sh", ["-c", command], timeout: timeout)
        guard result.succeeded else {
            throw Failure(description: "`\(command)` failed (\(result.status.map { "status \($0)" } ?? "signal \(result.signal ?? 0)")): \(result.stderr)")
        }
        return result.stdout
    }
}

/// A running child process with pipes, for tests that talk to it while it runs (send commands, read
/// lines as they come).
public final class Spawned: @unchecked Sendable {
    // @unchecked: the mutable buffers are behind `lock`; the pipe descriptors are fixed after init.
    public let pid: pid_t
    private let stdinFD: Int32
    private let lock = NSLock()
    private var outBuffer = Data()
    private var errBuffer = Data()
    private var outLines: [String] = []
    private var partialLine = Data()
    /// When each piece of stdout arrived: (time, total bytes received by then).
    private var arrivals: [(time: Date, totalBytes: Int)] = []
    private let readers = DispatchGroup()
    private var reaped: (Int32?, Int32?, rusage)?
    private let splitsLines: Bool

    /// - Parameter linesFromStdout: split stdout into lines as it arrives (off for binary output).
    private static let spawnLock = NSLock()

    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                linesFromStdout: Bool = true) throws {
        splitsLines = linesFromStdout
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        // Close-on-exec, under one lock from pipe() to spawn: a child that another test spawns at the same
        // moment must not inherit these ends (a stdin write end held open by an unrelated, long-lived child
        // keeps this child waiting for an end of input that never comes). The child's own 0, 1 and 2 are
        // dup2'd copies, which exec keeps.
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw ChildProcess.Failure(description: "pipe failed")
        }
        for fd in inPipe + outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in inPipe + outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }

        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // Its own process group, so a timeout kills everything it started (the program under GNU time,
        // a shell's children), not just the process we spawned.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard status == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw ChildProcess.Failure(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
        stdinFD = inPipe[1]
        startReader(fd: outPipe[0], isStdout: true)
        startReader(fd: errPipe[0], isStdout: false)
    }

    private func startReader(fd: Int32, isStdout: Bool) {
        readers.enter()
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count <= 0 { break }
                let chunk = Data(buffer[0..<count])
                lock.lock()
                if isStdout {
                    outBuffer.append(chunk)
                    arrivals.append((Date(), outBuffer.count))
                    if splitsLines { partialLine.append(chunk) }
                    while let newline = partialLine.firstIndex(of: 0x0A) {
                        outLines.append(String(decoding: partialLine[partialLine.startIndex..<newline], as: UTF8.self))
                        partialLine = Data(partialLine[(newline + 1)...])
                    }
                } else {
                    errBuffer.append(chunk)
                }
                lock.unlock()
            }
            close(fd)
            readers.leave()
        }
        thread.start()
    }

    public func writeStdin(_ data: Data) {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(stdinFD, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// Sends one command line to the process.
    public func send(_ line: String) { writeStdin(Data((line + "\n").utf8)) }

    public func closeStdin() { close(stdinFD) }

    /// The complete lines printed on stdout so far.
    public var stdoutLines: [String] { lock.withLock { outLines } }

    /// When stdout byte `offset` arrived (nil if it has not yet).
    public func arrivalTime(ofByte offset: Int) -> Date? {
        lock.withLock { arrivals.first { $0.totalBytes > offset }?.time }
    }

    /// Raw stdout so far (for binary output such as `parec`'s).
    public var stdoutBytes: Data { lock.withLock { outBuffer } }
    public var stdoutByteCount: Int { lock.withLock { outBuffer.count } }

    public var stderrText: String { lock.withLock { String(decoding: errBuffer, as: UTF8.self) } }

    /// Awaits the next stdout line satisfying `predicate`, polling without holding a pool thread.
    public func line(timeout: Double, where predicate: @escaping @Sendable (String) -> Bool) async -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = stdoutLines.first(where: predicate) { return line }
            if !isRunning { return stdoutLines.first(where: predicate) }
            await sleep(seconds: 0.005)
        }
        // One look after the deadline: a poller that a busy pool woke late must not miss a line that came.
        return stdoutLines.first(where: predicate)
    }

    /// Awaits the end of the process (killing it after `timeout` seconds): its status, or the signal that
    /// ended it.
    public func exit(timeout: Double) async -> (status: Int32?, signal: Int32?, timedOut: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning, Date() < deadline { await sleep(seconds: 0.01) }
        let (status, signal, timedOut, _) = wait(timeout: 0)
        return (status, signal, timedOut)
    }

    public var isRunning: Bool {
        lock.withLock {
            if reaped != nil { return false }
            var status: Int32 = 0
            var usage = rusage()
            let result = wait4(pid, &status, WNOHANG, &usage)
            if result == pid { reaped = Self.decode(status, usage) }
            return result == 0
        }
    }

    public func kill(_ signal: Int32 = SIGTERM) { Glibc.kill(pid, signal) }

    /// Waits for the process to end, killing it after `timeout` seconds.
    public func wait(timeout: Double) -> (status: Int32?, signal: Int32?, timedOut: Bool, usage: rusage) {
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while true {
            if let reaped = lock.withLock({ reaped }) {
                readers.wait()
                return (reaped.0, reaped.1, timedOut, reaped.2)
            }
            var status: Int32 = 0
            var usage = rusage()
            let result = wait4(pid, &status, WNOHANG, &usage)
            if result == pid {
                lock.withLock { reaped = Self.decode(status, usage) }
                continue
            }
            if !timedOut && Date() > deadline {
                timedOut = true
                Glibc.kill(-pid, SIGKILL)
            }
            Thread.sleep(forTimeInterval: 0.002)
        }
    }

    func collectedStdout() -> String { lock.withLock { String(decoding: outBuffer, as: UTF8.self) } }
    func collectedStderr() -> String { lock.withLock { String(decoding: errBuffer, as: UTF8.self) } }

    private static func decode(_ status: Int32, _ usage: rusage) -> (Int32?, Int32?, rusage) {
        let signal = status & 0x7F
        if signal == 0 { return ((status >> 8) & 0xFF, nil, usage) }
        return (nil, signal, usage)
    }
}
