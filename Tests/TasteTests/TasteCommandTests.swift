import Foundation
import HumTestSupport
import LibraryAnalysis
import MusicLibrary
import Testing

/// Runs the real `hum` binary.
func hum(_ arguments: [String], stdin: String? = nil, timeout: Double = 300) async throws -> ChildProcess.Result {
    try await ChildProcess.run(Repository.humBinary, arguments, stdin: stdin.map { Data($0.utf8) }, timeout: timeout)
}

func json(_ line: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
}

/// The generated library with controlled traits, scanned and analysed by the real binary: made once.
actor AnalysedLibrary {
    static let shared = AnalysedLibrary()
    private var made: (library: TraitLibrary, database: String)?

    func get() async throws -> (library: TraitLibrary, database: String) {
        if let made { return made }
        let folder = Fixtures.scratchDirectory("taste")
        let library = try await offPool {
            try TraitLibrary.generate(in: folder + "/music", artists: 6, perArtist: 2, seconds: 36, seed: 3)
        }
        let database = folder + "/hum.sqlite"
        let scan = try await hum(["scan", "--library", database, folder + "/music"])
        #expect(scan.succeeded, "\(scan.stderr)")
        let analyze = try await hum(["analyze", "--library", database, "--threads", "2"])
        #expect(analyze.succeeded, "\(analyze.stderr)")
        #expect(analyze.stdout.contains("12 of 12 tracks analysed"), "\(analyze.stdout)")
        made = (library, database)
        return (library, database)
    }
}

/// Copies the analysed library so a test can change it alone.
func copyOfAnalysedLibrary(_ label: String) async throws -> (library: TraitLibrary, database: String) {
    let (library, database) = try await AnalysedLibrary.shared.get()
    let copy = Fixtures.scratchDirectory(label) + "/hum.sqlite"
    for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: database + suffix) {
        try FileManager.default.copyItem(atPath: database + suffix, toPath: copy + suffix)
    }
    return (library, copy)
}

@Suite("hum analyze, lab, why and taste on a real library of generated audio")
struct TasteCommandTests {
    @Test("hum analyze stores every track's features once: a second run analyses nothing")
    func analyseIsIncremental() async throws {
        let (library, database) = try await copyOfAnalysedLibrary("analyse-again")
        let again = try await hum(["analyze", "--library", database])
        #expect(again.stdout.hasPrefix("analysed 0 tracks"), "\(again.stdout)")
        let store = try LibraryStore(path: database)
        var close = 0
        for (index, track) in try store.analysedTracks().enumerated() {
            let stored = try #require(track.features)
            // What is stored is what the analysis of the file says (it is deterministic)…
            if index < 2 { #expect(stored == (try LibraryAnalyzer.analyse(path: track.path))) }
            // …and it heard the generated tempo.
            let generated = try #require(library.tracks.first { $0.path == track.path })
            if abs(stored.tempo / generated.bpm - 1) < 0.02 { close += 1 } else {
                print("tempo \(stored.tempo) for \(generated.bpm) BPM, cutoff \(generated.cutoffHz) Hz, gain \(generated.gainDB) dB: \(track.path)")
            }
        }
        #expect(close >= 10, "only \(close) of 12 tempos within 2% of the generated click track")
    }

    @Test("The analysed tracks read a page at a time are the same tracks, in the same order, whatever the page size")
    func analysedTracksInPages() async throws {
        let (_, database) = try await copyOfAnalysedLibrary("pages")
        let store = try LibraryStore(path: database)
        let whole = try store.analysedTracks()
        #expect(whole.count == 12)
        for pageSize in [1, 5, 12, 13] {
            var paged: [AnalysedTrack] = []
            try store.forEachAnalysedTrack(pageSize: pageSize) { paged.append($0) }
            #expect(paged.map(\.id) == whole.map(\.id), "page size \(pageSize)")
            #expect(paged.map(\.features) == whole.map(\.features), "page size \(pageSize)")
        }
    }

    @Test("lab answers next, feedback and why; hum why gives the same reasons; the picks are kept with them")
    func labAndWhyAgree() async throws {
        let (library, database) = try await copyOfAnalysedLibrary("lab")
        let track = library.tracks[3]
        var requests = [#"{"op":"next","at":"2026-11-21T08:15:00Z","mode":"smart"}"#]
        for (index, other) in library.tracks.prefix(6).enumerated() {
            let event = index % 2 == 0 ? "complete" : "skip"
            requests.append(#"{"op":"feedback","track":"\#(other.path)","event":"\#(event)","position_s":\#(index % 2 == 0 ? 12 : 3),"at":"2026-11-21T08:\#(20 + index):00Z"}"#)
        }
        requests += [#"{"op":"why","track":"\#(track.path)","at":"2026-11-21T09:00:00Z"}"#,
                     #"{"op":"next","at":"2026-11-21T09:01:00Z","mode":"shuffle"}"#,
                     "this is not json",
                     #"{"op":"feedback","track":"/nowhere.mp3","event":"skip","at":"2026-11-21T09:02:00Z"}"#]
        let lab = try await hum(["lab", "--library", database], stdin: requests.joined(separator: "\n") + "\n")
        #expect(lab.succeeded, "\(lab.stderr)")
        let answers = lab.stdout.split(separator: "\n").map(String.init)
        #expect(answers.count == requests.count)
        let first = try json(answers[0])
        #expect((first["track"] as? String).map { path in library.tracks.contains { $0.path == path } } == true)
        let reasons = try #require(first["reasons"] as? [[String: Any]])
        let score = try #require(first["score"] as? Double), baseline = try #require(first["baseline"] as? Double)
        #expect(!reasons.isEmpty)
        // The shown reasons are the largest; with few examples, all of them fit in five.
        if reasons.count < 5 {
            #expect(abs(baseline + reasons.reduce(0) { $0 + ($1["contribution"] as? Double ?? 0) } - score) < 1e-9)
        }
        for answer in answers[1...6] { #expect(answer == #"{"ok":true}"#) }
        let why = try json(answers[7])
        #expect(try json(answers[8])["mode"] as? String == "shuffle")
        #expect(try json(answers[9])["error"] as? String != nil)
        #expect((try json(answers[10])["error"] as? String)?.contains("track") == true)

        // hum why, at the same time, on the same state: the same answer.
        let cli = try await hum(["why", "--library", database, track.path, "--json", "--at", "2026-11-21T09:00:00Z"])
        #expect(cli.succeeded, "\(cli.stderr)")
        let fromCLI = try json(cli.stdout.trimmingCharacters(in: .newlines))
        #expect(NSDictionary(dictionary: fromCLI).isEqual(to: why), "lab: \(why)\nwhy: \(fromCLI)")
        let learned = try #require(fromCLI["reasons"] as? [[String: Any]]).map { $0["feature"] as? String ?? "" }
        #expect(learned.contains { $0 != "library_centre" }, "six listens taught nothing: \(learned)")

        let store = try LibraryStore(path: database)
        let picks = try store.picks()
        #expect(picks.map(\.mode) == ["smart", "shuffle"])
        #expect(picks[0].reasonsJSON.contains("\"feature\""))
        let sentences = try await hum(["why", "--library", database, "--current"])
        #expect(sentences.succeeded && sentences.stdout.contains("likely to be let play"), "\(sentences.stdout)\(sentences.stderr)")
    }

    @Test("Not at this hour, from the lab, changes the next why for that part of the day")
    func notAtThisHour() async throws {
        let (library, database) = try await copyOfAnalysedLibrary("not-at-this-hour")
        let path = library.tracks[5].path
        let lab = try await hum(["lab", "--library", database], stdin: [
            #"{"op":"why","track":"\#(path)","at":"2026-11-21T22:00:00Z"}"#,
            #"{"op":"feedback","track":"\#(path)","event":"not_at_this_hour","at":"2026-11-21T22:01:00Z"}"#,
            #"{"op":"why","track":"\#(path)","at":"2026-11-21T22:02:00Z"}"#,
            #"{"op":"why","track":"\#(path)","at":"2026-11-22T10:02:00Z"}"#,
        ].joined(separator: "\n") + "\n")
        let answers = try lab.stdout.split(separator: "\n").map { try json(String($0)) }
        try #require(answers.count == 4, "\(lab.stdout)\(lab.stderr)")
        let before = try #require(answers[0]["score"] as? Double), after = try #require(answers[2]["score"] as? Double)
        #expect(after < before - 2)
        let top = try #require((answers[2]["reasons"] as? [[String: Any]])?.first)
        #expect(top["feature"] as? String == "not_at_this_hour")
        #expect((top["text"] as? String)?.contains("in the evening") == true)
        let morning = try #require(answers[3]["reasons"] as? [[String: Any]])
        #expect(!morning.contains { $0["feature"] as? String == "not_at_this_hour" })
    }

    @Test("hum forget drops the model and the picks; export writes both; taste reset starts from nothing")
    func forgetExportAndReset() async throws {
        let (library, database) = try await copyOfAnalysedLibrary("forget")
        let lines = library.tracks.prefix(4).enumerated().map { index, track in
            #"{"op":"feedback","track":"\#(track.path)","event":"complete","at":"2026-11-21T08:\#(10 + index):00Z"}"#
        } + [#"{"op":"next","at":"2026-11-21T08:30:00Z"}"#]
        _ = try await hum(["lab", "--library", database], stdin: lines.joined(separator: "\n") + "\n")
        let shown = try await hum(["taste", "--library", database])
        #expect(shown.stdout.hasPrefix("learned from 4 examples"), "\(shown.stdout)")

        let export = Fixtures.scratchDirectory("taste-export")
        #expect(try await hum(["export", "--library", database, "--out", export]).succeeded)
        let picks = try String(contentsOfFile: export + "/picks.jsonl", encoding: .utf8)
        #expect(picks.split(separator: "\n").count == 1 && picks.contains("reasons"))
        let model = try json(try String(contentsOfFile: export + "/taste_model.json", encoding: .utf8))
        #expect(model["examples"] as? Int == 4)

        let reset = try await hum(["taste", "reset", "--library", database])
        #expect(reset.succeeded)
        #expect(try await hum(["taste", "--library", database]).stdout.hasPrefix("learned from 0 examples"))
        let relearned = try await hum(["taste", "reset", "--relearn", "--library", database])
        #expect(relearned.stdout.contains("relearned from 4 examples"), "\(relearned.stdout)")

        #expect(try await hum(["forget", "--all", "--library", database]).succeeded)
        let store = try LibraryStore(path: database)
        #expect(try store.picks().isEmpty)
        #expect(try store.tasteState() == nil)
        #expect(try await hum(["taste", "--library", database]).stdout.hasPrefix("learned from 0 examples"))
    }
}
