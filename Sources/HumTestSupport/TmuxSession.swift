import Foundation
import Synchronization

/// A program running in a terminal of its own, driven and read from outside: keys in, the screen's text
/// out, the process's memory and CPU time from /proc. For UI tests, and for timing interactive programs
/// (hum, and cmus as the reference) the same way.
///
/// Why tmux: it is a real terminal emulator whose screen can be read as text at any moment
/// (`capture-pane`) and that needs no display. Each session has a tmux server of its own (`-L` with a
/// unique socket name, which is also the session's name) started with `-f /dev/null`, so parallel runs
/// never collide, no user configuration changes keys or the screen, and killing that server touches
/// nothing else. The server runs with `status off` (no status line: the pane is exactly rows × columns)
/// and `remain-on-exit on` (a program that dies leaves its last screen, which explains the death).
///
/// The program's environment is exactly the one given (it runs under `env -i`), on top of
/// `defaultEnvironment`: nothing of the caller's environment leaks in by accident, so runs on a desktop
/// and in CI see the same locale and terminal type.
///
/// The server is started clean (see `CleanSpawn`): it holds no descriptor of this process and blocks no
/// signal, whatever thread starts it, so it cannot stall another thread's child process and does end on
/// `kill-server`, sending its program SIGHUP.
///
/// Costs and bounds: every tmux call is one short process (a capture takes 2–7 ms on a loaded 2-core
/// machine; a key sent and its echo by `cat` seen, 5 ms at the median and 10 ms at p99, the floor of any
/// latency measured this way), killed after `commandTimeout` seconds, so a wedged server cannot hang a
/// test. Nothing here keeps a tmux client running between calls; `TmuxControl` does, for timing finer.
///
/// Everything is synchronous and blocks the calling thread; from async code call through `offPool`.
/// The session's server is killed by `kill()`, or at the latest when the session is deinitialised.
public final class TmuxSession: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The tmux server's socket name (`-L`) and the session's name.
    public let name: String
    /// The program's whole environment.
    public let environment: [String: String]
    /// Seconds any single tmux command may take before it is killed and counts as failed.
    public let commandTimeout: Double
    /// Just before the `respawn-pane` that started the program: the tmux server was already running, so a
    /// launch time measured from here does not include tmux's own startup (about 15 ms).
    public let launchedAt: Date
    private let program: ProcessIdentity?
    /// The server's socket file, which tmux 3.3 leaves behind when its server is killed.
    private let serverSocket: String?
    private let state: Mutex<State>

    private struct State {
        var rows: Int
        var columns: Int
        var killed = false
    }

    /// What every program gets unless `environment` says otherwise: a UTF-8 locale (without one, ncurses
    /// draws wide text as garbage), the terminal type tmux emulates, and this process's PATH and HOME.
    public static func defaultEnvironment() -> [String: String] {
        let here = ProcessInfo.processInfo.environment
        var environment = ["LANG": "C.UTF-8", "TERM": terminalType]
        environment["PATH"] = here["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        environment["HOME"] = here["HOME"]
        return environment
    }

    /// tmux's own terminfo entry where it is installed (Debian's ncurses-base has it), else the older
    /// `screen-256color`, which every ncurses install has.
    static let terminalType: String = {
        let folders = ["/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo"]
        let found = folders.contains { FileManager.default.fileExists(atPath: $0 + "/t/tmux-256color") }
        return found ? "tmux-256color" : "screen-256color"
    }()

    /// Starts `command` (program and arguments, looked up in `environment`'s PATH) in a new tmux server.
    ///
    /// The server starts with a placeholder (`sleep`) in its only pane, which `respawn-pane -k` then
    /// replaces with the program: the program never runs before the pane has its final size and options,
    /// and `launchedAt` is taken once the server is up.
    /// - Parameters:
    ///   - environment: variables added to (or replacing) `defaultEnvironment()`; the program sees exactly these.
    ///   - workingDirectory: the program's current directory (default: this process's).
    /// - Throws: `Failure` if tmux is missing or cannot start the server or the program.
    public init(_ command: [String], rows: Int = 30, columns: Int = 100, environment: [String: String] = [:],
                workingDirectory: String? = nil, commandTimeout: Double = 15) throws {
        guard !command.isEmpty else { throw Failure("no command to run") }
        guard rows > 0, columns > 0 else { throw Failure("a terminal of \(rows)×\(columns) cells") }
        let name = "hum-tmux-" + UUID().uuidString.prefix(12).lowercased()
        self.name = name
        self.environment = Self.defaultEnvironment().merging(environment) { $1 }
        self.commandTimeout = commandTimeout
        let directory = workingDirectory ?? FileManager.default.currentDirectoryPath

        let started = try CleanSpawn.run("tmux", ["-L", name, "-f", "/dev/null", "start-server", ";",
                                                  "set-option", "-g", "status", "off", ";",
                                                  "set-option", "-g", "remain-on-exit", "on", ";",
                                                  "new-session", "-d", "-s", name, "-x", "\(columns)", "-y", "\(rows)",
                                                  "-c", directory, "sleep", "2147483647"],
                                         timeout: commandTimeout)
        guard started.succeeded else {
            _ = try? Self.tmux(name, ["kill-server"], timeout: commandTimeout)
            throw Failure("cannot start a tmux server: \(started.stderr)")
        }
        // `env -i` replaces the environment with exactly the given one and execs the program, so the pane's
        // process is the program itself (its pid, its /proc figures).
        let assignments = self.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        launchedAt = Date()
        let respawned = try Self.tmux(name, ["respawn-pane", "-k", "-t", name, "-c", directory,
                                             "env", "-i"] + assignments + command,
                                      timeout: commandTimeout)
        let pane = (try? Self.tmux(name, ["list-panes", "-t", name, "-F", "#{pane_pid} #{socket_path}"],
                                   timeout: commandTimeout))?.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let fields = pane?.split(separator: " ", maxSplits: 1).map(String.init) ?? []
        program = fields.first.flatMap { pid_t($0) }.flatMap(ProcessIdentity.init)
        serverSocket = fields.count == 2 ? fields[1] : nil
        state = Mutex(State(rows: rows, columns: columns))
        guard respawned.succeeded else {
            kill()
            throw Failure("tmux cannot start \(command.joined(separator: " ")): \(respawned.stderr)")
        }
    }

    deinit { kill() }

    public var rows: Int { state.withLock { $0.rows } }
    public var columns: Int { state.withLock { $0.columns } }

    // MARK: Input

    /// Sends tmux key names, one key each ("j", "Enter", "C-d", "Space", "Escape", "Down", "F1"); a
    /// string that is no key name is typed as text. Many keys in one call are one tmux process, written
    /// to the terminal together.
    public func send(keys: [String]) throws {
        guard !keys.isEmpty else { return }
        try checked(["send-keys", "-t", name] + keys)
    }

    /// Types `text` literally (`send-keys -l`): no key names, "Enter" is five letters.
    public func type(_ text: String) throws {
        guard !text.isEmpty else { return }
        try checked(["send-keys", "-t", name, "-l", "--", text])
    }

    // MARK: Screen

    /// The screen with the terminal's cursor, for when the cursor is what shows a key's effect: a space
    /// typed at the end of a line changes no text (capture-pane cuts trailing spaces) but moves the cursor.
    public struct Screen: Equatable, Sendable, CustomStringConvertible {
        /// As `capture` returns it.
        public var text: String
        /// The cursor's row and column, counted from 0 (tmux tracks it whether or not it is shown).
        public var cursorRow: Int
        public var cursorColumn: Int

        public init(text: String, cursorRow: Int, cursorColumn: Int) {
            self.text = text
            self.cursorRow = cursorRow
            self.cursorColumn = cursorColumn
        }

        public var description: String { text + "[cursor at row \(cursorRow), column \(cursorColumn)]" }

        /// Equal when they show the same: each row's characters in the same colours and attributes, and
        /// the cursor in the same place. Not the captured text byte for byte: tmux writes a colour only
        /// where it changes, so the same screen captures differently when a row's trailing blank cells
        /// were last written in another colour (the change then comes at the end of that row instead of
        /// the start of the next). `hum-bench ui` once timed out on such a pair, equal to the eye.
        public static func == (a: Screen, b: Screen) -> Bool {
            a.cursorRow == b.cursorRow && a.cursorColumn == b.cursorColumn
                && (a.text == b.text || SGRState.canonical(a.text) == SGRState.canonical(b.text))
        }
    }

    /// The pane's text, one line a row, trailing spaces cut; with `colors`, with the SGR escape sequences
    /// that set colours and attributes (reverse video, bold), which is where a selection or cursor line
    /// shows. One `tmux capture-pane -p` process.
    public func capture(colors: Bool = false) throws -> String {
        try checked(captureArguments(colors: colors)).stdout
    }

    /// The pane's text (as `capture`) and the cursor's position, from one tmux process.
    public func captureScreen(colors: Bool = false) throws -> Screen {
        let output = try checked(captureArguments(colors: colors)
                                 + [";", "display-message", "-p", "-t", name, "#{cursor_y} #{cursor_x}"]).stdout
        // The text ends with a newline; the cursor's line comes after it.
        let body = output.hasSuffix("\n") ? output.dropLast() : Substring(output)
        let split = body.lastIndex(of: "\n").map { body.index(after: $0) } ?? body.startIndex
        let position = body[split...].split(separator: " ").compactMap { Int($0) }
        guard position.count == 2 else { throw Failure("tmux gave no cursor position: \(output.suffix(40))") }
        return Screen(text: String(body[..<split]), cursorRow: position[0], cursorColumn: position[1])
    }

    private func captureArguments(colors: Bool) -> [String] {
        ["capture-pane", "-p", "-t", name] + (colors ? ["-e"] : [])
    }

    /// Polls the screen until `predicate` holds and returns that screen and when its capture ended.
    ///
    /// A capture starts every `poll` seconds (or at once, if the last capture took longer). `at` is the
    /// end of the first capture that satisfied the predicate, so it is never early, and late by at most
    /// the poll interval plus one capture's duration (tmux took its snapshot somewhere within it; a
    /// capture takes 2–7 ms on a loaded 2-core machine).
    /// - Throws: `Failure` with the last screen if `timeout` passes or the program exits first (the screen
    ///   is checked once more then; the error shows the last one captured while the program ran).
    @discardableResult
    public func waitFor(timeout: Double = 10, poll: Double = 0.01, colors: Bool = false,
                        _ predicate: (String) -> Bool) throws -> (screen: String, at: Date) {
        try repeatedly(timeout: timeout, poll: poll, take: { try capture(colors: colors) }, until: predicate)
    }

    /// `waitFor`, with the cursor's position (`captureScreen`).
    @discardableResult
    public func waitForScreen(timeout: Double = 10, poll: Double = 0.01, colors: Bool = false,
                              _ predicate: (Screen) -> Bool) throws -> (screen: Screen, at: Date) {
        try repeatedly(timeout: timeout, poll: poll, take: { try captureScreen(colors: colors) }, until: predicate)
    }

    /// Polls until the screen has not changed for `duration` seconds and returns it, with the end of the
    /// first capture that showed it (`since`: the screen settled within one poll and one capture before).
    /// - Throws: `Failure` with the last screen if it keeps changing until `timeout`.
    @discardableResult
    public func waitUntilStable(for duration: Double, timeout: Double = 10, poll: Double = 0.01,
                                colors: Bool = false) throws -> (screen: String, since: Date) {
        try unchanged(for: duration, timeout: timeout, poll: poll) { try capture(colors: colors) }
    }

    /// `waitUntilStable`, with the cursor's position: a moving cursor counts as a change.
    @discardableResult
    public func waitUntilScreenStable(for duration: Double, timeout: Double = 10, poll: Double = 0.01,
                                      colors: Bool = false) throws -> (screen: Screen, since: Date) {
        try unchanged(for: duration, timeout: timeout, poll: poll) { try captureScreen(colors: colors) }
    }

    /// Seconds from just before `action` to the end of the first capture whose screen satisfies
    /// `predicate` (see `waitFor` for the polling bound: never early; late by at most `poll` plus one
    /// capture, about 15 ms with the defaults). Includes whatever the action costs, for `send(keys:)` one
    /// tmux process.
    public func measure(timeout: Double = 10, poll: Double = 0.01, colors: Bool = false,
                        after action: () throws -> Void, until predicate: (String) -> Bool) throws -> Double {
        let start = Date()
        try action()
        return try waitFor(timeout: timeout, poll: poll, colors: colors, predicate).at.timeIntervalSince(start)
    }

    /// `measure`, with the cursor's position (`captureScreen`).
    public func measureScreen(timeout: Double = 10, poll: Double = 0.01, colors: Bool = false,
                              after action: () throws -> Void, until predicate: (Screen) -> Bool) throws -> Double {
        let start = Date()
        try action()
        return try waitForScreen(timeout: timeout, poll: poll, colors: colors, predicate).at.timeIntervalSince(start)
    }

    /// The polling loop of `waitFor` and `waitForScreen`.
    private func repeatedly<Value: CustomStringConvertible>(timeout: Double, poll: Double, take: () throws -> Value,
                                                            until predicate: (Value) -> Bool) throws -> (Value, Date) {
        let deadline = Date().addingTimeInterval(timeout)
        // tmux 3.3 clears a pane whose program has exited, bar its "Pane is dead" line.
        var lastWhileRunning: Value?
        while true {
            let started = Date()
            let screen = try take()
            let at = Date()
            if predicate(screen) { return (screen, at) }
            if let program, !program.isRunning {
                let last = try take()
                if predicate(last) { return (last, Date()) }
                throw Failure("the program exited while waiting for the screen; "
                              + (lastWhileRunning.map { "its last screen while it ran:\n\($0)\nthen:\n" } ?? "")
                              + "\(last)")
            }
            lastWhileRunning = screen
            guard at < deadline else {
                throw Failure("the screen did not become as expected in \(timeout) s; the last screen:\n\(screen)")
            }
            Thread.sleep(until: started.addingTimeInterval(poll))
        }
    }

    /// The loop of `waitUntilStable` and `waitUntilScreenStable`.
    private func unchanged<Value: Equatable & CustomStringConvertible>(for duration: Double, timeout: Double,
                                                                       poll: Double, take: () throws -> Value)
        throws -> (screen: Value, since: Date) {
        var current: (screen: Value, since: Date)?
        do {
            _ = try repeatedly(timeout: timeout, poll: poll, take: take) { screen in
                let now = Date()
                guard let settled = current, settled.screen == screen else {
                    current = (screen, now)
                    return false
                }
                return now.timeIntervalSince(settled.since) >= duration
            }
        } catch let failure as Failure {
            throw Failure("the screen did not stay unchanged for \(duration) s: " + failure.description)
        }
        guard let current else { throw Failure("no screen captured") }
        return current
    }

    /// Resizes the terminal; the program gets SIGWINCH.
    public func resize(rows: Int, columns: Int) throws {
        try checked(["resize-window", "-t", name, "-x", "\(columns)", "-y", "\(rows)"])
        state.withLock { $0.rows = rows; $0.columns = columns }
    }

    // MARK: The program

    /// The program's pid while it runs; nil once it has exited.
    public func panePID() -> pid_t? {
        guard let program, program.isRunning else { return nil }
        return program.pid
    }

    /// A tmux format evaluated for the pane (`display-message -p`), e.g. `#{alternate_on}` (1 while the
    /// program holds the alternate screen) or `#{cursor_flag}` (1 while the cursor is shown): what a
    /// screen capture cannot tell, such as whether a program left the terminal as it found it.
    public func paneFormat(_ format: String) throws -> String {
        let output = try Self.tmux(name, ["display-message", "-p", "-t", name, format], timeout: commandTimeout)
        guard output.succeeded else { throw Failure("tmux display-message \(format): \(output.stderr)") }
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The program's peak resident memory (VmHWM) in KiB, while it runs.
    public func peakRSSKiB() -> Int? { panePID().flatMap(ProcessFigures.peakRSSKiB) }

    /// CPU seconds the program has used so far (user + system, all its threads; not its children).
    public func cpuSeconds() -> Double? { panePID().flatMap(ProcessFigures.cpuSeconds) }

    /// Whether the pane's program has exited (or the tmux server is gone), as tmux sees it.
    public var isDead: Bool {
        guard let result = try? tmux(["display-message", "-p", "-t", name, "#{pane_dead}"]), result.succeeded
        else { return true }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) != "0"
    }

    /// Kills the tmux server and removes its socket file; tmux sends the program SIGHUP, and if it is still
    /// running 5 s later (busy, or ignoring the signal), it gets SIGKILL. Safe to call more than once.
    public func kill() {
        let first = state.withLock { state in
            defer { state.killed = true }
            return !state.killed
        }
        guard first else { return }
        _ = try? tmux(["kill-server"])
        if let serverSocket { try? FileManager.default.removeItem(atPath: serverSocket) }
        guard let program else { return }
        let deadline = Date().addingTimeInterval(5)
        while program.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if program.isRunning { Glibc.kill(program.pid, SIGKILL) }
    }

    // MARK: tmux

    @discardableResult
    func tmux(_ arguments: [String]) throws -> BriefCommand.Output {
        try Self.tmux(name, arguments, timeout: commandTimeout)
    }

    /// `tmux`, throwing with tmux's message if the command fails.
    @discardableResult
    private func checked(_ arguments: [String]) throws -> BriefCommand.Output {
        let result = try tmux(arguments)
        guard result.succeeded else {
            throw Failure("`tmux \(arguments.prefix(3).joined(separator: " ")) …` failed: "
                          + (result.timedOut ? "no answer in \(commandTimeout) s" : result.stderr))
        }
        return result
    }

    private static func tmux(_ name: String, _ arguments: [String], timeout: Double) throws -> BriefCommand.Output {
        try BriefCommand.run("tmux", ["-L", name, "-f", "/dev/null"] + arguments, timeout: timeout)
    }
}

/// Short commands run many times a second (tmux calls, `cmus-remote`), with a timeout.
enum BriefCommand {
    struct Output {
        var status: Int32?
        var timedOut: Bool
        var stdout: String
        var stderr: String
        var succeeded: Bool { status == 0 && !timedOut }
    }

    /// Runs `program` directly through `Spawned`, killing it after `timeout` seconds. Not
    /// `ChildProcess.run`: that adds GNU time (one more exec per call), and its timeout kills GNU time,
    /// then waits for the orphaned program to close its output, which a wedged program never does.
    static func run(_ program: String, _ arguments: [String], timeout: Double) throws -> Output {
        let child = try Spawned(program, arguments, linesFromStdout: false)
        child.closeStdin()
        let ended = child.wait(timeout: timeout)
        return Output(status: ended.status, timedOut: ended.timedOut,
                      stdout: String(decoding: child.stdoutBytes, as: UTF8.self), stderr: child.stderrText)
    }
}

/// Starts a program that forks a long-lived daemon (the tmux server), so that the daemon starts clean:
/// with no descriptor of this process but its standard three (/dev/null, and a file for the error
/// message), and with no signal blocked or ignored.
///
/// Why not `Spawned`: its pipes are inheritable, so whatever it starts inherits every descriptor open in
/// this process at that moment, other threads' pipes included. A short-lived tmux client does no harm,
/// but a server forked from it would live as long as its session, holding the write end of some other
/// `Spawned`'s output pipe: that one's reader never sees the end, and its `wait` hangs until the server
/// dies (seen: tests running side by side, each waiting on another's tmux server). And the test runner's
/// threads block most signals, a mask that a spawned program, the server and its panes inherit: a pane
/// program would never see the SIGHUP with which tmux ends it.
enum CleanSpawn {
    /// Runs `program` (looked up in PATH) to its end, killing it after `timeout` seconds.
    static func run(_ program: String, _ arguments: [String], timeout: Double) throws -> BriefCommand.Output {
        let errorFile = NSTemporaryDirectory() + "hum-spawn-\(UUID().uuidString).err"
        defer { try? FileManager.default.removeItem(atPath: errorFile) }
        let pid = try spawn(program, arguments) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, errorFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }
        let (status, timedOut) = reap(pid, timeout: timeout)
        let exited = status & 0x7F == 0
        return BriefCommand.Output(status: exited && !timedOut ? (status >> 8) & 0xFF : nil, timedOut: timedOut,
                                   stdout: "", stderr: (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? "")
    }

    /// Waits for `pid` to end, killing it (SIGKILL) once `timeout` seconds have passed; its wait status,
    /// and whether it had to be killed.
    static func reap(_ pid: pid_t, timeout: Double) -> (status: Int32, timedOut: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                return (status, true)
            }
            Thread.sleep(forTimeInterval: 0.002)
        }
        return (status, false)
    }

    /// Starts `program` with `standardInput` and `standardOutput` as its descriptors 0 and 1 (stderr goes
    /// to /dev/null) and returns its pid; the caller reaps it.
    static func start(_ program: String, _ arguments: [String], standardInput: Int32, standardOutput: Int32) throws -> pid_t {
        try spawn(program, arguments) { actions in
            posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
            posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
    }

    /// posix_spawnp with descriptors 0–2 as `standardDescriptors` sets them, every other descriptor
    /// closed, no signal blocked and every signal at its default.
    private static func spawn(_ program: String, _ arguments: [String],
                              standardDescriptors: (inout posix_spawn_file_actions_t) -> Void) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        standardDescriptors(&actions)
        closeDescriptors(from: 3, in: &actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw TmuxSession.Failure("cannot start \(program): \(String(cString: strerror(spawned)))")
        }
        return pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later; Swift does not import it),
    /// else a close for every descriptor open now (one opened between this and the spawn would leak).
    private static func closeDescriptors(from first: Int32, in actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, first)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd >= first {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }
}

/// A process known by its pid and its start time, so that a pid reused by a later process is never
/// taken for it (before killing it, above all).
struct ProcessIdentity: Sendable {
    let pid: pid_t
    let startTicks: UInt64

    init?(pid: pid_t) {
        guard let ticks = ProcessFigures.stat(pid).flatMap({ ProcessFigures.field(22, of: $0) }).flatMap(UInt64.init)
        else { return nil }
        self.pid = pid
        startTicks = ticks
    }

    /// Alive, not a zombie, and still the same process.
    var isRunning: Bool {
        guard let stat = ProcessFigures.stat(pid), ProcessFigures.field(3, of: stat) != "Z" else { return false }
        return ProcessFigures.field(22, of: stat).flatMap(UInt64.init) == startTicks
    }
}

/// A process's figures read from Linux's /proc, without starting a process.
enum ProcessFigures {
    /// /proc/PID/stat's text, or nil if there is no such process.
    static func stat(_ pid: pid_t) -> String? {
        try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
    }

    /// Field `number` of /proc/PID/stat, counted from 1 as in proc(5). The second field, the command
    /// name, is in parentheses and may hold spaces and parentheses itself, so counting starts after the
    /// last ")".
    static func field(_ number: Int, of stat: String) -> String? {
        guard number >= 3, let close = stat.lastIndex(of: ")") else { return nil }
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        return rest.indices.contains(number - 3) ? String(rest[number - 3]) : nil
    }

    /// utime + stime (fields 14 and 15, in clock ticks) in seconds.
    static func cpuSeconds(_ pid: pid_t) -> Double? {
        guard let stat = stat(pid), let user = field(14, of: stat).flatMap(Double.init),
              let system = field(15, of: stat).flatMap(Double.init) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// VmHWM from /proc/PID/status ("VmHWM:    1234 kB").
    static func peakRSSKiB(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }
}

/// The colours and attributes SGR sequences have set, followed through a capture, to write it again with
/// one sequence before each run of characters drawn alike (`canonical`).
struct SGRState: Equatable {
    var foreground: String?
    var background: String?
    var attributes: Set<Int> = []

    /// `text` (a `capture-pane -e`) with every row starting from no style and a full sequence before each
    /// character whose style differs from the one before it on its row; sequences with no character after
    /// them on their row are gone.
    static func canonical(_ text: String) -> String {
        var state = SGRState(), out = ""
        for row in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var written: SGRState?
            var rest = row[...]
            while let character = rest.first {
                if character == "\u{1B}", let match = rest.prefixMatch(of: #/\x1B\[([0-9;:]*)m/#) {
                    state.apply(String(match.output.1))
                    rest = rest[match.range.upperBound...]
                    continue
                }
                if written != state {
                    out += state.sequence
                    written = state
                }
                out.append(character)
                rest = rest.dropFirst()
            }
            out += "\n"
        }
        return out
    }

    var sequence: String {
        let codes = attributes.sorted().map(String.init) + [foreground.map { "f" + $0 }, background.map { "b" + $0 }].compactMap { $0 }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }

    mutating func apply(_ parameters: String) {
        var codes = parameters.split(separator: ";", omittingEmptySubsequences: false).map { String($0) }
        if codes == [""] { codes = ["0"] }
        var index = 0
        while index < codes.count {
            let code = codes[index]
            index += 1
            // 38:2::r:g:b and 38;5;n (and 48): a colour in the parameters that follow.
            if code.hasPrefix("38") || code.hasPrefix("48") {
                var colour = code
                if !code.contains(":"), index < codes.count {
                    let count = codes[index] == "5" ? 2 : codes[index] == "2" ? 4 : 1
                    colour = ([code] + codes[index..<min(codes.count, index + count)]).joined(separator: ";")
                    index += count
                }
                if code.hasPrefix("38") { foreground = colour } else { background = colour }
                continue
            }
            guard let value = Int(code) else { continue }
            switch value {
            case 0: self = SGRState()
            case 1...9: attributes.insert(value)
            case 22: attributes.subtract([1, 2])
            case 23...29: attributes.remove(value - 20)
            case 30...37, 90...97: foreground = code
            case 39: foreground = nil
            case 40...47, 100...107: background = code
            case 49: background = nil
            default: break
            }
        }
    }
}
