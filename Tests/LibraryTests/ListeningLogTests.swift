import Foundation
import HumTestSupport
import MusicCore
import MusicLibrary
import Playback
import Synchronization
import Testing

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let now = Mutex(1_750_000_000.0)
    var time: Double { now.withLock { $0 } }
    func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
}

@Suite("The listening log")
struct ListeningLogTests {
    let item = PlaybackItem(id: 1, path: "/music/a.flac")
    let other = PlaybackItem(id: 2, path: "/music/b.flac")

    /// A store with two tracks, whose ids the items map to.
    func storeWithTracks(_ label: String) throws -> (LibraryStore, [String: Int64]) {
        let (store, _) = try scratchStore(label)
        var movable = Set<Int64>()
        let files = [item.path, other.path].map { TrackFile(path: $0, size: 1, mtimeNs: 1) }
        let metadata = files.map { file in
            TrackMetadata(contentKey: file.path, codec: .flac, formatName: "FLAC", duration: 200, durationExact: true,
                          sampleRate: 44100, channels: 2, bitrateKbps: 900, tags: TrackTags(title: file.path, artists: ["A"]))
        }
        let outcomes = try store.saveScannedFiles(Array(zip(files, metadata)), movable: &movable)
        var ids: [String: Int64] = [:]
        for (file, outcome) in zip(files, outcomes) { if case .added(let id) = outcome { ids[file.path] = id } }
        return (store, ids)
    }

    /// Plays `item` for `heard` seconds (with a seek in the middle when asked), then ends it with `end`.
    func play(_ log: ListeningLog, _ item: PlaybackItem, clock: ManualClock, ids: [String: Int64], heard: Double,
              seekOver: Double = 0, end: (PlaybackItem, Double) -> PlaybackEvent) {
        let map: (PlaybackItem) -> Int64? = { ids[$0.path] }
        let context: (PlaybackItem) -> ListenTracker.Context = { _ in .init(source: .playlist, sourceName: "Mix") }
        log.handle(.started(item, queueIndex: 0, duration: 200), trackID: map, context: context)
        var position = 0.0
        while position < heard / 2 {
            clock.advance(1)
            position += 1
            log.handle(.progressed(item, position: position, duration: 200), trackID: map, context: context)
        }
        if seekOver > 0 {
            log.handle(.seeked(item, from: position, to: position + seekOver), trackID: map, context: context)
            position += seekOver
        }
        log.handle(.paused(item, position: position), trackID: map, context: context)
        log.handle(.resumed(item, position: position), trackID: map, context: context)
        var rest = heard - heard / 2
        while rest > 0 {
            clock.advance(1)
            position += 1
            rest -= 1
            log.handle(.progressed(item, position: position, duration: 200), trackID: map, context: context)
        }
        log.handle(end(item, position), trackID: map, context: context)
    }

    @Test("A listen is stored with its context, what was heard (seeks skip), why it ended and how it counts")
    func listensWithContext() throws {
        let (store, ids) = try storeWithTracks("context")
        let clock = ManualClock()
        let log = ListeningLog(store: store, recordsHistory: true, flushInterval: 0.01, clock: { clock.time }, onError: { Issue.record("\($0)") })
        // Given 60 s heard around a 100 s seek, then moving on: 60 of 200 s is under half, so a skip, not an early one.
        play(log, item, clock: clock, ids: ids, heard: 60, seekOver: 100, end: { .skipped($0, position: $1) })
        // Given the next track heard for 5 s: an early skip, with the first as its previous track.
        play(log, other, clock: clock, ids: ids, heard: 5, end: { .skipped($0, position: $1) })
        // Given the first again, played to the end: a play.
        play(log, item, clock: clock, ids: ids, heard: 200, end: { .finished($0, position: $1) })
        log.close()

        let listens = try store.listens()
        #expect(listens.count == 3)
        #expect(listens.map(\.outcome) == [.skip, .earlySkip, .play])
        #expect(listens.map(\.endReason) == [.skipped, .skipped, .completed])
        #expect(abs(listens[0].secondsHeard - 60) < 0.001)
        #expect(abs(listens[0].positionReached - 160) < 0.001)
        #expect(listens[1].previousTrackID == ids[item.path])
        #expect(listens.allSatisfy { $0.source == .playlist && $0.sourceName == "Mix" })
        #expect(Set(listens.map(\.sessionID)).count == 1)
        #expect(listens.allSatisfy { (1...7).contains($0.weekday) && (0...23).contains($0.localHour) })
        let events = try store.listeningEvents()
        #expect(events.filter { $0.kind == .seek }.count == 1)
        #expect(events.filter { $0.kind == .pause }.count == 3)
        let stats = try store.stats(trackID: try #require(ids[item.path]))
        #expect(stats.listens == 2 && stats.plays == 1 && stats.skips == 1 && stats.earlySkips == 0)
        let otherStats = try store.stats(trackID: try #require(ids[other.path]))
        #expect(otherStats.skips == 1 && otherStats.earlySkips == 1)
        // The interface's filters read every track's numbers at once: the same numbers.
        let all = try store.allStats()
        #expect(all.count == 2)
        let itemID = try #require(ids[item.path]), otherID = try #require(ids[other.path])
        #expect(all[itemID] == stats && all[otherID] == otherStats)
    }

    @Test("Half an hour of silence starts a new session")
    func sessions() throws {
        let (store, ids) = try storeWithTracks("sessions")
        let clock = ManualClock()
        let log = ListeningLog(store: store, recordsHistory: true, flushInterval: 0.01, clock: { clock.time }, onError: { _ in })
        play(log, item, clock: clock, ids: ids, heard: 20, end: { .stopped($0, position: $1) })
        clock.advance(29 * 60)
        play(log, other, clock: clock, ids: ids, heard: 20, end: { .stopped($0, position: $1) })
        clock.advance(30 * 60 + 1)
        play(log, item, clock: clock, ids: ids, heard: 20, end: { .stopped($0, position: $1) })
        log.close()
        let sessions = try store.listens().map(\.sessionID)
        #expect(sessions[0] == sessions[1])
        #expect(sessions[1] != sessions[2])
        // A hum started again within half an hour continues the last session.
        let again = ListeningLog(store: store, recordsHistory: true, flushInterval: 0.01, clock: { clock.time + 60 }, onError: { _ in })
        play(again, other, clock: clock, ids: ids, heard: 5, end: { .stopped($0, position: $1) })
        again.close()
        #expect(try store.listens().last?.sessionID == sessions[2])
    }

    @Test("A private session or collect_history off writes no listening rows at all; a like is still kept")
    func nothingRecorded() throws {
        let (store, ids) = try storeWithTracks("private")
        try store.changeSetting(.collectHistory, to: "off")
        #expect(try store.collectsHistory() == false)
        let clock = ManualClock()
        let log = ListeningLog(store: store, recordsHistory: try store.collectsHistory(), flushInterval: 0.01,
                               clock: { clock.time }, onError: { _ in })
        play(log, item, clock: clock, ids: ids, heard: 150, seekOver: 10, end: { .finished($0, position: $1) })
        log.handle(.started(other, queueIndex: 1, duration: 200), trackID: { ids[$0.path] }, context: { _ in .init(source: .queue) })
        #expect(log.setOpinion(.like))
        log.close()
        let counts = try store.historyCounts()
        #expect(counts.listens == 0)
        #expect(counts.events == 0)
        #expect(counts.opinions == 1)
        #expect(try store.stats(trackID: try #require(ids[other.path])).opinion == .like)
        let otherID = try #require(ids[other.path])
        let all = try store.allStats()
        #expect(all.count == 1 && all[otherID]?.opinion == .like && all[otherID]?.listens == 0, "a like without a listen: \(all)")
    }

    @Test("A like names its track: kept before the engine said anything started; without a name, only while a track is heard")
    func likeBeforeTheStart() throws {
        let (store, ids) = try storeWithTracks("like-early")
        let log = ListeningLog(store: store, recordsHistory: true, flushInterval: 0.01, clock: { 1000 }, onError: { _ in })
        let refused = !log.setOpinion(.like)
        #expect(refused, "nothing heard and no track named")
        let id = try #require(ids[item.path])
        #expect(log.setOpinion(.like, trackID: id))
        log.close()
        #expect(try store.stats(trackID: id).opinion == .like)
    }

    @Test("Progress is saved with each second the engine reports, late or early, but never more than twice a second")
    func progressSaveCadence() {
        var tracker = ListenTracker(newSessionID: { "session" })
        let trackID: (PlaybackItem) -> Int64? = { _ in 7 }
        let context: (PlaybackItem) -> ListenTracker.Context = { _ in .init(source: .queue) }
        _ = tracker.handle(.started(item, queueIndex: 0, duration: 200), at: 1000, trackID: trackID, context: context)
        func saves(at times: [Double]) -> Int {
            times.enumerated().reduce(0) { count, step in
                let entries = tracker.handle(.progressed(item, position: Double(step.offset + 1), duration: 200),
                                             at: step.element, trackID: trackID, context: context)
                return count + entries.filter { if case .listenProgressed = $0 { true } else { false } }.count
            }
        }
        // The engine's once-a-second events, each up to 0.2 s late: every one is kept.
        #expect(saves(at: [1001.0, 1001.8, 1003.0, 1003.9, 1004.8]) == 5)
        // A source sending ten a second is written twice a second.
        #expect(saves(at: (1...20).map { 1005 + Double($0) / 10 }) == 4)
    }

    @Test("A hum killed mid-listen leaves it interrupted, counted by what was heard until then")
    func interruptedListen() throws {
        let (store, ids) = try storeWithTracks("interrupted")
        let clock = ManualClock()
        let log = ListeningLog(store: store, recordsHistory: true, flushInterval: 0.01, clock: { clock.time }, onError: { _ in })
        let map: (PlaybackItem) -> Int64? = { ids[$0.path] }
        log.handle(.started(item, queueIndex: 0, duration: 200), trackID: map, context: { _ in .init(source: .queue) })
        for second in 1...120 {
            clock.advance(1)
            log.handle(.progressed(item, position: Double(second), duration: 200), trackID: map, context: { _ in .init(source: .queue) })
        }
        // Let the writer save the progress, then "crash": the log is never closed.
        let deadline = Date().addingTimeInterval(5)
        while (try store.listens().first?.secondsHeard ?? 0) < 119 && Date() < deadline { usleep(10_000) }
        let reopened = try LibraryStore(path: store.path)
        let listen = try #require(try reopened.listens().first)
        #expect(listen.endReason == .interrupted)
        #expect(listen.outcome == .play, "119 s of 200 s is more than half")
        #expect(try reopened.stats(trackID: try #require(ids[item.path])).plays == 1)
    }
}
