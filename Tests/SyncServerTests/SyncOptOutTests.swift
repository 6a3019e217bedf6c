import Foundation
import HumTestSupport
import MusicCore
import MusicLibrary
import SyncClient
import SyncProtocol
import Testing

/// The opt-out proof, headless: a simulated day of listening with sync off, every hum process traced
/// with `strace -f -e trace=connect` — not one connect to an inet socket, and a counting server on
/// 127.0.0.1 gets nothing. With sync on, that server receives exactly the outbox's payloads, byte for
/// byte; turning sync off deletes what was waiting and sends nothing more.
@Suite(.serialized) struct SyncOptOutTests {
    /// Runs hum under strace; returns the result and the connect calls to inet sockets it made.
    func tracedHum(_ arguments: [String], stdin: String? = nil) async throws -> (ChildProcess.Result, [String]) {
        let trace = Fixtures.scratchDirectory("strace") + "/connect.log"
        let result = try await ChildProcess.run("/usr/bin/strace", ["-f", "-qq", "-e", "trace=connect", "-o", trace,
                                                                    Repository.humBinary] + arguments,
                                                stdin: stdin.map { Data($0.utf8) }, timeout: 300)
        let calls = (try? String(contentsOfFile: trace, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        return (result, calls.filter { $0.contains("connect(") && ($0.contains("AF_INET") || $0.contains("AF_INET6")) })
    }

    /// The interface in a tmux terminal of its own, traced like `tracedHum`: the terminal, and a function
    /// that reads the inet connects traced so far.
    func tracedInterface(database: String, home: String) throws -> (TmuxSession, () -> [String]) {
        let trace = Fixtures.scratchDirectory("strace-ui") + "/connect.log"
        let terminal = try TmuxSession(["/usr/bin/strace", "-f", "-qq", "-e", "trace=connect", "-o", trace,
                                        Repository.humBinary, "--library", database, "--output", "null"],
                                       rows: 30, columns: 110,
                                       environment: ["HOME": home, "XDG_CONFIG_HOME": home + "/config", "LANG": "C.UTF-8"])
        return (terminal, {
            let calls = (try? String(contentsOfFile: trace, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
            return calls.filter { $0.contains("connect(") && ($0.contains("AF_INET") || $0.contains("AF_INET6")) }
        })
    }

    /// Waits for the screen to satisfy `predicate`; a failure names the step, `what`.
    func wait(_ terminal: TmuxSession, for what: String, timeout: Double = 30, _ predicate: (String) -> Bool) throws {
        do {
            try terminal.waitFor(timeout: timeout, predicate)
        } catch {
            throw StepFailed(description: "waiting for \(what): \(error)")
        }
    }

    func quit(_ terminal: TmuxSession) throws {
        try terminal.send(keys: ["q"])
        let deadline = Date().addingTimeInterval(20)
        while !terminal.isDead && Date() < deadline { usleep(20_000) }
        #expect(terminal.isDead, "hum did not quit on q: \((try? terminal.capture()) ?? "")")
    }

    /// A small generated library, scanned and analysed into a fresh store, with background analysis
    /// off in the interface's settings so that the tests' screens are not raced by it.
    func scannedAndAnalysedLibrary(label: String, seed: UInt64) async throws -> (folder: String, database: String, library: TraitLibrary) {
        let folder = Fixtures.scratchDirectory(label)
        let library = try await offPool { try TraitLibrary.generate(in: folder + "/music", artists: 3, perArtist: 2, seconds: 12, seed: seed) }
        let database = folder + "/hum.sqlite"
        try #"{"analyze_in_background":"off"}"#.write(toFile: folder + "/hum-settings.json", atomically: true, encoding: .utf8)
        for arguments in [["scan", "--library", database, folder + "/music"], ["analyze", "--library", database, "--threads", "1"]] {
            let result = try await hum(arguments)
            #expect(result.succeeded, "hum \(arguments.joined(separator: " ")): \(result.stderr)")
        }
        return (folder, database, library)
    }

    /// A day of listening through `hum lab`: listens finished and skipped, likes, over the last hours.
    func simulatedDay(_ library: TraitLibrary) -> String {
        let formatter = ISO8601DateFormatter()
        let start = Date().addingTimeInterval(-6 * 3600)
        var requests: [String] = []
        for step in 0..<24 {
            let at = formatter.string(from: start.addingTimeInterval(Double(step) * 600))
            let track = library.tracks[step % library.tracks.count]
            let event = step % 5 == 0 ? "like" : step % 3 == 0 ? "skip" : "complete"
            requests.append(#"{"op":"next","at":"\#(at)","mode":"smart"}"#)
            requests.append(#"{"op":"feedback","track":"\#(track.path)","event":"\#(event)","position_s":4,"at":"\#(at)"}"#)
        }
        return requests.joined(separator: "\n") + "\n"
    }

    @Test func withSyncOffNothingConnectsAndWithSyncOnTheServerGetsExactlyTheOutbox() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            Issue.record("strace is not installed (scripts/install-deps installs it)")
            return
        }
        let folder = Fixtures.scratchDirectory("sync-optout")
        let library = try await offPool { try TraitLibrary.generate(in: folder + "/music", artists: 3, perArtist: 2, seconds: 12, seed: 5) }
        let database = folder + "/hum.sqlite"
        let server = try RecordingHTTPServer()
        defer { server.stop() }

        // Sync off (the default): scan, analyse, a day of listening, and every sync and privacy command.
        var inetConnects: [String] = []
        for (arguments, stdin) in [(["scan", "--library", database, folder + "/music"], nil),
                                   (["analyze", "--library", database, "--threads", "1"], nil),
                                   (["lab", "--library", database], simulatedDay(library)),
                                   (["sync", "now", "--library", database], nil),
                                   (["sync", "status", "--library", database], nil),
                                   (["privacy", "preview", "--library", database], nil),
                                   (["privacy", "budget", "--library", database], nil),
                                   (["why", "--library", database, library.tracks[0].path], nil)] as [([String], String?)] {
            let (result, connects) = try await tracedHum(arguments, stdin: stdin)
            #expect(result.succeeded, "hum \(arguments.joined(separator: " ")): \(result.stderr)")
            inetConnects += connects
        }
        #expect(inetConnects.isEmpty, "connects with sync off: \(inetConnects)")
        #expect(server.requests.isEmpty)
        let store = try LibraryStore(path: database)
        #expect(try store.outbox().isEmpty)

        // Sync on: the reports made go to the server, exactly as the outbox keeps them.
        let enable = try await tracedHum(["sync", "enable", "--library", database, "--server", "127.0.0.1:\(server.port)"])
        #expect(enable.0.succeeded && enable.1.isEmpty, "enabling sends nothing: \(enable.1)")
        #expect(enable.0.stdout.contains("What will be sent"))
        // A process that read "on" before another turned sync off (the interface running while
        // `hum sync disable` is typed elsewhere) makes and keeps nothing, and does not turn it back on.
        let stale = try SyncClient(store: store)
        #expect(try await hum(["sync", "disable", "--library", database]).succeeded)
        var staleRandom = SeededRandom(seed: 4)
        #expect(try stale.makeDueReports(now: Date().timeIntervalSince1970, using: &staleRandom).allSatisfy {
            if case .queued = $0 { false } else { true }
        })
        #expect(try store.outbox().isEmpty)
        #expect(try SyncClient(store: store).state.enabled == false && !stale.state.enabled)
        #expect(try await hum(["sync", "enable", "--library", database, "--server", "127.0.0.1:\(server.port)"]).succeeded)
        let (sent, connects) = try await tracedHum(["sync", "now", "--library", database])
        #expect(sent.succeeded, "\(sent.stderr)")
        #expect(!connects.isEmpty && connects.allSatisfy { $0.contains("127.0.0.1") && $0.contains("htons(\(server.port))") },
                "\(connects)")
        let outbox = try store.outbox()
        #expect(outbox.count == 2, "one skip-by-trait and one like-by-trait report: \(sent.stdout)")
        // In the order they fell due (a random time of the day each), and byte for byte; besides them, only
        // the request for the shared priors.
        let posts = server.requests.filter { $0.method == "POST" }
        #expect(posts.map(\.body) == outbox.sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }.map(\.body))
        #expect(posts.allSatisfy { $0.path == "/v1/reports" })
        #expect(server.requests.filter { $0.method != "POST" }.map { "\($0.method) \($0.path)" } == ["GET /v1/priors"])
        #expect(outbox.allSatisfy { $0.sentAt != nil && $0.status == 202 })
        let log = try await hum(["privacy", "log", "--library", database])
        for entry in outbox { #expect(log.stdout.contains(String(decoding: entry.body, as: UTF8.self))) }
        // `hum export` holds them too, with the ledger that was charged for them.
        let exported = folder + "/export"
        #expect(try await hum(["export", "--library", database, "--out", exported]).succeeded)
        let lines = try String(contentsOfFile: exported + "/sync_outbox.jsonl", encoding: .utf8).split(separator: "\n")
        let bodies = try lines.map { try JSONDecoder().decode([String: String].self, from: Data($0.utf8))["body"] ?? "" }
        #expect(bodies == outbox.map { String(decoding: $0.body, as: UTF8.self) })
        #expect(try String(contentsOfFile: exported + "/sync_state.json", encoding: .utf8).contains("\"ledger\""))

        // A second run the same day makes nothing new (one report per channel period).
        _ = try await tracedHum(["sync", "now", "--library", database])
        #expect(server.requests.filter { $0.method == "POST" }.count == 2)
        let requestsWhileOn = server.requests.count
        // Off again: nothing is sent, not even a goodbye.
        let (disable, disableConnects) = try await tracedHum(["sync", "disable", "--library", database])
        #expect(disable.succeeded && disableConnects.isEmpty)
        _ = try await tracedHum(["sync", "now", "--library", database])
        #expect(server.requests.count == requestsWhileOn)
        // Forgetting everything drops the outbox too.
        #expect(try await hum(["forget", "--all", "--library", database]).succeeded)
        #expect(try store.outbox().isEmpty)
    }

    /// The same proof through the interface: with sync off, a session of playing, skipping, liking and
    /// looking at the Privacy view connects nowhere; with sync on, the interface sends the reports that
    /// are due in the background, exactly as the outbox keeps them, and switching sync off in the
    /// Privacy view deletes what waits and sends nothing more.
    @Test func theInterfaceWithSyncOffConnectsNowhereAndWithSyncOnSendsTheOutbox() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            Issue.record("strace is not installed (scripts/install-deps installs it)")
            return
        }
        let (folder, database, library) = try await scannedAndAnalysedLibrary(label: "sync-optout-ui", seed: 6)
        let server = try RecordingHTTPServer()
        defer { server.stop() }

        // Sync off: play, skip, like, look at the Privacy view, quit.
        let (off, offConnects) = try tracedInterface(database: database, home: folder)
        try wait(off, for: "the library (sync off)", timeout: 60) { $0.contains("Artist / Album") }
        try off.send(keys: ["Enter"])
        // The null output is not paced: the artist's two short tracks may be over before a capture sees "▶".
        try wait(off, for: "playback (sync off)") { $0.contains("▶ ") || $0.contains("■ Track") }
        try off.send(keys: ["L"])
        try off.send(keys: ["n"])
        try off.send(keys: ["n"])
        try off.send(keys: ["7"])
        try wait(off, for: "the Privacy view saying sync is off") { $0.contains("Nothing leaves it: sync is off.") && $0.contains("Opt-in sync") }
        try quit(off)
        #expect(offConnects().isEmpty, "connects with sync off: \(offConnects())")
        #expect(server.requests.isEmpty)
        let store = try LibraryStore(path: database)
        #expect(try store.outbox().isEmpty)

        // Sync on, with a day of listening behind it and its reports due now.
        let (labbed, _) = try await tracedHum(["lab", "--library", database], stdin: simulatedDay(library))
        #expect(labbed.succeeded, "\(labbed.stderr)")
        let client = try SyncClient(store: store)
        try client.enable(server: "127.0.0.1:\(server.port)")
        var random = SeededRandom(seed: 11)
        let now = Date().timeIntervalSince1970
        _ = try client.makeDueReports(now: now, using: &random)
        let made = try store.outbox()
        #expect(made.count == 2, "one skip-by-trait and one like-by-trait report")
        for entry in made { try store.rescheduleReport(entry.id, dueAt: now - 1) }

        let (on, onConnects) = try tracedInterface(database: database, home: folder)
        let deadline = Date().addingTimeInterval(30)
        while server.requests.filter({ $0.method == "POST" }).count < made.count && Date() < deadline { usleep(50_000) }
        try on.send(keys: ["7"])
        try wait(on, for: "the Privacy view saying sync is on and both reports sent") { $0.contains("Sync is on") && $0.contains("0 waiting, 2 sent") }
        let posts = server.requests.filter { $0.method == "POST" }
        let sentOutbox = try store.outbox()
        #expect(posts.map(\.body) == sentOutbox.sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }.map(\.body))
        #expect(sentOutbox.allSatisfy { $0.sentAt != nil && $0.status == 202 })
        #expect(server.requests.filter { $0.method != "POST" }.allSatisfy { $0.method == "GET" && $0.path == "/v1/priors" })
        #expect(!onConnects().isEmpty && onConnects().allSatisfy { $0.contains("127.0.0.1") && $0.contains("htons(\(server.port))") },
                "\(onConnects())")

        // Off from the Privacy view: it asks, then nothing more is sent.
        try on.send(keys: ["j", "j", "Enter"])
        try wait(on, for: "the question before sync is turned off") { $0.contains("Turn sync off?") }
        try on.send(keys: ["y"])
        try wait(on, for: "the Privacy view saying sync is off again") { $0.contains("Nothing leaves it: sync is off.") }
        let requestsWhenOff = server.requests.count
        try quit(on)
        #expect(server.requests.count == requestsWhenOff)
        #expect(try SyncClient(store: store).state.enabled == false)
    }

    /// With sync on, the interface fetches the server's signed priors and its taste model starts from
    /// them at once: the "why" panel of a track nothing was learned about gives the shared prior's reason.
    @Test func theInterfaceFetchesThePriorsAndTheWhyPanelUsesThem() async throws {
        let (folder, database, _) = try await scannedAndAnalysedLibrary(label: "sync-priors-ui", seed: 9)
        // At this part of the day, listeners finish the library's cells more often than a cell it lacks,
        // so every track of the library has a published rate above the published mean. Enough reports that
        // each stands clear of the noise (the server publishes nothing else).
        let store = try LibraryStore(path: database)
        let cells = try store.allTracks().compactMap { track in
            try store.analysis(trackID: track.id).map { TraitCell(energy: $0.traits.energy, tempo: $0.traits.tempoFeel, brightness: $0.traits.brightness) }
        }
        let library = Set(cells)
        #expect(!library.isEmpty)
        let lacking = try #require((0..<TraitCell.count).map(TraitCell.init(index:)).first { !library.contains($0) })
        let quarter = DayPart(hour: Calendar.current.component(.hour, from: Date()))
        let today = Day(unixTime: Date().timeIntervalSince1970)
        let serverDatabase = try TestDatabase(.sqlite)
        var server = try await SyncServerProcess(database: serverDatabase, today: today, extra: ["--burst", "1000000"])
        var maker = ReportMaker(seed: 12)
        let http = server.connection()
        for cell in [lacking] + library.sorted(by: { $0.index < $1.index }) {
            for index in 0..<800 {
                let skipped = index % 10 < (cell == lacking ? 8 : 2)
                let bucket = SkipBucket(cell: cell, quarter: quarter, skipped: skipped).index
                #expect(try http.request("POST", "/v1/reports", body: maker.report(.skipByTrait, bucket: bucket, day: today).encoded()).status == 202)
            }
        }
        await server.stop()
        server = try await SyncServerProcess(database: serverDatabase, today: Day(number: today.number + 3))
        #expect(try server.connection().request("GET", "/v1/priors").status == 200)
        try SyncClient(store: store).enable(server: "127.0.0.1:\(server.port)")

        let terminal = try TmuxSession([Repository.humBinary, "--library", database, "--output", "null"], rows: 30, columns: 120,
                                       environment: ["HOME": folder, "XDG_CONFIG_HOME": folder + "/config", "LANG": "C.UTF-8"])
        try wait(terminal, for: "the library", timeout: 60) { $0.contains("Artist / Album") }
        let deadline = Date().addingTimeInterval(30)
        while try store.sharedPriors() == nil && Date() < deadline { usleep(50_000) }
        #expect(try store.sharedPriors() != nil, "the interface fetched and kept the priors")
        try terminal.send(keys: ["Enter"])
        try terminal.send(keys: ["w"])
        try wait(terminal, for: "the why panel giving the shared prior") {
            $0.contains("Listeners generally finish") && $0.contains("shared prior")
        }
        try quit(terminal)
        await server.stop()
    }
}

struct StepFailed: Error, CustomStringConvertible {
    var description: String
}

func hum(_ arguments: [String]) async throws -> ChildProcess.Result {
    try await ChildProcess.run(Repository.humBinary, arguments, timeout: 120)
}
