import Foundation
import HumTestSupport
import MusicCore
@testable import Playback
import Testing

@Suite("The playback engine, with scripted decoders and a recording output")
struct PlaybackEngineTests {
    /// Three tracks of awkward lengths whose ramps continue each other: 0..<10007, then to 15010, then to 35021.
    static let lengths = [10_007, 5_003, 20_011]

    static func continuingRamps(_ item: PlaybackItem) -> any AudioDecoder {
        let index = item.id - 1
        return ScriptedDecoder(frames: lengths[index], firstValue: lengths[..<index].reduce(0, +))
    }

    @Test("A queue plays gaplessly: every sample once, in order, nothing added between tracks")
    func gapless() async {
        let harness = EngineHarness(decoders: Self.continuingRamps)
        defer { harness.shutdown() }
        harness.engine.play(items(3))
        #expect(await harness.waitForQueueEnd())
        let expected = ramp(0..<Self.lengths.reduce(0, +))
        #expect(firstDifference(harness.output.samples, expected) == nil)
        #expect(harness.output.openedFormats == [AudioFormat(sampleRate: 44100, channels: 1)])
    }

    @Test("Events say what was heard, in order: started, finished, …, queue finished")
    func eventOrder() async {
        let harness = EngineHarness(decoders: Self.continuingRamps)
        defer { harness.shutdown() }
        let queue = items(3)
        harness.engine.play(queue)
        #expect(await harness.waitForQueueEnd())
        let seconds = Self.lengths.map { Double($0) / 44100 }
        #expect(harness.milestones == [
            .started(queue[0], queueIndex: 0, duration: seconds[0]), .finished(queue[0], position: seconds[0]),
            .started(queue[1], queueIndex: 1, duration: seconds[1]), .finished(queue[1], position: seconds[1]),
            .started(queue[2], queueIndex: 2, duration: seconds[2]), .finished(queue[2], position: seconds[2]),
            .queueFinished,
        ])
    }

    @Test("A change of sample rate or channels between tracks reopens the output, losing nothing")
    func formatChange() async {
        let formats = [AudioFormat(sampleRate: 44100, channels: 1), AudioFormat(sampleRate: 48000, channels: 2),
                       AudioFormat(sampleRate: 48000, channels: 2)]
        let harness = EngineHarness { item in
            ScriptedDecoder(frames: 3000, firstValue: (item.id - 1) * 3000, format: formats[item.id - 1])
        }
        defer { harness.shutdown() }
        harness.engine.play(items(3))
        #expect(await harness.waitForQueueEnd())
        #expect(harness.output.openedFormats == [formats[0], formats[1]])
        let expected = ramp(0..<3000) + ramp(3000..<9000).flatMap { [$0, $0] }
        #expect(firstDifference(harness.output.samples, expected) == nil)
    }

    @Test("A file that cannot be opened is reported before the next track starts, and the queue goes on")
    func openFailure() async {
        let harness = EngineHarness { item in
            if item.id == 2 { throw AudioFileError.unsupportedFormat(path: item.path, found: "ASF/WMA") }
            return ScriptedDecoder(frames: 1000, firstValue: item.id * 1000)
        }
        defer { harness.shutdown() }
        let queue = items(3)
        harness.engine.play(queue)
        #expect(await harness.waitForQueueEnd())
        let seconds = 1000.0 / 44100
        #expect(harness.milestones == [
            .started(queue[0], queueIndex: 0, duration: seconds), .finished(queue[0], position: seconds),
            .failed(queue[1], message: "unsupported format: /scripted/2 (ASF/WMA)", position: nil),
            .started(queue[2], queueIndex: 2, duration: seconds), .finished(queue[2], position: seconds),
            .queueFinished,
        ])
        #expect(harness.output.samples == ramp(1000..<2000) + ramp(3000..<4000))
    }

    @Test("A file that breaks midway plays what it can, is reported where it broke, and the queue goes on")
    func midwayFailure() async {
        let harness = EngineHarness { item in
            item.id == 1 ? ScriptedDecoder(frames: 8000, failAfter: 4410) : ScriptedDecoder(frames: 100, firstValue: 4410)
        }
        defer { harness.shutdown() }
        let queue = items(2)
        harness.engine.play(queue)
        #expect(await harness.waitForQueueEnd())
        #expect(harness.milestones.contains(.failed(queue[0], message: "broken audio in scripted: scripted failure", position: 0.1)))
        #expect(harness.milestones.last == .queueFinished)
        #expect(harness.output.samples == ramp(0..<4510))
    }

    @Test("A file that breaks before any audio is reported before the next track starts, which plays")
    func breaksAtOnce() async {
        let harness = EngineHarness { item in
            item.id == 1 ? ScriptedDecoder(frames: 8000, failAfter: 0) : ScriptedDecoder(frames: 100, firstValue: 0)
        }
        defer { harness.shutdown() }
        let queue = items(2)
        harness.engine.play(queue)
        #expect(await harness.waitForQueueEnd())
        let failed = harness.milestones.firstIndex { if case .failed(let item, _, _) = $0 { item.id == 1 } else { false } }
        let started = harness.milestones.firstIndex { if case .started(let item, _, _) = $0 { item.id == 2 } else { false } }
        #expect(failed != nil && started != nil && failed! < started!, "\(harness.milestones)")
        #expect(!harness.milestones.contains { if case .started(let item, _, _) = $0 { item.id == 1 } else { false } })
        #expect(harness.output.samples == ramp(0..<100))
    }

    @Test("Everything failing still ends the queue (so `hum play` exits)")
    func allFail() async {
        let harness = EngineHarness { item in throw AudioFileError.unreadable(path: item.path, reason: "no such file") }
        defer { harness.shutdown() }
        harness.engine.play(items(2))
        #expect(await harness.waitForQueueEnd())
        #expect(harness.milestones.count == 3)
        #expect(harness.output.samples.isEmpty)
    }

    @Test("Seeking lands on the exact frame, and what was buffered before is discarded")
    func exactSeek() async {
        // Paced in real time: the seek (at 0.45 s) arrives long before playback could reach frame 300,001
        // (6.8 s) on its own, however loaded the machine.
        let harness = EngineHarness(framesPerSecond: 44_100) { _ in ScriptedDecoder(frames: 441_000) }
        defer { harness.shutdown() }
        harness.engine.play(items(1))
        #expect(await harness.waitForSamples(20_000))
        harness.engine.seek(toFrame: 300_001)
        #expect(await harness.waitForQueueEnd())
        let samples = harness.output.samples
        let jump = try! #require(samples.firstIndex(of: 300_001))
        #expect(samples[jump...] == ArraySlice(ramp(300_001..<441_000)))
        #expect(samples[..<jump] == ArraySlice(ramp(0..<jump)), "no frame after the seek point leaked in before it")
        #expect(harness.output.discardCount >= 1)
        #expect(harness.milestones.contains { if case .seeked(_, _, let to) = $0 { to == 300_001.0 / 44100 } else { false } })
    }

    @Test("Seeking the last track to its very end still finishes it, and the queue")
    func seekToTheEnd() async {
        let harness = EngineHarness(framesPerSecond: 441_000) { _ in ScriptedDecoder(frames: 441_000) }
        defer { harness.shutdown() }
        let queue = items(1)
        harness.engine.play(queue)
        #expect(await harness.waitForSamples(44100))
        harness.engine.seek(toFrame: 441_000)
        #expect(await harness.waitForQueueEnd())
        #expect(harness.milestones.contains(.finished(queue[0], position: 10)))
    }

    @Test("A ring of one or two chunks still plays everything", arguments: [1, 2])
    func tinyRing(chunks: Int) async {
        var configuration = PlaybackEngine.Configuration()
        configuration.chunks = chunks
        let harness = EngineHarness(configuration: configuration, decoders: Self.continuingRamps)
        defer { harness.shutdown() }
        harness.engine.play(items(3))
        #expect(await harness.waitForQueueEnd())
        #expect(firstDifference(harness.output.samples, ramp(0..<Self.lengths.reduce(0, +))) == nil)
    }

    @Test("Calls that change nothing do not throw away buffered audio")
    func noNeedlessFlush() async {
        let harness = EngineHarness { _ in ScriptedDecoder(frames: 1000) }
        defer { harness.shutdown() }
        harness.engine.seek(to: 5)
        harness.engine.setReplayGain(ReplayGainSettings(mode: .album))
        harness.engine.jump(to: 7)
        harness.engine.next()
        #expect(harness.output.discardCount == 0)
    }

    @Test("Relative seeks move from where playback is heard")
    func relativeSeek() async {
        let harness = EngineHarness(framesPerSecond: 44100) { _ in ScriptedDecoder(frames: 44100 * 30) }
        defer { harness.shutdown() }
        harness.engine.play(items(1))
        #expect(await harness.waitForSamples(22050))
        let before = harness.engine.snapshot().position
        harness.engine.seek(by: 10)
        #expect(await harness.waitFor { if case .seeked = $0 { true } else { false } })
        guard case .seeked(_, let from, let to)? = harness.milestones.last else { Issue.record("no seek event"); return }
        #expect(abs(from - before) < 0.1)
        #expect(abs(to - from - 10) < 1e-9)
    }

    @Test("Quick relative seeks add up (a held → key), though the first has not been heard yet")
    func relativeSeeksAccumulate() async {
        let harness = EngineHarness(framesPerSecond: 44100) { _ in ScriptedDecoder(frames: 44100 * 60) }
        defer { harness.shutdown() }
        harness.engine.play(items(1))
        #expect(await harness.waitForSamples(22050))
        let before = harness.engine.snapshot().position
        for _ in 0..<3 { harness.engine.seek(by: 5) }
        func isSeek(_ event: PlaybackEvent) -> Bool { if case .seeked = event { true } else { false } }
        #expect(await harness.waitFor { _ in harness.milestones.filter(isSeek).count == 3 })
        let seeks = harness.milestones.compactMap { event -> Double? in if case .seeked(_, _, let to) = event { to } else { nil } }
        #expect(seeks.count == 3)
        #expect(abs((seeks.last ?? 0) - before - 15) < 0.1, "three seeks of +5 s moved \((seeks.last ?? 0) - before) s")
    }

    @Test("Next skips at the heard position; previous goes back; next on the last track ends the queue")
    func nextAndPrevious() async {
        // Real-time speed: 10 s tracks cannot end on their own between the commands, even on a loaded machine.
        let harness = EngineHarness(framesPerSecond: 44_100) { item in ScriptedDecoder(frames: 441_000, firstValue: item.id * 1_000_000) }
        defer { harness.shutdown() }
        let queue = items(2)
        harness.engine.play(queue)
        #expect(await harness.waitForSamples(22050))
        harness.engine.next()
        #expect(await harness.waitFor { $0 == .started(queue[1], queueIndex: 1, duration: 10) })
        harness.engine.previous()
        #expect(await harness.waitFor { if case .skipped(queue[1], _) = $0 { true } else { false } })
        #expect(await harness.waitFor { event in harness.milestones.filter { $0 == .started(queue[0], queueIndex: 0, duration: 10) }.count == 2 })
        harness.engine.jump(to: 1)
        #expect(await harness.waitFor { _ in harness.milestones.filter { $0 == .started(queue[1], queueIndex: 1, duration: 10) }.count == 2 })
        harness.engine.next()
        #expect(await harness.waitForQueueEnd())
        let skips = harness.milestones.compactMap { event -> Double? in if case .skipped(_, let at) = event { at } else { nil } }
        #expect(skips.count == 4, "next, previous, jump, next")
        #expect((skips.first ?? 0) >= 0.4, "the first skip happened after 22050 frames had been written in real time")
        #expect(!harness.milestones.contains { if case .finished = $0 { true } else { false } }, "nothing played to its end")
    }

    @Test("Stop ends the heard track as stopped, not finished, and plays nothing more")
    func stop() async {
        let harness = EngineHarness(framesPerSecond: 44100) { _ in ScriptedDecoder(frames: 441_000) }
        defer { harness.shutdown() }
        harness.engine.play(items(1))
        #expect(await harness.waitForSamples(4410))
        harness.engine.stop()
        #expect(await harness.waitFor { if case .stopped = $0 { true } else { false } })
        let count = harness.output.samples.count
        await pause(0.2)
        #expect(harness.output.samples.count == count)
        #expect(harness.engine.snapshot().status == .stopped)
    }

    @Test("Pause stops the output at once and resume continues from the same frame")
    func pauseResume() async {
        let harness = EngineHarness(framesPerSecond: 44100) { _ in ScriptedDecoder(frames: 441_000) }
        defer { harness.shutdown() }
        harness.engine.play(items(1))
        #expect(await harness.waitForSamples(4410))
        harness.engine.pause()
        let atPause = harness.output.samples.count
        await pause(0.3)
        // At most the write in progress (10 ms of audio) completes after the pause.
        #expect(harness.output.samples.count - atPause <= 441)
        #expect(harness.output.pauseCalls == [true])
        harness.engine.resume()
        #expect(await harness.waitForSamples(atPause + 4410))
        #expect(harness.output.pauseCalls == [true, false])
        let samples = harness.output.samples
        #expect(samples == ramp(0..<samples.count), "resume continues exactly where pause stopped")
        #expect(harness.milestones.contains { if case .paused = $0 { true } else { false } })
        #expect(harness.milestones.contains { if case .resumed = $0 { true } else { false } })
    }

    @Test("Volume changes glide over 10 ms with no step larger than the ramp's")
    func volumeRamp() async {
        let harness = EngineHarness(framesPerSecond: 441_000) { _ in ScriptedDecoder(frames: 441_000, firstValue: 1000) }
        defer { harness.shutdown() }
        harness.engine.play(items(1))
        #expect(await harness.waitForSamples(44100))
        harness.engine.setVolume(50)
        #expect(await harness.waitForQueueEnd())
        let samples = harness.output.samples
        let gains = samples.indices.map { Double(samples[$0]) / Double(1000 + $0) }
        #expect(abs(gains.first! - 1) < 1e-6)
        #expect(abs(gains.last! - 0.125) < 1e-6)
        let rampFrames = 441.0
        for index in 1..<gains.count {
            #expect(abs(gains[index] - gains[index - 1]) <= (1 - 0.125) / rampFrames + 1e-5)
        }
    }

    @Test("ReplayGain scales the track by its tagged gain, exactly")
    func replayGain() async {
        let gain = ReplayGainInfo(trackGain: -6)
        let harness = EngineHarness(configuration: .init(replayGain: ReplayGainSettings(mode: .track))) { _ in
            ScriptedDecoder(frames: 1000, firstValue: 1)
        }
        defer { harness.shutdown() }
        harness.engine.play(items(1, replayGain: gain))
        #expect(await harness.waitForQueueEnd())
        let factor = Float(pow(10, -6.0 / 20))
        #expect(harness.output.samples == ramp(1..<1001).map { $0 * factor })
    }

    @Test("Losing the output keeps the place: warned once, reconnected with backoff, no sample lost")
    func outputLoss() async {
        let harness = EngineHarness(framesPerSecond: 441_000) { _ in ScriptedDecoder(frames: 88200) }
        defer { harness.shutdown() }
        harness.output.disconnect(atSample: 20_000, failingOpens: 3)
        harness.engine.play(items(1))
        #expect(await harness.waitForQueueEnd(timeout: 15))
        #expect(harness.milestones.filter { if case .outputLost = $0 { true } else { false } }.count == 1)
        #expect(harness.milestones.contains(.outputRestored))
        #expect(harness.output.samples == ramp(0..<88200))
        #expect(harness.output.openedFormats.count == 2, "opened at start and once more after three failed attempts")
    }

    @Test("An output that cannot work is reported once, nothing is said to play, and playback stops")
    func outputBrokenForGood() async {
        let harness = EngineHarness { _ in ScriptedDecoder(frames: 441_000) }
        defer { harness.shutdown() }
        harness.output.breakForGood("cannot write /nowhere/out.wav")
        harness.engine.play(items(2))
        #expect(await harness.waitFor { $0 == .outputFailed("audio output failed: cannot write /nowhere/out.wav") })
        await pause(0.3)
        #expect(harness.milestones.filter { if case .outputFailed = $0 { true } else { false } }.count == 1)
        #expect(!harness.milestones.contains { if case .started = $0 { true } else { false } })
        #expect(harness.engine.snapshot().status == .stopped)
        #expect(harness.output.openAttempts == 1, "no retrying an output that failed for good")
    }

    @Test("Progress is published once per whole second heard, soon after the second begins")
    func progressRate() async {
        let harness = EngineHarness(framesPerSecond: 44100) { _ in ScriptedDecoder(frames: 44100 * 10) }
        defer { harness.shutdown() }
        harness.engine.play(items(1))
        #expect(await harness.waitForSamples(4410))
        let start = harness.events.count
        await pause(3.2)
        let positions = harness.events[start...].compactMap { event -> Double? in
            if case .progressed(_, let position, _) = event { position } else { nil }
        }
        let seconds = positions.map { Int($0) }
        #expect(seconds.count >= 2 && seconds.count <= 4, "one a second, not five: \(positions)")
        #expect(seconds == Array(Set(seconds)).sorted(), "each whole second once, in order: \(positions)")
        // Sent within the event thread's look (0.2 s) and an output write (here up to 0.1 s) of the second.
        #expect(positions.allSatisfy { $0 - $0.rounded(.down) < 0.6 }, "late in its second: \(positions)")
    }

    @Test("Entries queued while the last track plays follow it gaplessly")
    func enqueueWhilePlaying() async {
        // One second of audio at 10× speed: the entry is queued long before the end is heard.
        let harness = EngineHarness(framesPerSecond: 441_000) { item in
            ScriptedDecoder(frames: 441_000, firstValue: (item.id - 1) * 441_000)
        }
        defer { harness.shutdown() }
        harness.engine.play(items(1))
        #expect(await harness.waitForSamples(4410))
        harness.engine.enqueue([PlaybackItem(id: 2, path: "/scripted/2")])
        #expect(await harness.waitFor { if case .started(_, 1, _) = $0 { true } else { false } })
        #expect(await harness.waitForQueueEnd())
        #expect(harness.output.samples == ramp(0..<882_000))
        #expect(harness.milestones.filter { $0 == .queueFinished }.count == 1)
    }

    @Test("An upcoming entry with no audio at all (a truncated file) still ends the queue, reported as failed")
    func emptyUpcoming() async {
        // Paced at twice real time: the first play's half second leaves room for the answer below on a
        // loaded machine (at ten times, its 100 ms were sometimes gone before the test could answer).
        let harness = EngineHarness(framesPerSecond: 88_200) { item in
            ScriptedDecoder(frames: item.id == 2 ? 0 : 44_100, firstValue: 0)
        }
        defer { harness.shutdown() }
        let queue = items(1)
        harness.engine.play(queue)
        #expect(await harness.waitFor { if case .started = $0 { true } else { false } })
        // As the interface does when a track starts: it says what follows.
        harness.engine.replaceUpcoming([PlaybackItem(id: 2, path: "/scripted/2")])
        #expect(await harness.waitForQueueEnd(timeout: 10), "\(harness.milestones)")
        #expect(harness.milestones.contains { if case .failed(let item, _, _) = $0 { item.id == 2 } else { false } },
                "\(harness.milestones)")
    }

    @Test("Entries queued after the queue finished wait to be played, as in cmus")
    func enqueueAfterEnd() async {
        let harness = EngineHarness { item in ScriptedDecoder(frames: 1000, firstValue: (item.id - 1) * 1000) }
        defer { harness.shutdown() }
        harness.engine.play(items(1))
        #expect(await harness.waitForQueueEnd())
        harness.engine.enqueue([PlaybackItem(id: 2, path: "/scripted/2")])
        await pause(0.2)
        #expect(harness.output.samples == ramp(0..<1000), "nothing starts by itself")
        harness.engine.jump(to: 1)
        #expect(await harness.waitFor { _ in harness.milestones.filter { $0 == .queueFinished }.count == 2 })
        #expect(harness.output.samples == ramp(0..<2000))
    }
}

@Suite("The volume ramp")
struct VolumeRampTests {
    @Test("Full volume leaves samples bit-exact")
    func unity() {
        var ramp = VolumeRamp(gain: 1)
        var samples: [Float] = [0.1, -0.3, 0.7, 1e-9]
        let original = samples
        samples.withUnsafeMutableBufferPointer { ramp.apply($0.baseAddress!, frames: 4, channels: 1, sampleRate: 44100, target: 1) }
        #expect(samples == original)
    }

    @Test("A change reaches its target after 10 ms and stays there")
    func reachesTarget() {
        var ramp = VolumeRamp(gain: 1)
        var samples = [Float](repeating: 1, count: 1000)
        samples.withUnsafeMutableBufferPointer { ramp.apply($0.baseAddress!, frames: 500, channels: 2, sampleRate: 44100, target: 0) }
        #expect(samples[0] < 1 && samples[0] > 0.99)
        #expect(samples[2 * 441] == 0)
        #expect(samples.last == 0)
        #expect(ramp.current == 0)
    }
}

@Suite("Commands")
struct TransportCommandTests {
    @Test("Command lines parse into commands", arguments: [
        ("pause", TransportCommand.pause), ("player-pause", .togglePause), ("next", .next), ("player-prev", .previous),
        ("seek 1:30", .seek(seconds: 90, relative: false)), ("seek +10", .seek(seconds: 10, relative: true)),
        ("seek -5", .seek(seconds: -5, relative: true)), ("vol 50", .volume(percent: 50, relative: false)),
        ("vol -5%", .volume(percent: -5, relative: true)), ("  quit  ", .quit),
    ])
    func parses(line: String, command: TransportCommand) throws {
        #expect(try TransportCommand.parse(line) == command)
    }

    @Test("Bad lines are refused with a reason")
    func refuses() {
        #expect(throws: TransportCommandError.unknown("dance")) { try TransportCommand.parse("dance") }
        #expect(throws: TransportCommandError.badValue("seek soon")) { try TransportCommand.parse("seek soon") }
        #expect(throws: TransportCommandError.unexpectedArgument("next 3")) { try TransportCommand.parse("next 3") }
        #expect(throws: TransportCommandError.empty) { try TransportCommand.parse("   ") }
        #expect(throws: TransportCommandError.badValue("seek 1e300")) { try TransportCommand.parse("seek 1e300") }
        #expect(throws: TransportCommandError.badValue("vol +9223372036854775807")) {
            try TransportCommand.parse("vol +9223372036854775807")
        }
    }

    @Test("Keys follow cmus, arrows included")
    func keys() {
        let keys = TransportCommand.keys(in: [0x63, 0x1B, 0x5B, 0x43, 0x62, 0x2B])
        #expect(keys.compactMap(TransportCommand.forKey) == [.togglePause, .seek(seconds: 5, relative: true), .next,
                                                               .volume(percent: 5, relative: true)])
    }

    @Test("The same entry queued after itself (repeat current) plays again from its start, gaplessly, with its own events")
    func sameEntryTwice() async {
        // Paced at twice real time, so the first play lasts long enough for the interface's answer even on a
        // loaded machine (at ten times, its 100 ms were sometimes gone before the test could answer).
        let harness = EngineHarness(framesPerSecond: 88_200) { _ in ScriptedDecoder(frames: 44_100, firstValue: 0) }
        defer { harness.shutdown() }
        let entry = PlaybackItem(id: 7, path: "/scripted/7")
        harness.engine.play([entry])
        #expect(await harness.waitFor { if case .started = $0 { true } else { false } })
        // As the interface does with repeat current: what follows the entry is the entry itself.
        harness.engine.replaceUpcoming([entry])
        #expect(await harness.waitForQueueEnd())
        let seconds = 1.0
        #expect(harness.milestones == [
            .started(entry, queueIndex: 0, duration: seconds), .finished(entry, position: seconds),
            .started(entry, queueIndex: 1, duration: seconds), .finished(entry, position: seconds),
            .queueFinished,
        ])
        #expect(harness.output.samples == ramp(0..<44_100) + ramp(0..<44_100))
    }
}
