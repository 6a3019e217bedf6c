import ArgumentParser
import AudioAnalysis
import Foundation
import HumTestSupport
import LibraryAnalysis
import MusicCore
import Recommender

/// The recommender's own evaluation: real audio with controlled traits, analysed by hum, and simulated
/// listeners with hidden tastes driving `hum lab`, smart shuffle against plain shuffle.
struct RecommendBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Smart shuffle against plain shuffle with simulated listeners, analysis accuracy and speed, ranking speed.",
        discussion: """
            1. Generates a library whose audio has controlled traits (tempo from clicks, brightness from low-passed noise, loudness from gain, mode from chords), scans and analyses it with hum, and checks what the analysis heard against what was generated.
            2. Times the analysis of MP3s (44.1 kHz stereo, decoding included) on one core, against `mpg123 -t` decoding alone. Target ≥ 100× real time.
            3. Drives `hum lab` with simulated listeners (hidden tastes over the traits, artists and time of day, drifting; a logistic skip rule with early and late skips): each listener hears --events picks by smart shuffle and, from a fresh copy of the library, by plain shuffle. Targets: smart's skip rate ≥ 40% below shuffle's over events 100–300, ≥ 15% below over the first 30. Listeners whose skips follow one factor: the top reason of each smart pick from the 100th on (exploration aside) names it ≥ 80% of the time.
            4. Times ranking a 100,000-track catalog (target p99 ≤ 20 ms), one explanation (≤ 1 ms) and one update (≤ 1 ms p99).
            """)

    @Option(help: "Listeners with random tastes.")
    var listeners = 20
    @Option(help: "Listeners whose skips follow one factor alone (spread over tempo, brightness, loudness, mode).")
    var dominantListeners = 8
    @Option(help: "Picks per listener and mode.")
    var events = 300
    @Option(help: "Artists in the generated library (10 tracks each).")
    var artists = 40
    @Option(help: "Seconds per generated track.")
    var seconds = 36.0
    @Option(help: "Where the library and the copies go (default: a temporary folder). A library already there is reused.")
    var workDirectory: String?
    @Option(help: "Random seed of the whole run.")
    var seed: UInt64 = 11
    @Flag(help: "Only time ranking, explanations and updates (part 4).")
    var speedOnly = false

    func run() throws {
        if speedOnly { return rankingSpeed() }
        let hum = try HumBinary.path()
        let work = workDirectory ?? NSTemporaryDirectory() + "hum-recommend-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        print("work directory: \(work)")

        // 1. The library, analysed.
        var clock = Date()
        let library = try TraitLibrary.generate(in: work + "/library", artists: artists, perArtist: 10,
                                                seconds: seconds, seed: seed)
        print(String(format: "generated %d tracks of %.0f s in %.1f s", library.tracks.count, seconds, -clock.timeIntervalSinceNow))
        let base = work + "/base.sqlite"
        _ = try ChildProcess.run(hum, ["scan", "--library", base, work + "/library"], timeout: 600)
        clock = Date()
        let analysed = try ChildProcess.run(hum, ["analyze", "--library", base], timeout: 3600)
        print("hum analyze: \(analysed.stdout.trimmingCharacters(in: .newlines)) (wall \(String(format: "%.1f", -clock.timeIntervalSinceNow)) s)")
        try analysisAccuracy(library)

        // 2. Speed on MP3.
        try mp3Speed(library, work: work)

        // 3. Listeners.
        try simulate(library, hum: hum, base: base, work: work)

        // 4. Ranking speed.
        rankingSpeed()
    }

    /// What the analysis heard against what was generated.
    private func analysisAccuracy(_ library: TraitLibrary) throws {
        var tempoRight = 0, octaveErrors = 0, modeRight = 0
        var energyByGain: [(Double, Double)] = [], brightnessByCutoff: [(Double, Double)] = []
        for track in library.tracks {
            let features = try LibraryAnalyzer.analyse(path: track.path)
            let ratio = features.tempo / track.bpm
            if abs(ratio - 1) <= 0.02 { tempoRight += 1 } else if [0.5, 2, 1.0 / 3, 3, 2.0 / 3, 1.5].contains(where: { abs(ratio / $0 - 1) <= 0.02 }) { octaveErrors += 1 }
            if (features.mode == .minor) == track.minor { modeRight += 1 }
            energyByGain.append((track.gainDB, features.traits.energy))
            brightnessByCutoff.append((log(track.cutoffHz), features.traits.brightness))
        }
        let n = Double(library.tracks.count)
        print(String(format: "analysis vs generated: tempo within 2%% %.0f%%, octave (or 3:2) errors %.0f%%; mode right %.0f%%; "
                     + "energy~gain r=%.2f; brightness~log(cutoff) r=%.2f",
                     100 * Double(tempoRight) / n, 100 * Double(octaveErrors) / n, 100 * Double(modeRight) / n,
                     Self.correlation(energyByGain), Self.correlation(brightnessByCutoff)))
    }

    private func mp3Speed(_ library: TraitLibrary, work: String) throws {
        let folder = work + "/mp3"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var files: [String] = []
        for track in library.tracks.prefix(8) {
            let mp3 = folder + "/" + ((track.path as NSString).lastPathComponent as NSString).deletingPathExtension + ".mp3"
            if !FileManager.default.fileExists(atPath: mp3) {
                _ = try ChildProcess.run("sox", [track.path, "-r", "44100", "-c", "2", "-C", "192", mp3], timeout: 120)
            }
            files.append(mp3)
        }
        let audioSeconds = Double(files.count) * seconds
        var best = Double.infinity
        for _ in 0..<3 {
            let started = Date()
            for file in files { _ = try LibraryAnalyzer.analyse(path: file) }
            best = min(best, -started.timeIntervalSinceNow)
        }
        var decodeBest = Double.infinity
        for _ in 0..<3 {
            let started = Date()
            for file in files { _ = try ChildProcess.run("mpg123", ["-q", "-t", file], timeout: 120) }
            decodeBest = min(decodeBest, -started.timeIntervalSinceNow)
        }
        let speed = audioSeconds / best
        print(String(format: "analysis of MP3 (44.1 kHz stereo, 192 kbit/s), one core, decoding included: %.0f× real time "
                     + "(%.2f s for %.0f s of audio; mpg123 -t alone decodes at %.0f×) — target ≥ 100×: %@",
                     speed, best, audioSeconds, audioSeconds / decodeBest, speed >= 100 ? "met" : "NOT MET"))
    }

    /// Skip flags of one listener's session with one mode, and the top reasons of its dominant-factor check.
    struct Run: Sendable {
        var skips: [Bool] = []
        var distinctTracks = 0
        /// The top reasons that did not name the factor, by feature.
        var otherTopReasons: [String: Int] = [:]
        var topReasonsNamingFactor = 0
        var topReasonsAsked = 0
    }

    private func simulate(_ library: TraitLibrary, hum: String, base: String, work: String) throws {
        let random = (0..<listeners).map { SimulatedListener(index: $0, library: library, seed: seed) }
        let dominant = (0..<dominantListeners).map {
            SimulatedListener(index: 1000 + $0, library: library, dominantFactor: $0 % 4, seed: seed)
        }
        let everyone = random + dominant
        let jobs = everyone.indices.flatMap { listener in ["smart", "shuffle"].map { (listener, $0) } }
        let results = ResultBox(count: jobs.count)
        let started = Date()
        let events = self.events, runSeed = self.seed, seconds = self.seconds
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            let (listener, mode) = jobs[index]
            do {
                let run = try Self.session(listener: everyone[listener], mode: mode, library: library, hum: hum,
                                           base: base, copy: work + "/listener-\(listener)-\(mode).sqlite",
                                           events: events, seconds: seconds, seed: runSeed &+ UInt64(listener))
                results.set(index, run)
            } catch {
                results.fail("\(everyone[listener].name), \(mode): \(error)")
            }
        }
        if let failure = results.failure { throw ValidationError(failure) }
        print(String(format: "simulated %d listeners × 2 modes × %d picks in %.0f s", everyone.count, events, -started.timeIntervalSinceNow))

        func rate(_ run: Run, _ range: Range<Int>) -> Double {
            let window = run.skips[range.clamped(to: 0..<run.skips.count)]
            return window.isEmpty ? 0 : Double(window.filter { $0 }.count) / Double(window.count)
        }
        print("\nlistener                          shuffle 0–30  smart 0–30  shuffle 100–300  smart 100–300")
        var early: [(Double, Double)] = [], late: [(Double, Double)] = []
        for (listener, person) in everyone.enumerated() {
            let smart = results.get(jobs.firstIndex { $0 == (listener, "smart") }!)
            let shuffle = results.get(jobs.firstIndex { $0 == (listener, "shuffle") }!)
            let row = (rate(shuffle, 0..<30), rate(smart, 0..<30), rate(shuffle, 100..<events), rate(smart, 100..<events))
            print(person.name.padding(toLength: 34, withPad: " ", startingAt: 0)
                  + String(format: "%11.0f%% %10.0f%% %15.0f%% %13.0f%%   (%d different tracks)", row.0 * 100, row.1 * 100,
                           row.2 * 100, row.3 * 100, smart.distinctTracks)
                  + (smart.topReasonsAsked > 0 ? String(format: ", top reason names its factor %.0f%%",
                                                        100 * Double(smart.topReasonsNamingFactor) / Double(smart.topReasonsAsked)) : ""))
            if person.dominantFactor == nil {
                early.append((row.0, row.1))
                late.append((row.2, row.3))
            }
        }
        for (label, pairs, target) in [("first 30 picks", early, 0.15), ("picks 100–300", late, 0.40)] {
            let shuffle = pairs.map(\.0), smart = pairs.map(\.1)
            let reductions = pairs.map { $0.0 > 0 ? 1 - $0.1 / $0.0 : 0 }
            let reduction = 1 - Self.mean(smart) / max(Self.mean(shuffle), 1e-9)
            print(String(format: "%@ (%d listeners): shuffle skips %.1f%% ± %.1f, smart %.1f%% ± %.1f; smart skips %.0f%% less "
                         + "(per listener %.0f%% ± %.0f) — target ≥ %.0f%% less: %@",
                         label as NSString, pairs.count, Self.mean(shuffle) * 100, Self.spread(shuffle) * 100,
                         Self.mean(smart) * 100, Self.spread(smart) * 100, reduction * 100,
                         Self.mean(reductions) * 100, Self.spread(reductions) * 100, target * 100,
                         reduction >= target ? "met" : "NOT MET"))
        }
        let asked = everyone.indices.filter { everyone[$0].dominantFactor != nil }
            .map { listener in results.get(jobs.firstIndex { $0 == (listener, "smart") }!) }
        let named = asked.reduce(0) { $0 + $1.topReasonsNamingFactor }, total = asked.reduce(0) { $0 + $1.topReasonsAsked }
        var others: [String: Int] = [:]
        for run in asked { others.merge(run.otherTopReasons, uniquingKeysWith: +) }
        if total > 0 {
            print("  when it did not, the top reason was: "
                  + others.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            print(String(format: "one dominant factor: the top reason (exploration aside) of smart picks 100–300 names it for %d of %d (%.0f%%) — target ≥ 80%%: %@",
                         named, total, 100 * Double(named) / Double(total),
                         Double(named) >= 0.8 * Double(total) ? "met" : "NOT MET"))
        }
    }

    /// The feature names that speak of a generated factor.
    static let factorFeatures = ["tempo": "tempo", "brightness": "brightness", "loudness": "energy", "mode": "mode"]

    static func session(listener: SimulatedListener, mode: String, library: TraitLibrary, hum: String, base: String,
                        copy: String, events: Int, seconds: Double, seed: UInt64) throws -> Run {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: copy + suffix)
            if FileManager.default.fileExists(atPath: base + suffix) {
                try FileManager.default.copyItem(atPath: base + suffix, toPath: copy + suffix)
            }
        }
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) } }
        var person = listener
        var played = Set<String>()
        var random = SeededGenerator(seed: seed &* 31 &+ (mode == "smart" ? 1 : 2))
        let byPath = Dictionary(uniqueKeysWithValues: library.tracks.map { ($0.path, $0) })
        let lab = try LabDriver(hum: hum, library: copy, seed: seed)
        defer { lab.finish() }
        // 2026-11-02 07:00 UTC, a Monday; sessions of 15 picks, 3 to 20 hours apart.
        var now = 1_793_602_800.0
        var run = Run()
        for event in 0..<events {
            if event > 0, event % 15 == 0 { now += 3600 * (3 + 17 * random.unit()) }
            let answer = try lab.request(["op": "next", "mode": mode, "at": LabDriver.instant(now)])
            guard let path = answer["track"] as? String, let track = byPath[path] else {
                throw ValidationError("hum lab picked something not generated: \(answer)")
            }
            if let factor = listener.dominantFactor, mode == "smart", event >= 100 {
                let name = factorFeatures[TraitLibrary.Track.factorNames[factor]]!
                let reasons = (answer["reasons"] as? [[String: Any]] ?? []).filter { $0["feature"] as? String != "exploration" }
                let top = reasons.first?["feature"] as? String ?? ""
                run.topReasonsAsked += 1
                if top == name || top.hasSuffix("_" + name) {
                    run.topReasonsNamingFactor += 1
                } else {
                    run.otherTopReasons[top, default: 0] += 1
                }
            }
            let hour = Int((now.truncatingRemainder(dividingBy: 86_400)) / 3600)
            let reaction = person.react(to: track, hour: hour, at: now, seconds: seconds, using: &random)
            played.insert(path)
            run.skips.append(reaction.skipped)
            now += reaction.position
            _ = try lab.request(["op": "feedback", "track": path, "event": reaction.event == "dislike" ? "skip" : reaction.event,
                                 "position_s": reaction.position, "at": LabDriver.instant(now)])
            if reaction.event == "dislike" {
                _ = try lab.request(["op": "feedback", "track": path, "event": "dislike", "at": LabDriver.instant(now)])
            }
            now += 2
        }
        run.distinctTracks = played.count
        return run
    }

    private func rankingSpeed() {
        var random = SeededRandom(seed: 5)
        let tracks = (0..<100_000).map { index in
            CatalogTrack(id: Int64(index + 1), title: "t\(index)", artist: "artist \(index % 5000)", album: "album \(index % 10_000)",
                         genre: "genre \(index % 40)", traits: (0..<Catalog.traitCount).map { _ in Double.random(in: 0...1, using: &random) },
                         timbre: (0..<Catalog.timbreCount).map { _ in Double.random(in: -1...1, using: &random) })
        }
        let catalog = Catalog(tracks)
        var model = TasteModel(catalog: catalog)
        var at = 1_793_602_800.0
        // A history of 5,000 listens first, so the state has tallies to look up.
        var updates: [Double] = []
        for step in 0..<5000 {
            let context = ListeningContext(at: at, utcOffsetMinutes: 0, previousTrackID: Int64(step % 100_000 + 1))
            let feedback = Feedback(trackID: Int64.random(in: 1...100_000, using: &random),
                                    kind: [.complete, .skip, .earlySkip, .like][step % 4], context: context)
            let started = DispatchTime.now().uptimeNanoseconds
            model.learn(feedback)
            updates.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
            at += 200
        }
        var ranks: [Double] = [], explains: [Double] = [], suggestions: [Double] = []
        for _ in 0..<100 {
            let context = ListeningContext(at: at, utcOffsetMinutes: 0, previousTrackID: 77)
            var started = DispatchTime.now().uptimeNanoseconds
            let pick = model.pick(mode: .smart, context: context, using: &random)!
            ranks.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
            started = DispatchTime.now().uptimeNanoseconds
            _ = model.explain(trackID: pick.trackID, context: context)
            explains.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
            started = DispatchTime.now().uptimeNanoseconds
            _ = model.suggestions(count: 3, context: context)
            suggestions.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
            at += 200
        }
        let rankP99 = ScanBench.percentile(ranks, 0.99), explainP99 = ScanBench.percentile(explains, 0.99)
        let updateP99 = ScanBench.percentile(updates, 0.99)
        print(String(format: "\nranking 100,000 tracks for one pick: median %.1f ms, p99 %.1f ms — target ≤ 20 ms: %@", ScanBench.percentile(ranks, 0.5), rankP99, rankP99 <= 20 ? "met" : "NOT MET"))
        print(String(format: "\"up next\" (3 suggestions, distinct artists) over 100,000 tracks: median %.1f ms, p99 %.1f ms — target ≤ 20 ms: %@", ScanBench.percentile(suggestions, 0.5), ScanBench.percentile(suggestions, 0.99), ScanBench.percentile(suggestions, 0.99) <= 20 ? "met" : "NOT MET"))
        print(String(format: "one explanation: median %.3f ms, p99 %.3f ms — target ≤ 1 ms: %@", ScanBench.percentile(explains, 0.5), explainP99, explainP99 <= 1 ? "met" : "NOT MET"))
        print(String(format: "one model update: median %.3f ms, p99 %.3f ms — target ≤ 1 ms: %@", ScanBench.percentile(updates, 0.5), updateP99, updateP99 <= 1 ? "met" : "NOT MET"))
    }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
    static func spread(_ values: [Double]) -> Double {
        let m = mean(values)
        return values.count < 2 ? 0 : (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }
    static func correlation(_ pairs: [(Double, Double)]) -> Double {
        let xs = pairs.map(\.0), ys = pairs.map(\.1)
        let mx = mean(xs), my = mean(ys)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (x, y) in pairs { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx); syy += (y - my) * (y - my) }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }
}

/// Results filled in by concurrent sessions.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var runs: [RecommendBench.Run]
    private(set) var failure: String?
    init(count: Int) { runs = Array(repeating: RecommendBench.Run(), count: count) }
    func set(_ index: Int, _ run: RecommendBench.Run) { lock.withLock { runs[index] = run } }
    func get(_ index: Int) -> RecommendBench.Run { lock.withLock { runs[index] } }
    func fail(_ message: String) { lock.withLock { if failure == nil { failure = message } } }
}
