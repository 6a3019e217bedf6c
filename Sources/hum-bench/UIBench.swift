import ArgumentParser
import Foundation
import HumTestSupport
import MusicLibrary

/// hum's full-screen interface against cmus's, on the same files, in the same run, both driven and read
/// the same way (`TmuxSession`, 200×60; see `CmusInteractive` and `HumInteractive` for the method and
/// its bounds).
///
/// Why one run for both: this 2-core machine is shared and its load changes from minute to minute, so
/// a figure only means something against the reference taken beside it. Where a figure is repeated, the
/// two players take turns, so that a busy spell hits both alike.
struct UIBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "The interface against cmus's in tmux at 200×60: launch, filter as you type, scrolling, memory, idle and playing CPU.",
        discussion: """
            Prepares a cmus home (cmus imports the folder) and a hum library (`hum scan`) from LIBRARY_FOLDER, then measures, \
            each against its target: launch to the first full frame (median of --runs launches each; target ≤ 0.5× cmus), \
            a keystroke of the query to its updated frame (hum's live filter F, cmus's search /; --runs rounds; targets: median \
            and p99 ≤ 0.5× cmus's, p99 ≤ 30 ms) and, beside it, the floor under it: hum's own bytes for those keys replayed by a \
            program that does no work (`FrameReplay`), and the same keys in cmus's own filter as you type (:live-filter), \
            1000 presses of j in the track list (target ≤ 0.5× cmus), peak RSS (≤ cmus), \
            CPU and wakeups over --seconds of idleness, with nothing playing and paused after playing (target 0: no CPU tick \
            and no wakeup), and, when PULSE_SERVER \
            is set, CPU per minute of audio while playing an MP3 with the interface open against `mpg123 -o pulse` on the \
            same file (target ≤ mpg123's). hum runs with --output null unless PULSE_SERVER is set; the paused figure needs a \
            real-time output, so without PULSE_SERVER it uses a private PulseAudio daemon (scripts/pulse-daemon).
            """)

    @Argument(help: "A folder of audio files (e.g. made by ../shared/tools/gen_library.py).")
    var libraryFolder: String

    @Option(help: "Where cmus's home, hum's library and home, and any made audio go (default: a temporary folder).")
    var workDirectory: String?

    @Option(help: "Seconds of idleness over which idle CPU is measured.")
    var seconds = 30

    @Option(help: "What is typed, one key at a time (default: the first five letters of the library's most common artist).")
    var query: String?

    @Option(help: "Launches of each player, and rounds of typing and of scrolling; medians are reported.")
    var runs = 3

    /// Rows scrolled with j, and seconds of audio over which playing CPU is measured.
    static let scrollRows = 1000
    static let playingSeconds = 60.0
    /// Playing CPU is counted from this long after playback starts, so that neither player's start
    /// (opening the file, connecting the stream, filling its buffer) is in it.
    static let playingLeadIn = 1.0

    func run() throws {
        let hum = try HumBinary.path()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: libraryFolder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("not a folder: \(libraryFolder)")
        }
        let folder = URL(fileURLWithPath: libraryFolder).standardizedFileURL.path
        let work = URL(fileURLWithPath: workDirectory ?? (NSTemporaryDirectory() + "hum-bench-ui-\(getpid())"))
            .standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let pulse = Self.pulseEnvironment()
        let runs = max(1, self.runs)

        // 1. Prepare both libraries from the same files.
        print("preparing in \(work)")
        let cmusHome = try CmusInteractive.prepareLibrary(folder: folder, workDirectory: work)
        print(String(format: "  cmus imported %d tracks in %.1f s", cmusHome.tracks, cmusHome.importResult.seconds))
        let database = work + "/hum.sqlite"
        // A fresh library each run: the playing measurement adds a file to it, and hum keeps its session,
        // settings and filters beside it.
        for suffix in [".sqlite", ".sqlite-wal", ".sqlite-shm", "-session.json", "-settings.json", "-filters.json"] {
            try? FileManager.default.removeItem(atPath: work + "/hum" + suffix)
        }
        let scan = try ChildProcess.run(hum, ["scan", "--library", database, folder], timeout: 3600)
        guard scan.succeeded else { throw ValidationError("hum scan failed: \(scan.stderr)") }
        let humTracks = try LibraryStore(path: database).trackCount()
        print(String(format: "  hum scanned %d tracks in %.1f s", humTracks, scan.wallSeconds))
        if humTracks != cmusHome.tracks {
            print("  note: hum holds \(humTracks) tracks and cmus \(cmusHome.tracks): the two do not read the same files as tracks")
        }
        let query = try self.query ?? Self.defaultQuery(folder: folder, database: database)
        let launch = HumLaunch(binary: hum, library: database, home: work + "/hum-home",
                               outputArguments: pulse == nil ? ["--output", "null"] : [], environment: pulse ?? [:])
        print("  query \"\(query)\"; hum's output: \(pulse == nil ? "null (PULSE_SERVER not set)" : "PulseAudio at \(pulse!["PULSE_SERVER"]!)")")

        // 2. Launch to first full frame, taking turns.
        print("launching each \(runs) times")
        var cmusLaunches: [Double] = [], humLaunches: [Double] = []
        for _ in 0..<runs {
            cmusLaunches.append(try CmusInteractive.launchToFirstFrame(home: cmusHome))
            humLaunches.append(try HumInteractive.launchToFirstFrame(launch))
        }
        print("  cmus: " + Self.list(cmusLaunches) + "; hum: " + Self.list(humLaunches))

        // 3–6 in one session each, both open, taking turns.
        let cmus = try CmusUISession(home: cmusHome)
        defer { cmus.close() }
        let session = try HumUISession(launch)
        defer { session.close() }
        print("typing \"\(query)\" \(runs) times (cmus: / search, then :live-filter; hum: F live filter)")
        var cmusKeys: [Double] = [], cmusFilterKeys: [Double] = [], cmusFilterCounts: [Int] = [], humKeys: [Double] = []
        for round in 1...runs {
            let c = try cmus.searchKeystrokeLatency(query: query)
            let f = try cmus.liveFilterKeystrokeLatency(query: query)
            let h = try session.filterKeystrokeLatency(query: query)
            cmusKeys += c
            cmusFilterKeys += f.latencies
            cmusFilterCounts = f.counts
            humKeys += h
            print("  round \(round): cmus / " + Self.list(c) + "; cmus :live-filter " + Self.list(f.latencies)
                  + "; hum " + Self.list(h))
        }
        print("  tracks cmus's live filter left after each key: "
              + cmusFilterCounts.map { $0.formatted() }.joined(separator: ", "))
        // The terminal's share of a keystroke: hum's own bytes for each key, replayed by a program doing no work.
        var floor: Measured<(latencies: [Double], sizes: [Int])> = .skipped("not measured")
        do {
            let recording = try session.recordFilterFrames(query: query)
            print("replaying hum's frames for \"\(query)\" \(runs) times with no work behind them "
                  + "(\(recording.keyPieceSizes.map(String.init).joined(separator: ", ")) bytes a key)")
            var latencies: [Double] = []
            for round in 1...runs {
                let replayed = try FrameReplay.keystrokeLatencies(recording, workDirectory: work)
                latencies += replayed
                print("  round \(round): " + Self.list(replayed))
            }
            floor = .value((latencies, recording.keyPieceSizes))
        } catch {
            floor = .skipped("not measured: \(error)")
            print("  the replay failed: \(error)")
        }
        print("scrolling \(Self.scrollRows) rows \(runs) times")
        var cmusScrolls: [Double] = [], humScrolls: [Double] = []
        for _ in 0..<runs {
            cmusScrolls.append(try cmus.scroll(rows: Self.scrollRows))
            humScrolls.append(try session.scroll(rows: Self.scrollRows))
        }
        print("  cmus: " + Self.list(cmusScrolls) + "; hum: " + Self.list(humScrolls))
        let cmusPeak = cmus.peakRSSKiB(), humPeak = session.peakRSSKiB()
        print("idle for \(seconds) s each")
        let cmusIdle = IdleFigures.measure(cmus.terminal, seconds: Double(seconds))
        let humIdle = IdleFigures.measure(session.terminal, seconds: Double(seconds))
        cmus.close()
        session.close()

        // 6 (paused) and 7: a hum that plays in real time.
        var paused: Measured<IdleFigures> = .skipped("not measured")
        var playing: Measured<(hum: Double, mpg123: Double, file: String)> = .skipped(
            "PULSE_SERVER is not set (run with a sound server, e.g. CI's private daemon)")
        do {
            let track = pulse == nil ? nil : try Self.playableMP3(database: database, folder: folder, work: work, hum: hum)
            var daemon: PulseTestDaemon?
            defer {
                daemon?.stop()
                if let daemon { try? FileManager.default.removeItem(atPath: daemon.directory) }
            }
            var environment = pulse ?? [:]
            if pulse == nil {
                daemon = try PulseTestDaemon()
                environment = daemon!.environment
            }
            let player = try HumUISession(HumLaunch(binary: hum, library: database, home: work + "/hum-home",
                                                    outputArguments: [], environment: environment))
            defer { player.close() }
            print("play, pause, then idle for \(seconds) s (hum, PulseAudio\(daemon == nil ? "" : ", private daemon"))")
            try player.playThenPause()
            paused = IdleFigures.measure(player.terminal, seconds: Double(seconds)).map { .value($0) }
                ?? .skipped("hum's CPU time could not be read")
            if let track, let pulse {
                do {
                    print("playing \(track) for \(Int(Self.playingSeconds)) s with hum, then with mpg123")
                    let humCPU = try Self.humPlayingCPU(player, file: track)
                    player.close()
                    let mpg123CPU = try Self.mpg123PlayingCPU(file: track, environment: pulse)
                    playing = .value((humCPU, mpg123CPU, track))
                } catch {
                    playing = .skipped("not measured: \(error)")
                }
            }
        } catch {
            paused = .skipped("not measured: \(error)")
            if pulse != nil { playing = .skipped("not measured: \(error)") }
        }

        // The table.
        print("")
        print("hum-bench ui: \(folder): \(humTracks) tracks (cmus \(cmusHome.tracks)), tmux 200×60, query \"\(query)\", "
              + "hum --output \(pulse == nil ? "null" : "pulse")")
        var table = UITable()
        let cmusLaunch = ScanBench.median(cmusLaunches), humLaunch = ScanBench.median(humLaunches)
        table.add("launch to first full frame (median of \(runs))", hum: Self.ms(humLaunch), cmus: Self.ms(cmusLaunch),
                  ratio: humLaunch / cmusLaunch, target: "≤ 0.5× cmus", met: humLaunch <= 0.5 * cmusLaunch)
        let cmusMedian = ScanBench.median(cmusKeys), humMedian = ScanBench.median(humKeys)
        table.add("keystroke → frame, median (\(humKeys.count) keys)", hum: Self.ms(humMedian), cmus: Self.ms(cmusMedian),
                  ratio: humMedian / cmusMedian, target: "≤ 0.5× cmus", met: humMedian <= 0.5 * cmusMedian)
        let cmusP99 = ScanBench.percentile(cmusKeys, 0.99), humP99 = ScanBench.percentile(humKeys, 0.99)
        table.add("keystroke → frame, p99" + (humKeys.count < 100 ? " (= the slowest)" : ""), hum: Self.ms(humP99),
                  cmus: Self.ms(cmusP99), ratio: humP99 / cmusP99, target: "≤ 0.5× cmus and ≤ 30 ms",
                  met: humP99 <= 0.5 * cmusP99 && humP99 <= 0.030)
        switch floor {
        case .value(let value):
            let floorMedian = ScanBench.median(value.latencies)
            table.add("  the same frames replayed, no work (floor)", hum: Self.ms(floorMedian), cmus: Self.ms(cmusMedian),
                      ratio: floorMedian / cmusMedian, target: "—", met: nil,
                      note: "median \(ScanBench.median(value.sizes.map(Double.init)).formatted()) bytes a key")
        case .skipped(let why):
            table.add("  the same frames replayed, no work (floor)", hum: "—", cmus: "—", ratio: nil, target: "—", met: nil, note: why)
        }
        // Like for like: cmus's own filter as you type, which narrows the whole library at each key as F does
        // (by substrings of its tags and file name, where hum reads words), against the same keys in hum.
        let cmusFilterMedian = ScanBench.median(cmusFilterKeys), cmusFilterP99 = ScanBench.percentile(cmusFilterKeys, 0.99)
        table.add("  against cmus's :live-filter, median", hum: Self.ms(humMedian), cmus: Self.ms(cmusFilterMedian),
                  ratio: humMedian / cmusFilterMedian, target: "—", met: nil)
        table.add("  against cmus's :live-filter, p99", hum: Self.ms(humP99), cmus: Self.ms(cmusFilterP99),
                  ratio: humP99 / cmusFilterP99, target: "—", met: nil)
        let cmusScroll = ScanBench.median(cmusScrolls), humScroll = ScanBench.median(humScrolls)
        table.add("scroll \(Self.scrollRows) rows with j (median of \(runs))", hum: Self.ms(humScroll), cmus: Self.ms(cmusScroll),
                  ratio: humScroll / cmusScroll, target: "≤ 0.5× cmus", met: humScroll <= 0.5 * cmusScroll)
        if let humPeak, let cmusPeak {
            table.add("peak RSS (VmHWM) after the above", hum: Self.mib(humPeak), cmus: Self.mib(cmusPeak),
                      ratio: Double(humPeak) / Double(cmusPeak), target: "≤ cmus", met: humPeak <= cmusPeak)
        } else {
            table.add("peak RSS (VmHWM) after the above", hum: humPeak.map(Self.mib) ?? "?", cmus: cmusPeak.map(Self.mib) ?? "?",
                      ratio: nil, target: "≤ cmus", met: nil)
        }
        // /proc counts CPU in clock ticks (10 ms): "0" is fewer than one tick in the whole window; the
        // wakeups say whether that is luck (see `IdleFigures`), and "met" asks for none of either.
        table.add("idle CPU, nothing playing (\(seconds) s)", hum: humIdle.map(Self.idle) ?? "?", cmus: cmusIdle.map(Self.idle) ?? "?",
                  ratio: nil, target: "0 s and no wakeups", met: humIdle.map(Self.isIdle))
        switch paused {
        case .value(let value):
            table.add("idle CPU, paused after play (\(seconds) s)", hum: Self.idle(value), cmus: "—", ratio: nil,
                      target: "0 s and no wakeups", met: Self.isIdle(value))
        case .skipped(let why):
            table.add("idle CPU, paused after play", hum: "—", cmus: "—", ratio: nil, target: "0", met: nil, note: why)
        }
        switch playing {
        case .value(let value):
            let minutes = Self.playingSeconds / 60
            // Compared in the clock ticks /proc counts in: two differences of tick counts that are equal can
            // differ in the last bit as seconds (0.2 vs 0.20000000000000004), which is no difference.
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            let humTicks = (value.hum * ticks).rounded(), mpg123Ticks = (value.mpg123 * ticks).rounded()
            table.add("playing CPU s per minute of audio", hum: String(format: "%.3f s", value.hum / minutes),
                      cmus: String(format: "%.3f s", value.mpg123 / minutes), ratio: humTicks / max(mpg123Ticks, 0.5),
                      target: "≤ mpg123", met: humTicks <= mpg123Ticks)
        case .skipped(let why):
            table.add("playing CPU s per minute of audio", hum: "—", cmus: "—", ratio: nil, target: "≤ mpg123", met: nil, note: why)
        }
        table.print()
        print("""
            ref.: cmus; for playing CPU, `mpg123 -q -o pulse` on the same file.

            Launch and scroll times run from just before the keys are sent (or the program is spawned) to the end of the \
            first capture showing the expected screen, polled every 10 ms: never early, late by at most ~15 ms. A keystroke \
            is sent through a tmux control client and timed to the arrival of the program's last output before a capture \
            showed the expected screen (sub-millisecond; a key echoed by cat: ~0.3 ms). Keystroke screens are learnt in an \
            untimed reference pass and matched exactly (text, colours, cursor). CPU is utime+stime of the pane's process \
            from /proc, in 10 ms ticks; idle rows add the wakeups (context switches of all threads) per second.
            """)
        if case .value(let value) = playing {
            print("Playing: \(value.file), \(Int(Self.playingSeconds)) s counted from \(Self.playingLeadIn) s after playback "
                  + "started, hum with its interface open on the whole library, `mpg123 -q -o pulse` in the same terminal size.")
        }
    }

    enum Measured<Value> {
        case value(Value)
        case skipped(String)
    }

    // MARK: Preparation

    /// The sound server's variables, if PULSE_SERVER is set: the terminals' environments are exactly
    /// what they are given, so these must be passed on by name.
    static func pulseEnvironment() -> [String: String]? {
        let here = ProcessInfo.processInfo.environment
        guard let server = here["PULSE_SERVER"], !server.isEmpty else { return nil }
        var environment: [String: String] = [:]
        for key in ["PULSE_SERVER", "PULSE_CLIENTCONFIG", "PULSE_COOKIE", "PULSE_SINK", "PULSE_RUNTIME_PATH", "XDG_RUNTIME_DIR"] {
            environment[key] = here[key]
        }
        return environment
    }

    /// The first five letters of the library's most common artist: what a listener starts typing to
    /// find an artist, and a prefix that matches a good part of the library at every step.
    ///
    /// From gen_library.py's manifest.jsonl when the folder has one (the tags as written), else from
    /// hum's library. The most common artist whose name begins with five ASCII letters is taken, so that
    /// the query measures typing and filtering rather than input methods or word splitting (a space or
    /// a non-ASCII letter in five keys); failing that, the most common artist's first five characters.
    static func defaultQuery(folder: String, database: String) throws -> String {
        var artists: [String] = []
        if let rows = try? GeneratedLibrary.manifest(folder) {
            artists = rows.compactMap { $0.expected.artist }
        } else {
            artists = try LibraryStore(path: database).allTracks().compactMap(\.artistLine)
        }
        let counts = Dictionary(artists.filter { !$0.isEmpty }.map { ($0, 1) }, uniquingKeysWith: +)
        let ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        let letters = { (name: String) in name.count >= 5 && name.prefix(5).allSatisfy { $0.isASCII && $0.isLetter } }
        guard let artist = ranked.first(where: letters) ?? ranked.first else {
            throw ValidationError("the library names no artist to type: pass --query")
        }
        return String(artist.prefix(5))
    }

    /// An MP3 to play for the playing measurement: the first (by path) in hum's library that lasts long
    /// enough for the window and whose path needs no care on hum's command line; failing that, 70 s of
    /// hum-bench's synthetic music (`Signals.music`, the `pulse` benchmark's signal; lame at 192 kb/s CBR)
    /// made in the work directory and scanned into hum's library, so that both players play the same
    /// file and hum plays it as a library track.
    static func playableMP3(database: String, folder: String, work: String, hum: String) throws -> String {
        let needed = playingLeadIn + playingSeconds + 2
        let tracks = try LibraryStore(path: database).allTracks()
        if let found = tracks.filter({ track in
            track.format == "mpeg" && track.path.lowercased().hasSuffix(".mp3") && (track.duration ?? 0) >= needed
                && track.path.hasPrefix(folder + "/") && !track.path.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "\\" })
        }).map(\.path).sorted().first {
            return found
        }
        let made = work + "/play-audio"
        let mp3 = made + "/hum-bench-70s.mp3"
        if !FileManager.default.fileExists(atPath: mp3) {
            try FileManager.default.createDirectory(atPath: made, withIntermediateDirectories: true)
            let wav = work + "/hum-bench-70s.wav"
            defer { try? FileManager.default.removeItem(atPath: wav) }
            try Signals.music(seconds: 70).write16(to: wav)
            try ChildProcess.shell("lame --quiet -b 192 --tt 'hum-bench 70 s' --ta 'hum-bench' '\(wav)' '\(mp3)'", timeout: 120)
        }
        let scan = try ChildProcess.run(hum, ["scan", "--library", database, made], timeout: 120)
        guard scan.succeeded else { throw ValidationError("hum scan \(made) failed: \(scan.stderr)") }
        return mp3
    }

    // MARK: Playing

    /// CPU seconds hum uses over `playingSeconds` of playing `file`, counted from `playingLeadIn` after
    /// its now-playing bar first shows it playing.
    static func humPlayingCPU(_ session: HumUISession, file: String) throws -> Double {
        let started = try session.play(path: file)
        Thread.sleep(until: started.addingTimeInterval(playingLeadIn))
        guard let before = session.cpuSeconds() else { throw ValidationError("hum exited while playing") }
        Thread.sleep(until: started.addingTimeInterval(playingLeadIn + playingSeconds))
        guard let after = session.cpuSeconds(), try session.isPlaying() else {
            throw ValidationError("hum stopped playing \(file) before the \(Int(playingSeconds)) s were over")
        }
        return after - before
    }

    /// CPU seconds `mpg123 -q -o pulse FILE` uses over the same window, counted from `playingLeadIn`
    /// after it was spawned (it starts playing within milliseconds), in a terminal of the same size.
    static func mpg123PlayingCPU(file: String, environment: [String: String]) throws -> Double {
        let terminal = try TmuxSession(["mpg123", "-q", "-o", "pulse", file], rows: 60, columns: 200, environment: environment)
        defer { terminal.kill() }
        Thread.sleep(until: terminal.launchedAt.addingTimeInterval(playingLeadIn))
        guard let before = terminal.cpuSeconds() else {
            throw ValidationError("mpg123 exited at once: \((try? terminal.capture()) ?? "")")
        }
        Thread.sleep(until: terminal.launchedAt.addingTimeInterval(playingLeadIn + playingSeconds))
        guard let after = terminal.cpuSeconds() else {
            throw ValidationError("mpg123 stopped before the \(Int(playingSeconds)) s were over: \((try? terminal.capture()) ?? "")")
        }
        return after - before
    }

    // MARK: Printing

    /// Milliseconds, with two decimals below 10 ms (keystrokes are fractions of one).
    static func ms(_ seconds: Double) -> String { String(format: seconds < 0.01 ? "%.2f ms" : "%.1f ms", seconds * 1000) }
    static func mib(_ kib: Int) -> String { String(format: "%.1f MiB", Double(kib) / 1024) }
    static func idle(_ figures: IdleFigures) -> String {
        String(format: "%.2f s, %.1f/s", figures.cpuSeconds, figures.switchesPerSecond)
    }
    static func isIdle(_ figures: IdleFigures) -> Bool { figures.cpuSeconds < 0.005 && figures.switches == 0 }
    static func list(_ values: [Double]) -> String { values.map { String(format: $0 < 0.01 ? "%.2f" : "%.1f", $0 * 1000) }.joined(separator: " ") + " ms" }
}

/// The printed result: one figure a row, hum's and the reference's, their ratio, the target and whether
/// it is met.
struct UITable {
    struct Row {
        var figure: String
        var hum: String
        var cmus: String
        var ratio: Double?
        var target: String
        var met: Bool?
        var note: String?
    }

    var rows: [Row] = []

    mutating func add(_ figure: String, hum: String, cmus: String, ratio: Double?, target: String, met: Bool?,
                      note: String? = nil) {
        rows.append(Row(figure: figure, hum: hum, cmus: cmus, ratio: ratio, target: target, met: met, note: note))
    }

    func print() {
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count + 1), withPad: " ", startingAt: 0) }
        Swift.print(pad("figure", 46) + pad("hum", 18) + pad("ref.", 18) + pad("hum/ref.", 10) + pad("target", 28) + "verdict")
        for row in rows {
            // A row without a target is a figure to read beside the others, not an unmeasured one.
            let verdict = row.met.map { $0 ? "met" : "NOT MET" } ?? (row.target == "—" && row.ratio != nil ? "(figure)" : "not measured")
            Swift.print(pad(row.figure, 46) + pad(row.hum, 18) + pad(row.cmus, 18)
                        + pad(row.ratio.map { String(format: "%.2f×", $0) } ?? "", 10) + pad(row.target, 28) + verdict
                        + (row.note.map { ": " + $0 } ?? ""))
        }
    }
}
