import ArgumentParser
import Foundation
import LibraryAnalysis
import MusicCore
import MusicLibrary
import Recommender
import Taste

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse the library's audio for the taste model: loudness, tempo, timbre, key, traits.",
        discussion: """
            Decodes every track that has no analysis yet (or an older one) and measures its EBU R128 loudness and loudness range, tempo and beat strength, spectral centroid, rolloff and flatness, zero-crossing rate, 13 MFCCs, chroma and key, and five traits (energy, brightness, tempo feel, danceability, acousticness). Results are stored in the library as they are made, so an interrupted run goes on where it stopped. Runs at low priority (nice 10) on every core unless --threads says otherwise.
            """)

    @OptionGroup var library: LibraryOptions

    @Option(help: "Analysis threads (default: the number of cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .shortAndLong, help: "List every file that failed, with the reason.")
    var verbose = false

    func run() throws {
        let store = try library.open()
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        let interactive = isatty(STDERR_FILENO) == 1
        let started = Date()
        let report: LibraryAnalyzer.Report
        do {
            report = try LibraryAnalyzer().run(store: store, threads: max(threads, 1)) { done, total in
                guard interactive else { return }
                let elapsed = Date().timeIntervalSince(started)
                let rate = elapsed > 0 ? Double(done) / elapsed : 0
                writeErr(ProgressBar().line(done: done, total: total, unit: "tracks", rate: rate,
                                            remaining: rate > 0 ? Double(total - done) / rate : nil))
            }
        } catch {
            if interactive { writeErr("\r\u{1B}[K") }
            printError("\(error)")
            throw ExitCode.failure
        }
        if interactive { writeErr("\r\u{1B}[K") }
        let seconds = Date().timeIntervalSince(started)
        let progress = try store.analysisProgress(version: AudioFeatures.currentVersion)
        writeOut("analysed \(report.analysed) tracks (\(TimeText.seconds(report.audioSeconds)) of audio) in "
                 + "\(TimeText.seconds(seconds)), \(report.failed.count) failed; "
                 + "\(progress.analysed) of \(progress.tracks) tracks analysed\n")
        if verbose {
            for failure in report.failed { writeOut("failed: \(failure.path): \(failure.reason)\n") }
        } else if !report.failed.isEmpty {
            printError("\(report.failed.count) files could not be analysed; --verbose lists them")
        }
    }
}

struct Why: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say why hum would pick a track: each feature's signed share of the taste model's score.",
        discussion: """
            The score is the taste model's log-odds that you let the track play; it is exactly the baseline plus the contributions listed. With --current, the track playing now or last played. The picks hum made of the track are listed with the reasons it gave then. The interface's "why" panel (w) and `hum lab` give the same reasons for the same state.
            """)

    @OptionGroup var library: LibraryOptions

    @Argument(help: "A track's file path, or its id in the library.")
    var track: String?

    @Flag(help: "The track playing now, or the one played last.")
    var current = false

    @Flag(help: "Print JSON (the same shape as `hum lab`'s answers) instead of sentences.")
    var json = false

    @Option(help: "Explain as at this time (ISO 8601, e.g. 2026-11-21T22:15:00Z; default: now).")
    var at: String?

    @Option(help: "How many reasons to print.")
    var count = 5

    func validate() throws {
        if (track == nil) == !current { throw ValidationError("give a track, or --current") }
    }

    func run() throws {
        let store = try library.open()
        let service = try TasteService(store: store)
        let id: Int64
        if current {
            guard let last = try store.listens().last else {
                printError("nothing has played yet: give a track")
                throw ExitCode.failure
            }
            id = last.trackID
        } else if let found = try LabSession.resolve(track ?? "", in: service) {
            id = found
        } else {
            printError("\(track ?? ""): not in the library")
            throw ExitCode.failure
        }
        var when = Date().timeIntervalSince1970
        if let at {
            guard let parsed = LabSession.parseInstant(at) else { throw ValidationError("--at \(at): not an ISO 8601 time") }
            when = parsed
        }
        let context = ListeningContext(at: when, utcOffsetMinutes: TimeZone.current.secondsFromGMT() / 60,
                                       previousTrackID: nil)
        guard let explanation = service.model.explain(trackID: id, context: context),
              let track = try service.track(id: id) else { throw ExitCode.failure }
        if json {
            writeOut(LabSession.encode(LabSession.answer(explanation, path: track.path, count: count)) + "\n")
            return
        }
        for line in explanation.lines(title: "\(track.title) — \(track.artist)", count: count) { writeOut(line + "\n") }
        if track.features == nil { writeOut("(not analysed yet: `hum analyze` lets hum hear it)\n") }
        for pick in try store.picks(trackID: id).suffix(3) {
            let date = Date(timeIntervalSince1970: pick.at).formatted(.iso8601)
            writeOut("picked \(date) (\(pick.mode)): \(pick.reasonsJSON)\n")
        }
    }
}

struct Lab: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Let another program be the listener: JSON lines on stdin, one answer line each on stdout.",
        discussion: """
            Requests (one JSON object per line; docs/lab-protocol.md has the whole protocol):
              {"op":"next","at":"2026-11-21T08:15:00Z","mode":"smart"}      mode: smart, shuffle or radio (with "seed": a path)
              {"op":"feedback","track":"/abs/path.mp3","event":"complete","position_s":12.5,"at":"…"}
                                                                         event: complete, skip, like, dislike, unlike,
                                                                         more_like_this, less_like_this, not_at_this_hour
              {"op":"why","track":"/abs/path.mp3","at":"…"}
            Feedback is written to the library's listening log and learned from there, as in the player. A line that cannot be read gets {"error":"…"} and the session goes on.
            """)

    @OptionGroup var library: LibraryOptions

    @Option(help: "Seed of the random choices (Thompson sampling, shuffle), so a session can be replayed.")
    var seed: UInt64 = 1

    @Option(help: "Exploration: 0 never explores, 1 samples the model's uncertainty as it is.")
    var exploration = 1.0

    @Option(help: "The listener's offset from UTC in minutes, for the hour and weekday of each time given.")
    var utcOffsetMinutes = 0

    func run() throws {
        let store = try library.open()
        let session = try LabSession(store: store, seed: seed, rules: PickRules(exploration: exploration),
                                     utcOffsetMinutes: utcOffsetMinutes)
        while let line = readLine(strippingNewline: true) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            writeOut(session.handle(line) + "\n")
        }
        try session.finish()
    }
}

struct TasteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taste",
        abstract: "Show the taste model's weights, or reset it.",
        discussion: """
            The model is learned from your listening log only. `hum taste reset` forgets what it learned and starts from nothing (the log stays); `hum taste reset --relearn` relearns it from the whole log. `hum forget` also drops the model, which is then relearned from what remains.
            """)

    @OptionGroup var library: LibraryOptions

    @Argument(help: "show (default) or reset.")
    var action: String = "show"

    @Flag(help: "With reset: relearn from the whole listening log.")
    var relearn = false

    func run() throws {
        let store = try library.open()
        let service = try TasteService(store: store)
        switch action {
        case "show":
            let model = service.model
            writeOut("learned from \(model.state.examples) examples; \(service.analysedCount) of \(service.catalog.count) tracks analysed\n")
            writeOut(String(format: "baseline %+.3f\n", model.state.bias))
            for feature in TasteFeature.all {
                let weight = model.weight(of: feature)
                writeOut(String(format: "%-26@ %+.3f%@\n", feature.name as NSString, weight,
                                feature.isLearned ? "" : "  (fixed)"))
            }
            try service.saveIfChanged()
        case "reset":
            try service.reset(relearn: relearn)
            writeOut(relearn ? "taste model relearned from \(service.model.state.examples) examples\n"
                             : "taste model reset: it starts from nothing\n")
        default:
            throw ValidationError("\(action): say show or reset")
        }
    }
}
