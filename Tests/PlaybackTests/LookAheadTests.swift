import Foundation
import HumTestSupport
import MusicCore
@testable import Playback
import Synchronization
import Testing

/// The decoder opens the next entry seconds before it is heard. These hold that an edit made in those
/// seconds still decides what is heard next, and that saying again what follows changes nothing.
@Suite("Edits in a track's last seconds, while the next one is already decoded ahead")
struct LookAheadTests {
    /// Tracks of one second (44,100 frames). Item 1 is 0..<44100; `continuing` items carry on its ramp
    /// (44100..<88200), so a gapless A → continuing entry is exactly ramp(0..<88200); any other item
    /// plays values from 1,000,000 up, which show if they are ever heard.
    static let frames = 44_100

    /// A harness at twice real time (the first second plays in half a second, while the decoder runs
    /// ahead at once) whose decoders follow the rule above, counting the opens of each item.
    static func harness(continuing: Set<Int>, opens: Opens) -> EngineHarness {
        EngineHarness(framesPerSecond: 2.0 * Double(frames)) { item in
            opens.count.withLock { $0[item.id, default: 0] += 1 }
            let first = item.id == 1 ? 0 : continuing.contains(item.id) ? frames : 1_000_000 * item.id
            return ScriptedDecoder(frames: frames, firstValue: first)
        }
    }

    final class Opens: Sendable {
        let count = Mutex<[Int: Int]>([:])
        subscript(id: Int) -> Int { count.withLock { $0[id] ?? 0 } }
    }

    static func item(_ id: Int) -> PlaybackItem { PlaybackItem(id: id, path: "/scripted/\(id)") }

    /// Waits until the engine has opened a play of `id` (the decoder ran ahead to it).
    static func waitUntilOpenedAhead(_ harness: EngineHarness, _ id: Int) async -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if harness.engine.state.withLock({ $0.plays.values.contains { $0.item.id == id } }) { return true }
            await pause(0.001)
        }
        return false
    }

    /// Plays items 1 and 2 and returns once the decoder has opened item 2 ahead (item 1 still plays).
    static func playingWithTheNextAhead(continuing: Set<Int>) async -> (EngineHarness, Opens) {
        let opens = Opens()
        let harness = harness(continuing: continuing, opens: opens)
        harness.engine.play([item(1), item(2)])
        #expect(await waitUntilOpenedAhead(harness, 2))
        return (harness, opens)
    }

    @Test("An entry replaced after it was decoded ahead is never heard; the new one follows, gaplessly")
    func replacedAhead() async {
        let (harness, opens) = await Self.playingWithTheNextAhead(continuing: [3])
        defer { harness.shutdown() }
        #expect(harness.output.samples.count < Self.frames, "the first track still plays")
        let discards = harness.output.discardCount
        // As the interface does after "play next": what follows the current entry is now item 3.
        harness.engine.replaceUpcoming([Self.item(3)])
        #expect(await harness.waitForQueueEnd())
        #expect(firstDifference(harness.output.samples, ramp(0..<2 * Self.frames)) == nil)
        #expect(harness.milestones == [
            .started(Self.item(1), queueIndex: 0, duration: 1), .finished(Self.item(1), position: 1),
            .started(Self.item(3), queueIndex: 1, duration: 1), .finished(Self.item(3), position: 1),
            .queueFinished,
        ])
        #expect(harness.output.discardCount == discards, "the track playing was not touched")
        #expect(opens[3] == 1, "the new entry is decoded once")
    }

    @Test("Two edits in the same last seconds: the second one's entry plays, neither earlier one")
    func replacedTwice() async {
        let (harness, opens) = await Self.playingWithTheNextAhead(continuing: [4])
        defer { harness.shutdown() }
        harness.engine.replaceUpcoming([Self.item(3)])
        #expect(await Self.waitUntilOpenedAhead(harness, 3))
        #expect(harness.output.samples.count < Self.frames, "the first track still plays")
        harness.engine.replaceUpcoming([Self.item(4)])
        #expect(await harness.waitForQueueEnd())
        #expect(firstDifference(harness.output.samples, ramp(0..<2 * Self.frames)) == nil)
        #expect(!harness.milestones.contains { if case .started(let item, _, _) = $0 { [2, 3].contains(item.id) } else { false } },
                "\(harness.milestones)")
        #expect(opens[4] == 1)
    }

    @Test("Nothing to follow any more (continue switched off): the queue ends after the track playing")
    func emptiedAhead() async {
        let (harness, _) = await Self.playingWithTheNextAhead(continuing: [])
        defer { harness.shutdown() }
        harness.engine.replaceUpcoming([])
        #expect(await harness.waitForQueueEnd())
        #expect(harness.output.samples == ramp(0..<Self.frames))
        #expect(harness.milestones == [
            .started(Self.item(1), queueIndex: 0, duration: 1), .finished(Self.item(1), position: 1), .queueFinished,
        ])
    }

    @Test("Saying again what follows (as the interface does at every track start) retracts and reopens nothing")
    func sameUpcoming() async {
        let (harness, opens) = await Self.playingWithTheNextAhead(continuing: [2])
        defer { harness.shutdown() }
        harness.engine.replaceUpcoming([Self.item(2)])
        #expect(await harness.waitForQueueEnd())
        #expect(harness.output.samples == ramp(0..<2 * Self.frames))
        #expect(opens[2] == 1)
        #expect(RetractedPlays(word: harness.engine.handoff.load(ordering: .relaxed).second).isEmpty)
    }

    @Test("Retracted serials pack into one word and back; the empty range holds none")
    func packing() {
        let range = RetractedPlays(first: 7, last: 9)
        #expect(RetractedPlays(word: range.word) == range)
        #expect(!range.contains(6) && range.contains(7) && range.contains(9) && !range.contains(10))
        #expect(RetractedPlays.none.isEmpty && !(1...100).contains { RetractedPlays.none.contains($0) })
        #expect(RetractedPlays(word: RetractedPlays(first: 1 << 33 | 5, last: 1 << 33 | 5).word).contains(5),
                "serials are compared in their low 32 bits")
    }
}
