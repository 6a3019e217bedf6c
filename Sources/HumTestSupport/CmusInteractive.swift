import Foundation
import Synchronization

/// A cmus configuration home holding an imported library (see `CmusInteractive.prepareLibrary`).
public struct CmusLibraryHome: Sendable {
    /// The folder cmus runs with as `CMUS_HOME`: its `cache`, `lib.pl` and `autosave`, and our `rc`.
    public var path: String
    /// Tracks in the library.
    public var tracks: Int
    /// What the import cost, a by-product of preparing the home.
    public var importResult: CmusImportResult

    public init(path: String, tracks: Int, importResult: CmusImportResult) {
        self.path = path
        self.tracks = tracks
        self.importResult = importResult
    }
}

/// Everything `CmusInteractive.measure` found in one cmus session.
public struct CmusUIResult: Sendable {
    /// From spawning cmus to its first screen with the whole library listed (see `CmusUISession`).
    public var launchSeconds: Double
    /// One a query character: from typing it to its whole screen (see `CmusUISession.searchKeystrokeLatency`).
    public var searchLatencies: [Double]
    /// The same query in cmus's live filter (see `CmusUISession.liveFilterKeystrokeLatency`): the times,
    /// and the track count cmus showed after each character.
    public var liveFilterLatencies: [Double]
    public var liveFilterCounts: [Int]
    /// From the first of `scrollRows` presses of `j` to the screen they lead to (see `CmusUISession.scroll`).
    public var scrollSeconds: Double
    public var scrollRows: Int
    /// cmus's peak resident memory (VmHWM) after launch, search and scroll.
    public var peakRSSKiB: Int?
    /// CPU seconds cmus used in `idleSeconds` of doing nothing (stopped, no input), after the rest.
    public var idleCPUSeconds: Double?
    public var idleSeconds: Double
}

/// Measures cmus's user interface on a library — launch, search as you type, scrolling, memory, idle
/// CPU — so that the benchmark can set hum's against it, on the same machine, files and terminal size.
///
/// Method, common to all: cmus runs in a `TmuxSession` (a private tmux server, 200 columns × 60 rows by
/// default, `LANG=C.UTF-8`, `TERM=tmux-256color`) on a home made once by `prepareLibrary`, and its
/// screen is read with `capture-pane` every 10 ms. A launch or a scroll runs from just before the keys
/// are sent (or cmus is spawned) to the end of the first capture that shows the expected screen, so it
/// is never early and late by at most one poll plus one capture (10 ms + 2–7 ms on a loaded 2-core
/// machine). Keystrokes, which take a millisecond or two, are timed finer: sent through a control client
/// (`TmuxControl`) and timed to the arrival of cmus's last output before a capture showed the expected
/// screen (floor, a key echoed by `cat`: well under a millisecond). Compare figures taken the same way
/// (hum's through the same classes, same size, same run).
///
/// "The expected screen" is exact, colours and attributes included (`capture-pane -e`, where cmus's
/// selected row shows), and is learnt first: each measurement makes an untimed reference pass of the
/// same keys from the same start state, waits until the screen settles, keeps each screen it settled
/// on, goes back to the start state and then makes the timed pass, which waits for exactly those screens.
/// So a time covers all of cmus's work for the keys (the cursor moved, the list scrolled, the command
/// line drawn), not just its first reaction, and no guess about how cmus draws is needed.
///
/// All of it is synchronous and blocking (from async code, call through `offPool`); every wait has a
/// timeout, and the tmux server is killed on every path, errors included.
public enum CmusInteractive {
    public typealias Failure = CmusImport.Failure

    /// Lines written to the home's `rc`, which cmus reads at every start after its `autosave`.
    ///
    /// - `mpris=false`: without a D-Bus session bus (CI, containers) cmus reports that MPRIS failed and
    ///   stops at "Press <enter> to continue." before drawing its views. A desktop has the bus, so the
    ///   prompt is an artefact of the machine and would only pollute the launch time.
    /// - `start_view=sorted`: the sorted library view (view 2), one track a row, the view hum's library
    ///   view is compared with and whose title states how many tracks cmus holds.
    static let rcLines = ["set mpris=false", "set start_view=sorted"]

    /// Imports `folder` into a fresh cmus home once, for the measurements below.
    ///
    /// The import is `CmusImport.measure` (cmus in tmux with an empty `CMUS_HOME=<workDirectory>/cmus-home`,
    /// `add -l`, waiting until the count settles, then a clean `quit`, on which cmus writes its `cache`
    /// of tags and `lib.pl`, the library's file list), then `rcLines` are written to the home's `rc`.
    /// A cmus started on the home loads the library from those two files without reading any audio file.
    /// The import runs on a thread of its own (see `onThreadWithoutBlockedSignals`).
    /// - Throws: `Failure` if the import fails or cmus did not quit cleanly (no cache or `lib.pl`).
    public static func prepareLibrary(folder: String, workDirectory: String, timeout: Double = 600) throws
        -> CmusLibraryHome {
        let imported = try onThreadWithoutBlockedSignals {
            try CmusImport.measure(folder: folder, workDirectory: workDirectory, timeout: timeout)
        }
        let home = URL(fileURLWithPath: workDirectory).standardizedFileURL.path + "/cmus-home"
        guard imported.cacheBytes != nil, FileManager.default.fileExists(atPath: home + "/lib.pl") else {
            throw Failure(description: "cmus did not quit cleanly after importing \(folder): no cache or lib.pl in \(home)")
        }
        try (rcLines.joined(separator: "\n") + "\n").write(toFile: home + "/rc", atomically: true, encoding: .utf8)
        return CmusLibraryHome(path: home, tracks: imported.tracks, importResult: imported)
    }

    /// Runs `work` on a thread of its own that blocks no signal, and waits for it.
    ///
    /// Why: `CmusImport` starts its tmux server through `Spawned`, and a spawned program inherits the
    /// calling thread's signal mask. The test runner's threads (Dispatch's workers, and the threads they
    /// start, `offPool`'s too) block most signals, SIGTERM and SIGCHLD among them. A tmux server started
    /// from one never ends: `kill-server` is tmux sending itself SIGTERM. (`TmuxSession` starts its
    /// servers clean itself, see `CleanSpawn`.) Signals sent to the whole process may now be taken by
    /// this thread, with the process's own dispositions: no change for a test or the benchmark.
    static func onThreadWithoutBlockedSignals<T: Sendable>(_ work: @escaping @Sendable () throws -> T) throws -> T {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            let result = Result { try work() }
            outcome.value.withLock { $0 = result }
            done.signal()
        }
        thread.start()
        done.wait()
        return try outcome.value.withLock { $0 }!.get()
    }

    private final class Outcome<T: Sendable>: Sendable {
        let value = Mutex<Result<T, any Error>?>(nil)
    }

    /// Seconds from spawning cmus to its first screen listing the whole library (see `CmusUISession`).
    /// Each call starts a cmus of its own in a new tmux server, so calls can be repeated for a median.
    /// - Throws: `Failure` if cmus stopped at a startup prompt (answering it would count a wait for the
    ///   prompt), or anything `CmusUISession.init` throws.
    public static func launchToFirstFrame(home: CmusLibraryHome, rows: Int = 60, columns: Int = 200) throws -> Double {
        let session = try CmusUISession(home: home, rows: rows, columns: columns)
        defer { session.close() }
        guard !session.answeredStartupPrompt else {
            throw Failure(description: "cmus stopped at a startup prompt, so its launch time is not comparable:\n"
                          + session.startScreen)
        }
        return session.launchSeconds
    }

    /// Per-character search latencies in a new cmus session (see `CmusUISession.searchKeystrokeLatency`).
    public static func searchKeystrokeLatency(home: CmusLibraryHome, query: String) throws -> [Double] {
        let session = try CmusUISession(home: home)
        defer { session.close() }
        return try session.searchKeystrokeLatency(query: query)
    }

    /// Seconds to scroll `rows` rows down in a new cmus session (see `CmusUISession.scroll`).
    public static func scroll(home: CmusLibraryHome, rows: Int = 1000) throws -> Double {
        let session = try CmusUISession(home: home)
        defer { session.close() }
        return try session.scroll(rows: rows)
    }

    /// All the measurements in one cmus session, in this order: launch, search for `query`, the same in
    /// the live filter, scroll `scrollRows` rows, peak memory, then CPU over `idleSeconds` of idleness.
    public static func measure(home: CmusLibraryHome, query: String, scrollRows: Int = 1000,
                               idleSeconds: Double = 5, rows: Int = 60, columns: Int = 200) throws -> CmusUIResult {
        let session = try CmusUISession(home: home, rows: rows, columns: columns)
        defer { session.close() }
        let search = try session.searchKeystrokeLatency(query: query)
        let filtered = try session.liveFilterKeystrokeLatency(query: query)
        let scrolled = try session.scroll(rows: scrollRows)
        return CmusUIResult(launchSeconds: session.launchSeconds, searchLatencies: search,
                            liveFilterLatencies: filtered.latencies, liveFilterCounts: filtered.counts,
                            scrollSeconds: scrolled,
                            scrollRows: scrollRows, peakRSSKiB: session.peakRSSKiB(),
                            idleCPUSeconds: session.idleCPU(seconds: idleSeconds), idleSeconds: idleSeconds)
    }
}

/// One cmus showing its sorted library view in a `TmuxSession`, and the measurements made on it.
///
/// Start state: cmus's first settled screen, the sorted view with the cursor on the first track and the
/// list at its top. Every measurement starts from it and returns to it (Escape if the command line is
/// open, then `g`, cmus's `win-top`, until the screen equals it again), so measurements can follow each
/// other in one session.
///
/// Each session rewrites the home's files when it ends (cmus saves its cache, `lib.pl`, histories and
/// `autosave` on SIGHUP too), so run one session on a home at a time.
public final class CmusUISession: Sendable {
    public let terminal: TmuxSession
    /// A control client on `terminal`, through which timed keys are sent and their answers timed.
    public let control: TmuxControl
    public let home: CmusLibraryHome
    /// From just before cmus was spawned (`TmuxSession.launchedAt`: tmux's server was already up) to the
    /// end of the first capture in which the sorted view's title counts the whole library
    /// ("Library …/lib.pl - N tracks sorted by …", N = `home.tracks`) and a track row is drawn under it.
    ///
    /// Why that predicate: cmus loads `lib.pl` and its cache in a worker thread after it first draws,
    /// so early frames show a partial, still re-sorting list; its title's count is cmus's own statement of
    /// how much it holds. The full count with a row drawn is the first frame of the final list, the
    /// moment the library is usable. (On 2,000 tracks the first frame, titled "0 tracks", came 15–30 ms
    /// earlier, and frames with part of the library between the two.)
    public let launchSeconds: Double
    /// Whether a "Press <enter> to continue." prompt had to be answered at startup (then
    /// `launchSeconds` includes the time until the prompt was seen and answered).
    public let answeredStartupPrompt: Bool
    /// The start state's screen, with colours.
    public let startScreen: String
    private let socket: String

    /// How long a screen must stay unchanged to count as settled in a reference pass. cmus redraws within
    /// milliseconds of a key; these leave room for a loaded machine.
    static let searchSettle = 0.2
    static let scrollSettle = 0.3
    static let startupPrompt = "Press <enter> to continue"

    /// Starts cmus on `home` and waits for its first frame with the whole library, then for the screen
    /// to settle (the start state).
    ///
    /// cmus gets `--listen` on a socket of its own, so that sessions never find each other's (or a
    /// user's) cmus, and `JACK_NO_START_SERVER=1`, as in `CmusImport`, so that its JACK probe does not
    /// start or wait for a jackd.
    /// - Throws: `Failure` if the terminal is too narrow for the title's count, or `TmuxSession.Failure`
    ///   (with cmus's last screen) if cmus exits or does not show the library within `timeout` seconds.
    public init(home: CmusLibraryHome, rows: Int = 60, columns: Int = 200, timeout: Double = 30) throws {
        let homeFolder = URL(fileURLWithPath: home.path).standardizedFileURL.path
        // cmus cuts a title that does not fit, and the count comes after the file name.
        let title = " Library \(homeFolder)/lib.pl - \(home.tracks) tracks sorted by"
        guard title.count < columns else {
            throw CmusImport.Failure(description: "\(columns) columns cannot show cmus's title \"\(title)\"")
        }
        let socket = "/tmp/hum-cmus-ui-\(UUID().uuidString.prefix(8).lowercased()).sock"
        let terminal = try TmuxSession(["cmus", "--listen", socket], rows: rows, columns: columns,
                                       environment: ["CMUS_HOME": homeFolder, "JACK_NO_START_SERVER": "1"],
                                       workingDirectory: (homeFolder as NSString).deletingLastPathComponent)
        do {
            var answeredAt: Date?
            let frame = try terminal.waitFor(timeout: timeout) { screen in
                if screen.contains(Self.startupPrompt) {
                    // Once a second at most: an Enter that arrives after the prompt has gone would play a track.
                    if answeredAt.map({ Date().timeIntervalSince($0) > 1 }) ?? true {
                        try? terminal.send(keys: ["Enter"])
                        answeredAt = Date()
                    }
                    return false
                }
                return Self.listsWholeLibrary(screen, tracks: home.tracks)
            }
            launchSeconds = frame.at.timeIntervalSince(terminal.launchedAt)
            answeredStartupPrompt = answeredAt != nil
            startScreen = try terminal.waitUntilStable(for: Self.searchSettle, colors: true).screen
        } catch {
            terminal.kill()
            try? FileManager.default.removeItem(atPath: socket)
            throw error
        }
        do {
            control = try TmuxControl(terminal)
        } catch {
            terminal.kill()
            try? FileManager.default.removeItem(atPath: socket)
            throw error
        }
        self.terminal = terminal
        self.home = home
        self.socket = socket
    }

    deinit { close() }

    /// Ends cmus (its tmux server) and removes its socket. Safe to call more than once.
    public func close() {
        control.close()
        terminal.kill()
        try? FileManager.default.removeItem(atPath: socket)
    }

    /// Whether `screen` is the sorted view with the title counting `tracks` and a row under it.
    static func listsWholeLibrary(_ screen: String, tracks: Int) -> Bool {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 1, titleCount(screen) == tracks else { return false }
        return !lines[1].allSatisfy(\.isWhitespace)
    }

    /// The track count in the sorted view's title (" Library …/lib.pl - N tracks sorted by …"), the
    /// tracks cmus shows (after a live filter, those that pass it); nil if the first row is no such title.
    static func titleCount(_ screen: String) -> Int? {
        guard let first = screen.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first
        else { return nil }
        let title = withoutColours(first)
        guard title.hasPrefix(" Library ") else { return nil }
        return title.matches(of: #/ - (\d+) tracks? sorted by/#).last.flatMap { Int($0.output.1) }
    }

    /// Seconds from typing each character of `query` (after `/`, which opens cmus's search) to the screen
    /// cmus settles on for it.
    ///
    /// cmus searches as you type: each character moves the selection to the next matching track
    /// (scrolling the list if needed) and redraws the command line ("/" and the text so far) with the
    /// cursor after it. Timed as `promptKeystrokeLatency` says. Back in the start state afterwards.
    /// - Parameter query: plain text, no newline; characters are sent one by one as the user would.
    public func searchKeystrokeLatency(query: String, timeout: Double = 10) throws -> [Double] {
        try promptKeystrokeLatency(prompt: "/", query: query, timeout: timeout).latencies
    }

    /// Seconds from typing each character of `query` after `:live-filter ` to the screen cmus settles on
    /// for it, and the track count cmus's title states on each of those screens.
    ///
    /// cmus's live filter is the like of hum's `F`: at each character of the command line it filters the
    /// whole library again (tracks with the text in a tag or the file name, any case) and redraws the
    /// views and the title's count. Timed as `promptKeystrokeLatency` says. Afterwards the filter is
    /// cleared (Backspace back to `:live-filter `, whose empty argument shows the whole library again)
    /// and cmus is back in the start state.
    public func liveFilterKeystrokeLatency(query: String, timeout: Double = 10) throws
        -> (latencies: [Double], counts: [Int]) {
        try promptKeystrokeLatency(prompt: ":live-filter ", query: query, timeout: timeout)
    }

    /// Times each character of `query` typed after `prompt` (which is typed first, untimed) to the screen
    /// cmus settles on for it; returns the times and the track count in the title of each settled screen
    /// (-1 where the title states none).
    ///
    /// The reference pass types `prompt` and each character, waiting each time until the command line
    /// shows the text and the screen (text, colours, cursor position) differs from the previous one, then
    /// until it stays unchanged for 200 ms. The timed pass, from the start state again, types `prompt`
    /// (not timed), then each character through the control client, and takes the time
    /// (`TmuxControl.measure`) until cmus's output that made the screen equal that character's reference
    /// screen, cursor included (a trailing space changes no text, only the cursor). Each character is
    /// typed once the previous one's screen is up, as a typist's keys would come with room to spare.
    private func promptKeystrokeLatency(prompt: String, query: String, timeout: Double) throws
        -> (latencies: [Double], counts: [Int]) {
        guard !query.isEmpty, !query.contains(where: \.isNewline) else {
            throw CmusImport.Failure(description: "a search query must be one line of text, not \"\(query)\"")
        }
        let characters = query.map(String.init)
        // The reference pass.
        try terminal.type(prompt)
        let opened = try settledScreen(commandLine: prompt, after: nil, timeout: timeout)
        var expected: [TmuxSession.Screen] = []
        for (index, character) in characters.enumerated() {
            try terminal.type(character)
            expected.append(try settledScreen(commandLine: prompt + characters[...index].joined(),
                                              after: expected.last ?? opened, timeout: timeout))
        }
        try returnToStart(typed: characters.count, timeout: timeout)
        // The timed pass.
        try terminal.type(prompt)
        try terminal.waitForScreen(timeout: timeout, colors: true) { $0 == opened }
        var latencies: [Double] = []
        for (character, screen) in zip(characters, expected) {
            latencies.append(try control.measure(timeout: timeout, send: { try control.type(character) },
                                                 until: { $0 == screen }))
        }
        try returnToStart(typed: characters.count, timeout: timeout)
        return (latencies, expected.map { Self.titleCount($0.text) ?? -1 })
    }

    /// Seconds from the first of `rows` presses of `j` (cmus's `win-down`) to the screen they lead to.
    ///
    /// Keys go in batches of `batch` key names per `send-keys` (one tmux process each; 10 for 1,000 rows,
    /// all sent before the polling starts), as fast as a held-down key or faster, so cmus may take several
    /// from one read. The end state is learnt in a reference pass: the same presses from the start state,
    /// until the screen stays unchanged for 300 ms (cursor `rows` rows below the first track, or on the
    /// last one if the library is shorter). The timed pass, from the start state again, runs until the
    /// first capture of the screen that then stays unchanged for as long (which `waitUntilStable` dates
    /// to within one poll). Back in the start state afterwards.
    /// - Throws: `Failure` if the presses do not change the screen, or cmus does not reach the reference
    ///   screen within `timeout` seconds (it dropped or added presses).
    public func scroll(rows: Int = 1000, batch: Int = 100, timeout: Double = 60) throws -> Double {
        guard rows > 0, batch > 0 else { throw CmusImport.Failure(description: "scroll \(rows) rows by \(batch)") }
        let press = { [terminal] in
            for start in stride(from: 0, to: rows, by: batch) {
                try terminal.send(keys: Array(repeating: "j", count: min(batch, rows - start)))
            }
        }
        try press()
        let target = try terminal.waitUntilStable(for: Self.scrollSettle, timeout: timeout, colors: true).screen
        guard target != startScreen else {
            throw CmusImport.Failure(description: "\(rows) presses of j did not move cmus's cursor:\n\(target)")
        }
        try returnToStart(timeout: timeout)
        // Timed to the first capture of the screen cmus then settles on, not to the reference screen itself:
        // cmus draws rows with emoji differently from one pass to the next (its widths disagree with
        // tmux's), so the same 1,000 presses need not end on an identical screen.
        let start = Date()
        try press()
        let settled = try terminal.waitUntilStable(for: Self.scrollSettle, timeout: timeout, colors: true)
        try returnToStart(timeout: timeout)
        return settled.since.timeIntervalSince(start)
    }

    /// cmus's peak resident memory (VmHWM) so far, in KiB.
    public func peakRSSKiB() -> Int? { terminal.peakRSSKiB() }

    /// CPU seconds (user + system, all threads) cmus uses in `seconds` of idleness: stopped, no input,
    /// the screen unchanged. /proc counts in clock ticks, so the resolution is 0.01 s.
    public func idleCPU(seconds: Double) -> Double? {
        guard let before = terminal.cpuSeconds() else { return nil }
        Thread.sleep(forTimeInterval: seconds)
        return terminal.cpuSeconds().map { $0 - before }
    }

    /// Waits until the command line shows `commandLine` and the screen differs from `previous`, then
    /// until it settles; returns it with colours and cursor.
    private func settledScreen(commandLine: String, after previous: TmuxSession.Screen?,
                               timeout: Double) throws -> TmuxSession.Screen {
        // capture-pane cuts trailing spaces.
        var shown = Substring(commandLine)
        while shown.last == " " { shown = shown.dropLast() }
        try terminal.waitForScreen(timeout: timeout, colors: true) { screen in
            Self.bottomLine(screen.text) == shown && screen != previous
        }
        return try terminal.waitUntilScreenStable(for: Self.searchSettle, timeout: timeout, colors: true).screen
    }

    /// Leaves the command line if it is open (Escape), then, once it is empty, goes to the top (`g`) and
    /// waits until the screen settles. Never Escape and `g` together: ncurses reads an Escape followed at once
    /// by `g` as Alt-g, and cmus would not move. The emptied command line shows that cmus took the Escape
    /// on its own.
    ///
    /// A live filter outlives its command line, so one being typed is first cleared: `typed` Backspaces
    /// take the line back to `:live-filter ` (the empty filter), and the title must count the whole
    /// library again.
    private func returnToStart(typed: Int = 0, timeout: Double) throws {
        if Self.bottomLine(try terminal.capture()).hasPrefix(":live-filter ") {
            try terminal.send(keys: Array(repeating: "BSpace", count: typed))
            try terminal.waitFor(timeout: timeout) { Self.titleCount($0) == self.home.tracks }
        }
        if !Self.bottomLine(try terminal.capture()).isEmpty {
            try terminal.send(keys: ["Escape"])
            try terminal.waitFor(timeout: timeout) { Self.bottomLine($0).isEmpty }
        }
        try terminal.send(keys: ["g"])
        // The first screen as cmus draws it this time: its rows with emoji come out differently from one
        // drawing to the next, so waiting for the start screen exactly can wait forever.
        _ = try terminal.waitUntilStable(for: Self.scrollSettle, timeout: timeout, colors: true)
    }

    /// The last row of the screen, cmus's command line, without colour sequences.
    static func bottomLine(_ screen: String) -> String {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        // capture-pane ends the last row with a newline too.
        let last = lines.last == "" ? lines.dropLast().last : lines.last
        return withoutColours(last ?? "")
    }

    /// `text` without the colour sequences of a capture with colours.
    static func withoutColours(_ text: Substring) -> String {
        String(text.replacing(#/\x1B\[[0-9;:]*m/#, with: ""))
    }
}
