import Foundation

/// What one cmus library import cost (see `CmusImport.measure`).
public struct CmusImportResult: Sendable {
    /// Tracks in cmus's library once the import settled.
    public var tracks: Int
    /// From sending `add` until the track count was first seen at its final value (cmus's startup is not
    /// counted). Polling makes this late by up to one poll: 50 ms plus the poll's own time (about 25 ms
    /// on a 2-core machine), plus the time cmus takes to redraw its title.
    public var seconds: Double
    /// cmus's peak resident memory (VmHWM) just before it was asked to quit; nil if it could not be read.
    public var peakRSSKiB: Int?
    /// Size of the metadata cache cmus wrote when it quit cleanly; nil if it did not quit in time.
    public var cacheBytes: Int?

    public init(tracks: Int, seconds: Double, peakRSSKiB: Int?, cacheBytes: Int?) {
        self.tracks = tracks
        self.seconds = seconds
        self.peakRSSKiB = peakRSSKiB
        self.cacheBytes = cacheBytes
    }

    public var tracksPerSecond: Double { seconds > 0 ? Double(tracks) / seconds : 0 }
}

/// Measures how fast cmus, the reference player, imports a folder into its library, so that the benchmark
/// can set our own import speed against it on the same machine and the same files.
///
/// cmus is an interactive ncurses program and has no "import and exit" mode, so it runs inside a
/// detached tmux session and is driven from outside with `cmus-remote`. Things learnt the hard way:
///
/// - With an empty config home cmus probes every output plugin and MPRIS at startup. Where there is no
///   sound server or D-Bus (CI, containers) it prints errors and stops at "Press <enter> to continue."
///   before it serves its socket, so every `cmus-remote` call hangs, silently. We answer that prompt
///   through tmux, and give every `cmus-remote` call a timeout.
/// - `save -l FILE` is refused while tracks are being added ("can't save when tracks are being added",
///   printed by `cmus-remote`, which still exits 0), so it cannot show the count growing; it also
///   changes the library's default file name. `save -l -` writes the library to `cmus-remote`'s stdout
///   instead and touches no file; once accepted it is the authoritative count.
/// - The only live count is the title of the sorted library view (view 2):
///   "Library <file> - N tracks sorted by ...". It lags the library by a redraw, and a `save` can be
///   accepted while cmus's main thread still holds a last batch of results from the finished worker,
///   hence the settle rule in `measure`.
/// - `save -l FILE` does not ask before overwriting FILE (cmus 2.10), but `quit` asks "Tracks are being
///   added. Quit and truncate playlist(s)? [y/N]" during an import and blocks likewise; we quit only
///   once the import has settled, and otherwise kill the tmux server.
/// - Killing the session sends cmus SIGHUP and it then still writes its cache, so the cache size is
///   taken only after a clean `quit`, once cmus has exited.
public enum CmusImport {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// How often the library count is read. Each poll starts one or two short processes, which compete
    /// with cmus for the CPU; 50 ms keeps that small while bounding the error on `seconds`.
    static let pollInterval = 0.05
    /// How long cmus may take to start and answer on its socket.
    static let startupLimit = 30.0
    /// How long cmus may take to write its cache and exit after `quit` (about a second for 100,000 tracks).
    static let quitLimit = 60.0

    /// Starts cmus with a private, empty config home, adds `folder` to its library and waits until the
    /// library stops growing.
    ///
    /// Method: cmus runs in a private tmux server (its own socket name and session name, `-f /dev/null`
    /// so no user tmux configuration applies) with `CMUS_HOME=<workDirectory>/cmus-home` (emptied first,
    /// so its metadata cache is cold) and `--listen <socket>`. Once `cmus-remote -Q` answers, the sorted
    /// view is shown, then `add -l FOLDER` is sent and the clock starts. Every 50 ms the view title's
    /// count is read from the tmux pane. When it has not changed since the previous poll, `save -l -` is
    /// tried; the import has settled when two consecutive accepted saves list the same number of tracks
    /// and the title shows that number too. `seconds` runs from the `add` to the first poll that saw the
    /// final count. Then VmHWM is read from /proc, cmus is asked to `quit`, and the size of its `cache`
    /// file is taken once it has exited. The tmux server is killed in every case, error or timeout too.
    ///
    /// The page cache is not dropped: files read recently (by a previous run, or by the generator) are
    /// read from memory, so compare runs that are warm alike.
    ///
    /// Synchronous: it blocks its thread for the whole import. From async code, call it through `offPool`.
    /// - Parameters:
    ///   - folder: the folder to import (made absolute; must not contain a newline).
    ///   - workDirectory: created if needed; holds `cmus-home` (replaced) and cmus's socket.
    ///   - timeout: seconds allowed for startup plus the import before giving up.
    /// - Throws: `CmusImport.Failure` if cmus or tmux is missing, cmus does not start, reports an error
    ///   for the `add`, finds no tracks, or does not settle in time.
    public static func measure(folder: String, workDirectory: String, timeout: Double = 600) throws -> CmusImportResult {
        let folderPath = URL(fileURLWithPath: folder).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folderPath, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Failure(description: "not a folder: \(folderPath)")
        }
        // cmus-remote sends one command per line.
        guard !folderPath.contains("\n") else { throw Failure(description: "folder path contains a newline") }

        let work = URL(fileURLWithPath: workDirectory).standardizedFileURL.path
        let home = work + "/cmus-home"
        let files = FileManager.default
        try files.createDirectory(atPath: work, withIntermediateDirectories: true)
        if files.fileExists(atPath: home) { try files.removeItem(atPath: home) }
        try files.createDirectory(atPath: home, withIntermediateDirectories: true)

        let id = UUID().uuidString.prefix(8).lowercased()
        let session = CmusSession(home: home, socket: socketPath(workDirectory: work, id: id), tmuxName: "hum-cmus-\(id)")
        defer { session.tearDown() }

        let deadline = Date().addingTimeInterval(timeout)
        try session.start(deadline: min(deadline, Date().addingTimeInterval(startupLimit)))
        let started = Date()
        try session.addToLibrary(folderPath)
        let (tracks, finalSeen) = try session.waitUntilSettled(deadline: deadline)
        guard tracks > 0 else { throw Failure(description: "cmus found no tracks in \(folderPath)") }
        let peak = session.peakRSSKiB()
        let cache = session.quitAndMeasureCache()
        return CmusImportResult(tracks: tracks, seconds: finalSeen.timeIntervalSince(started),
                                peakRSSKiB: peak, cacheBytes: cache)
    }

    /// A Unix socket path must fit in 108 bytes (`sun_path`); a deep work directory would make cmus fail
    /// to listen, so the socket goes to the temporary directory then.
    static func socketPath(workDirectory: String, id: some StringProtocol) -> String {
        let inWork = workDirectory + "/cmus.sock"
        if inWork.utf8.count < 100 { return inWork }
        return "/tmp/hum-cmus-\(id).sock"
    }
}

/// One cmus in its own tmux server, and the commands that drive it.
private final class CmusSession {
    let home: String
    let socket: String
    /// Both the tmux server's socket name (`-L`) and the session name: each run is alone on its server,
    /// so killing that server can touch nothing else.
    let tmuxName: String
    private(set) var pid: pid_t?

    init(home: String, socket: String, tmuxName: String) {
        self.home = home
        self.socket = socket
        self.tmuxName = tmuxName
    }

    typealias Failure = CmusImport.Failure

    // MARK: Processes

    /// What a short command printed, and whether it exited with status 0 in time.
    struct Output {
        var succeeded: Bool
        var stdout: String
        var stderr: String
    }

    /// Runs a short command, killing it after `timeout` seconds.
    ///
    /// `Spawned` rather than `ChildProcess.run`: that runs the program under GNU time, one more exec per
    /// poll, and its timeout kills GNU time, not the program, then waits for the orphaned program to close
    /// its output; a `cmus-remote` stuck on an unanswering cmus never does, so it would hang for good.
    func run(_ program: String, _ arguments: [String], timeout: Double) throws -> Output {
        // Not split into lines as it arrives: `save -l -` prints megabytes.
        let child = try Spawned(program, arguments, linesFromStdout: false)
        child.closeStdin()
        let (status, _, timedOut, _) = child.wait(timeout: timeout)
        return Output(succeeded: status == 0 && !timedOut, stdout: String(decoding: child.stdoutBytes, as: UTF8.self),
                      stderr: child.stderrText)
    }

    @discardableResult
    func tmux(_ arguments: [String], timeout: Double = 5) throws -> Output {
        try run("tmux", ["-L", tmuxName, "-f", "/dev/null"] + arguments, timeout: timeout)
    }

    /// `cmus-remote` blocks for as long as cmus does not answer (see the startup prompt), hence the
    /// short default timeout.
    func remote(_ arguments: [String], timeout: Double = 2) throws -> Output {
        try run("cmus-remote", ["--server", socket] + arguments, timeout: timeout)
    }

    func command(_ line: String, timeout: Double = 2) throws -> Output {
        try remote(["-C", line], timeout: timeout)
    }

    /// The pane's text, or its first line only (the view title).
    func pane(firstLineOnly: Bool = false) -> String? {
        let range = firstLineOnly ? ["-S", "0", "-E", "0"] : []
        guard let result = try? tmux(["capture-pane", "-p", "-t", tmuxName] + range), result.succeeded else { return nil }
        return result.stdout
    }

    func paneIsDead() -> Bool {
        guard let result = try? tmux(["display-message", "-p", "-t", tmuxName, "#{pane_dead}"]), result.succeeded
        else { return true }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) != "0"
    }

    // MARK: Steps

    func start(deadline: Date) throws {
        try? FileManager.default.removeItem(atPath: socket)
        // Wide enough that the view title ("Library <up to 256 characters> - N tracks ...") is never cut.
        // remain-on-exit keeps the pane after cmus exits: its last screen explains an early death, and
        // `pane_dead` tells when a quit has finished. `env` execs cmus, so the pane's pid is cmus's.
        // JACK_NO_START_SERVER: probing its JACK output, cmus would otherwise start a jackd, or where
        // there is none wait 5 s for it. (libao's NAS probe still waits 5 s where there is no sound.)
        let started = try tmux(["new-session", "-d", "-s", tmuxName, "-x", "400", "-y", "50",
                                "-c", (home as NSString).deletingLastPathComponent,
                                "env", "CMUS_HOME=\(home)", "JACK_NO_START_SERVER=1", "cmus", "--listen", socket,
                                ";", "set-option", "-t", tmuxName, "remain-on-exit", "on"])
        guard started.succeeded else { throw Failure(description: "cannot start cmus in tmux: \(started.stderr)") }
        if let result = try? tmux(["list-panes", "-t", tmuxName, "-F", "#{pane_pid}"]), result.succeeded {
            pid = pid_t(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }

        while true {
            // The prompt first: while it is up, `-Q` would only wait for its timeout.
            let screen = pane() ?? ""
            if screen.contains("Press <enter> to continue") {
                try tmux(["send-keys", "-t", tmuxName, "Enter"])
            } else if paneIsDead() {
                throw Failure(description: "cmus exited at startup:\n\(screen)")
            } else if FileManager.default.fileExists(atPath: socket),
                      let status = try? remote(["-Q"], timeout: 1), status.succeeded {
                break
            }
            guard Date() < deadline else { throw Failure(description: "cmus did not answer on \(socket):\n\(screen)") }
            Thread.sleep(forTimeInterval: 0.1)
        }

        // The sorted view's title carries the live track count.
        _ = try command("view 2")
        while trackCountInTitle() == nil {
            guard Date() < deadline else {
                throw Failure(description: "no track count in cmus's view title:\n\(pane() ?? "")")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    func addToLibrary(_ folder: String) throws {
        let result = try command("add -l \(folder)", timeout: 10)
        let said = (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.succeeded, !said.contains("Error") else {
            throw Failure(description: "cmus rejected `add -l \(folder)`: \(said)")
        }
    }

    /// Polls until the settle rule of `CmusImport.measure` holds; returns the final count and when it
    /// was first seen.
    func waitUntilSettled(deadline: Date) throws -> (tracks: Int, firstSeen: Date) {
        var samples: [(time: Date, count: Int)] = []
        var previousTitle: Int?
        var acceptedSave: Int?
        while true {
            let title = trackCountInTitle()
            if let title { samples.append((Date(), title)) }
            if let title, title == previousTitle {
                if let saved = savedTrackCount() {
                    samples.append((Date(), saved))
                    if saved == acceptedSave, saved == title {
                        // Counts only grow, so the first sample at the final count is when it was reached.
                        let firstSeen = samples.first { $0.count >= saved }?.time ?? Date()
                        return (saved, firstSeen)
                    }
                    acceptedSave = saved
                } else {
                    acceptedSave = nil
                }
            } else {
                acceptedSave = nil
            }
            previousTitle = title
            guard Date() < deadline else {
                throw Failure(description: "cmus did not settle in time; last count \(samples.last?.count ?? 0)")
            }
            if paneIsDeadQuickly() { throw Failure(description: "cmus died during the import:\n\(pane() ?? "")") }
            Thread.sleep(forTimeInterval: CmusImport.pollInterval)
        }
    }

    /// The count in the sorted view's title, "Library <file> - N tracks sorted by ...".
    func trackCountInTitle() -> Int? {
        guard let line = pane(firstLineOnly: true) else { return nil }
        let matches = line.matches(of: #/ - (\d+) tracks/#)
        return matches.last.flatMap { Int($0.output.1) }
    }

    /// The library's size from `save -l -` (one path a line), or nil while cmus refuses because tracks
    /// are still being added.
    func savedTrackCount() -> Int? {
        guard let result = try? command("save -l -", timeout: 30), result.succeeded,
              !result.stdout.contains("can't save"), !result.stderr.contains("can't save") else { return nil }
        return result.stdout.split(separator: "\n").count { !$0.isEmpty }
    }

    /// Whether cmus is gone, without a process launch per poll.
    private func paneIsDeadQuickly() -> Bool {
        guard let pid else { return false }
        return kill(pid, 0) != 0 || processState(pid) == "Z"
    }

    private func processState(_ pid: pid_t) -> String? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return field("State", in: status)?.split(separator: " ").first.map(String.init)
    }

    private func field(_ name: String, in status: String) -> String? {
        status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
            .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
    }

    /// cmus's VmHWM, checking first that the pane's process really is cmus.
    func peakRSSKiB() -> Int? {
        guard let pid,
              let name = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
              name.trimmingCharacters(in: .whitespacesAndNewlines) == "cmus",
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let value = field("VmHWM", in: status)
        else { return nil }
        return Int(value.split(separator: " ").first ?? "")
    }

    /// Asks cmus to quit (it writes its cache then), waits for it to exit and returns the cache's size.
    func quitAndMeasureCache() -> Int? {
        guard (try? command("quit", timeout: 10)) != nil else { return nil }
        let deadline = Date().addingTimeInterval(CmusImport.quitLimit)
        while !paneIsDead() {
            guard Date() < deadline else { return nil }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: home + "/cache")
        return (attributes?[.size] as? NSNumber)?.intValue
    }

    /// Kills the private tmux server (and so the session), then cmus itself if SIGHUP did not end it
    /// within a few seconds (it may be writing its cache, or stuck in a prompt).
    func tearDown() {
        _ = try? tmux(["kill-server"])
        if let pid {
            let deadline = Date().addingTimeInterval(5)
            while kill(pid, 0) == 0, processState(pid) != "Z", Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if kill(pid, 0) == 0, processState(pid) != "Z",
               (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.hasPrefix("cmus") == true {
                kill(pid, SIGKILL)
            }
        }
        try? FileManager.default.removeItem(atPath: socket)
    }
}
