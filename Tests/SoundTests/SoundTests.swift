import Foundation
import HumTestSupport
import Testing

/// hum playing through a real PulseAudio daemon (private, null sink) while `parec` records the sink's
/// monitor: what the listener would hear. These tests run in real time and alone (`scripts/test` runs
/// them after the others), so that nothing else competes for the two cores while latency is measured.
@Suite("Real sound through PulseAudio", .serialized)
struct SoundTests {
    static let rate = Double(SinkRecorder.sampleRate)
    /// An idle null sink holds a new stream back by up to about 2 s (platform recipes): record first.
    static let sinkWarmUp = 2.2
    /// Quieter than this is silence: the null sink writes exact zeros when nothing plays.
    static let silence: Float = 2.0 / 32768

    /// Starts `hum play` on the daemon, reading commands from stdin.
    func startHum(_ files: [String], daemon: PulseTestDaemon) throws -> Spawned {
        try Spawned(Repository.humBinary, ["play", "--stdin-commands"] + files,
                    environment: daemon.environment.merging(["LANG": "C.UTF-8"]) { $1 })
    }

    /// A private daemon, its sink being recorded (after the warm-up an idle null sink needs), and `hum
    /// play` started on `file` with commands on stdin.
    struct Session {
        var daemon: PulseTestDaemon
        var recorder: SinkRecorder
        var hum: Spawned
    }

    /// Starts a session; with `waitUntilPlaying`, returns once hum has said it plays and `settle` seconds
    /// of audio have gone by.
    func startSession(_ file: String, waitUntilPlaying: Bool = true, settle: Double = 1.5) async throws -> Session {
        let daemon = try await offPool { try PulseTestDaemon() }
        let recorder = try SinkRecorder(daemon: daemon)
        await sleep(seconds: Self.sinkWarmUp)
        let hum = try startHum([file], daemon: daemon)
        if waitUntilPlaying {
            #expect(await hum.line(timeout: 10) { $0.hasPrefix("playing") } != nil)
            await sleep(seconds: settle)
        }
        return Session(daemon: daemon, recorder: recorder, hum: hum)
    }

    /// Ends a session with `quit`, which must exit hum cleanly.
    func quit(_ session: Session) async {
        session.hum.send("quit")
        #expect(await session.hum.exit(timeout: 10).status == 0)
        session.recorder.stop()
    }

    /// The track time heard around `frame` of a recording of `Signals.clock`.
    func heardTime(_ samples: [Float], at frame: Int, window: Int = 2048) -> Double {
        let slice = samples[max(frame, 0)..<min(frame + window, samples.count)]
        return ClockSignal.time(atFrequency: SignalAnalysis.dominantFrequency(slice, sampleRate: Int(Self.rate), fftSize: 1 << 15))
            + Double(window) / 2 / Self.rate
    }

    @Test("A 440 Hz tone is heard at 440 Hz and at its level")
    func tone() async throws {
        let session = try await startSession(try await Fixtures.toneFLAC(), waitUntilPlaying: false)
        let (hum, recorder) = (session.hum, session.recorder)
        let ended = await hum.exit(timeout: 20)
        await sleep(seconds: 0.3)
        recorder.stop()
        #expect(ended.status == 0, "\(hum.stderrText)")

        let samples = recorder.samples()
        let start = try #require(SignalAnalysis.firstSound(samples, from: 0, threshold: 0.01), "nothing was heard")
        let steady = samples[(start + Int(0.5 * Self.rate))..<(start + Int(1.5 * Self.rate))]
        let frequency = SignalAnalysis.dominantFrequency(steady, sampleRate: Int(Self.rate))
        let level = SignalAnalysis.rmsDB(steady)
        let expectedLevel = 20 * log10(0.5 / 2.0.squareRoot())  // a 0.5-amplitude sine: −9.03 dBFS RMS
        #expect(abs(frequency - 440) <= 2, "heard \(frequency) Hz")
        #expect(abs(level - expectedLevel) <= 1, "heard \(level) dB, expected \(expectedLevel) dB")
        let end = SignalAnalysis.firstSilence(samples, from: start, threshold: Self.silence, minimumRun: 4410) ?? samples.count
        #expect(abs(Double(end - start) / Self.rate - 3.0) < 0.05, "the whole 3 s were heard, no more")
        print("sound: \(String(format: "%.2f", frequency)) Hz at \(String(format: "%.2f", level)) dB for \(String(format: "%.3f", Double(end - start) / Self.rate)) s")
    }

    @Test("Silence begins within 50 ms of pause; sound returns within 50 ms of resume, where it paused")
    func pauseLatency() async throws {
        let session = try await startSession(try await Fixtures.clockFLAC())
        let (hum, recorder) = (session.hum, session.recorder)
        defer { hum.kill(SIGKILL) }

        var latencies: [Double] = []
        var resumeLatencies: [Double] = []
        for _ in 0..<3 {
            // The latency is measured on the wall clock: from sending the command to the moment the first
            // silent frame reached the test through parec. The sink played it before parec delivered it,
            // so this bounds the real delay from above.
            let commandFrame = recorder.frameCount
            let sent = Date()
            hum.send("pause")
            _ = await recorder.frames(atLeast: commandFrame + Int(0.5 * Self.rate), timeout: 5)
            let samples = recorder.samples()
            let quiet = try #require(SignalAnalysis.firstSilence(samples, from: commandFrame - Int(0.2 * Self.rate),
                                                                  threshold: Self.silence, minimumRun: 441))
            let silenceArrived = try #require(recorder.arrivalTime(ofFrame: quiet))
            latencies.append(silenceArrived.timeIntervalSince(sent))
            let before = heardTime(samples, at: quiet - 2048 - 441)

            let resumeFrame = recorder.frameCount
            let resumeSent = Date()
            hum.send("resume")
            _ = await recorder.frames(atLeast: resumeFrame + Int(0.6 * Self.rate), timeout: 5)
            let after = recorder.samples()
            let sound = try #require(SignalAnalysis.firstSound(after, from: resumeFrame, threshold: 0.01))
            resumeLatencies.append(try #require(recorder.arrivalTime(ofFrame: sound)).timeIntervalSince(resumeSent))
            let resumed = heardTime(after, at: sound + 441)
            #expect(abs(resumed - before) < 0.15, "resumed at \(resumed) s after pausing at \(before) s")
            await sleep(seconds: 0.5)
        }
        for latency in latencies { #expect(latency <= 0.050, "silence began \(Int(latency * 1000)) ms after pause") }
        for latency in resumeLatencies { #expect(latency <= 0.050, "sound came back \(Int(latency * 1000)) ms after resume") }
        func milliseconds(_ values: [Double]) -> String { values.map { "\(Int(($0 * 1000).rounded())) ms" }.joined(separator: ", ") }
        print("pause latency (upper bounds): \(milliseconds(latencies)); resume: \(milliseconds(resumeLatencies))")
        await quit(session)
    }

    /// The interface (80×24) on a library of the three one-minute `Fixtures.longTracks`, on `daemon`.
    func interfaceOnLongTracks(daemon: PulseTestDaemon, label: String) async throws -> TmuxSession {
        let home = Fixtures.scratchDirectory(label)
        let library = home + "/hum.sqlite"
        let scan = try await ChildProcess.run(Repository.humBinary, ["scan", "--library", library, try await Fixtures.longTracks()],
                                              environment: ["LANG": "C.UTF-8", "HOME": home], timeout: 120)
        #expect(scan.succeeded, "\(scan.stderr)")
        return try TmuxSession([Repository.humBinary, "--library", library], rows: 24, columns: 80,
                               environment: daemon.environment.merging(["HOME": home, "XDG_CONFIG_HOME": home + "/config"]) { $1 })
    }

    @Test("A track queued next in the last seconds of the one playing follows it with no gap, though another was decoded ahead")
    func playNextInTheLastSecondsIsGapless() async throws {
        let daemon = try await offPool { try PulseTestDaemon() }
        defer { daemon.stop() }
        let recorder = try SinkRecorder(daemon: daemon)
        defer { recorder.stop() }
        await sleep(seconds: Self.sinkWarmUp)
        let terminal = try await interfaceOnLongTracks(daemon: daemon, label: "sound-play-next")
        defer { terminal.kill() }
        let edited = try await offPool {
            try terminal.waitFor { $0.contains("Artist / Album") }
            // The Tracks view, Long One playing, then 0:58 of its 1:00: the engine has decoded Long Two ahead.
            try terminal.send(keys: ["2"])
            try terminal.waitFor { $0.contains("Long Three") }
            try terminal.send(keys: ["g", "Enter"])
            try terminal.waitFor { $0.contains("▶ Long One") }
            try terminal.send(keys: [":"])
            try terminal.waitFor { $0.split(separator: "\n").last?.hasPrefix(":") == true }
            try terminal.type("seek 0:56")
            try terminal.send(keys: ["Enter"])
            try terminal.waitFor { $0.contains("0:58 / 1:00") || $0.contains("0:59 / 1:00") }
            let edited = recorder.frameCount
            try terminal.send(keys: ["G", "E"])
            let next = try terminal.waitFor(timeout: 15) { $0.contains("▶ Long Two") || $0.contains("▶ Long Three") }.screen
            #expect(next.contains("▶ Long Three"), "\(next)")
            return edited
        }
        // What was decoded ahead is dropped and the new track decoded while the rest of the old one plays:
        // the chirp goes on through the hand-off, never 10 ms of silence in the 5 s after the edit.
        let window = edited + 5 * SinkRecorder.sampleRate
        #expect(await recorder.frames(atLeast: window, timeout: 10))
        let heard = recorder.samples()
        let gap = SignalAnalysis.firstSilence(Array(heard[..<min(heard.count, window)]), from: edited,
                                              threshold: Self.silence, minimumRun: 441)
        #expect(gap == nil, "silence \(gap.map { Double($0 - edited) / Self.rate } ?? 0) s after the edit")
        try await offPool { try terminal.send(keys: ["q"]) }
    }

    @Test("In the interface, space during playback silences the sink, and space again brings the sound back")
    func pauseFromTheInterface() async throws {
        let daemon = try await offPool { try PulseTestDaemon() }
        defer { daemon.stop() }
        let recorder = try SinkRecorder(daemon: daemon)
        defer { recorder.stop() }
        await sleep(seconds: Self.sinkWarmUp)
        let terminal = try await interfaceOnLongTracks(daemon: daemon, label: "sound-ui")
        defer { terminal.kill() }
        try await offPool {
            try terminal.waitFor { $0.contains("Artist / Album") }
            try terminal.send(keys: ["Enter"])
            try terminal.waitFor { $0.contains("▶ Long One") }
        }
        await sleep(seconds: 1.5)
        for round in 0..<2 {
            let lately = recorder.samples().suffix(Int(0.3 * Self.rate))
            #expect(SignalAnalysis.firstSound(Array(lately), from: 0, threshold: 0.01) != nil,
                    "round \(round): no sound while playing (peak of the last 0.3 s: \(lately.map(abs).max() ?? 0)); screen:\n\((try? terminal.capture()) ?? "")")
            let pauseFrame = recorder.frameCount
            let pauseSent = Date()
            try await offPool { try terminal.send(keys: ["Space"]) }
            _ = await recorder.frames(atLeast: pauseFrame + Int(0.8 * Self.rate), timeout: 5)
            let samples = recorder.samples()
            let quiet = try #require(SignalAnalysis.firstSilence(samples, from: pauseFrame - Int(0.2 * Self.rate),
                                                                  threshold: Self.silence, minimumRun: 441), "round \(round): never silent after space")
            let silenceLatency = try #require(recorder.arrivalTime(ofFrame: quiet)).timeIntervalSince(pauseSent)
            // Silent from then on: nothing after the pause is sound.
            #expect(SignalAnalysis.firstSound(samples, from: quiet + 441, threshold: 0.01) == nil, "round \(round): sound after the pause")
            let resumeFrame = recorder.frameCount
            let resumeSent = Date()
            try await offPool { try terminal.send(keys: ["Space"]) }
            _ = await recorder.frames(atLeast: resumeFrame + Int(0.8 * Self.rate), timeout: 5)
            let sound = try #require(SignalAnalysis.firstSound(recorder.samples(), from: resumeFrame, threshold: 0.01),
                                     "round \(round): no sound after the second space")
            let soundLatency = try #require(recorder.arrivalTime(ofFrame: sound)).timeIntervalSince(resumeSent)
            // A key goes through tmux and the run loop: well under a quarter of a second either way.
            #expect(silenceLatency < 0.25 && soundLatency < 0.25, "silence after \(silenceLatency) s, sound after \(soundLatency) s")
            print("interface: silence \(Int(silenceLatency * 1000)) ms after space, sound \(Int(soundLatency * 1000)) ms after space")
            await sleep(seconds: 0.5)
        }
        try await offPool {
            try terminal.send(keys: ["q"])
            let deadline = Date().addingTimeInterval(10)
            while !terminal.isDead && Date() < deadline { usleep(20_000) }
        }
        #expect(terminal.isDead)
    }

    @Test("Paused in the interface, with PulseAudio: no thread of hum wakes for 3 s")
    func pausedDoesNotWake() async throws {
        let daemon = try await offPool { try PulseTestDaemon() }
        defer { daemon.stop() }
        let (paused, screen) = try await IdleFigures.ofInterface(environment: daemon.environment, output: [], paused: true, seconds: 3)
        #expect(paused.switches == 0 && paused.cpuSeconds == 0,
                "paused: \(paused.switches) wake-ups (\(paused.wokenThreads.joined(separator: ", "))) and \(paused.cpuSeconds) s of CPU in 3 s; screen:\n\(screen)")
    }

    @Test("While hum analyze runs on both cores, playback has no gap", .enabled(if: GeneratedLibrary.tools != nil))
    func noGapWhileAnalysing() async throws {
        // Enough audio that the analysis outlasts the 20 s played (2,000 two-second files, in debug).
        let music = try await GeneratedLibrary.make(count: 2000, seed: 5)
        let database = Fixtures.scratchDirectory("analysis-load") + "/hum.sqlite"
        let scan = try await ChildProcess.run(Repository.humBinary, ["scan", "--library", database, music], timeout: 600)
        #expect(scan.succeeded, "\(scan.stderr)")
        let session = try await startSession(try await Fixtures.clockFLAC(seconds: 30), settle: 0.5)
        let (hum, recorder) = (session.hum, session.recorder)
        defer { hum.kill(SIGKILL) }
        let analysis = try Spawned(Repository.humBinary, ["analyze", "--library", database, "--threads", "2"])
        defer { analysis.kill(SIGKILL) }
        let start = recorder.frameCount
        _ = await recorder.frames(atLeast: start + Int(20 * Self.rate), timeout: 30)
        #expect(analysis.isRunning, "the analysis ended before the 20 s of playback did: it loaded nothing")
        let samples = recorder.samples()
        let end = min(samples.count, start + Int(20 * Self.rate))
        // The clock signal is a sweep from 200 Hz: 10 ms below the noise floor is a gap.
        let gap = SignalAnalysis.firstSilence(Array(samples[..<end]), from: start, threshold: Self.silence, minimumRun: 441)
        #expect(gap == nil, "a gap \(String(format: "%.2f", Double((gap ?? start) - start) / Self.rate)) s into playback while analysing")
        print("analysis running: \(Double(end - start) / Self.rate) s of playback recorded without a gap")
        await quit(session)
    }

    @Test("After a seek, the audio heard is the sought position")
    func seek() async throws {
        let session = try await startSession(try await Fixtures.clockFLAC())
        let (hum, recorder) = (session.hum, session.recorder)
        defer { hum.kill(SIGKILL) }

        for target in [20.0, 7.5] {
            let commandFrame = recorder.frameCount
            let sent = Date()
            hum.send("seek \(target)")
            _ = await recorder.frames(atLeast: commandFrame + Int(0.8 * Self.rate), timeout: 5)
            let samples = recorder.samples()
            // Walk forward in 10 ms steps until the clock signal tells the new time.
            var frame = commandFrame - Int(0.1 * Self.rate)
            while frame < samples.count - 4096, abs(heardTime(samples, at: frame) - target) > 0.3 { frame += 441 }
            // Wall clock again: when the first window telling the new time had fully reached the test.
            let arrived = try #require(recorder.arrivalTime(ofFrame: frame + 2048))
            let latency = arrived.timeIntervalSince(sent)
            #expect(latency < 0.2, "the new position was heard \(Int(latency * 1000)) ms after the seek")
            // 100 ms later, the clock must read the target plus the time played since.
            let later = frame + Int(0.1 * Self.rate)
            let heard = heardTime(samples, at: later)
            let firstNew = frame
            let expected = target + Double(later - firstNew) / Self.rate
            #expect(abs(heard - expected) < 0.08, "heard \(heard) s, expected about \(expected) s")
            print("seek to \(target) s: heard after \(Int((latency * 1000).rounded())) ms (upper bound), clock reads \(String(format: "%.3f", heard)) s")
            await sleep(seconds: 0.5)
        }
        await quit(session)
    }

    @Test("The sound server dies and comes back: one warning, sound again within 3 s, place kept")
    func daemonLoss() async throws {
        let session = try await startSession(try await Fixtures.clockFLAC(), settle: 3)
        let (daemon, hum) = (session.daemon, session.hum)
        var recorder = session.recorder
        defer { hum.kill(SIGKILL) }

        try daemon.kill()
        let beforeKill = recorder.samples()
        let lastSound = try #require(beforeKill.lastIndex { abs($0) > 0.01 })
        let heardAtKill = heardTime(beforeKill, at: lastSound - 2048)
        recorder.stop()
        await sleep(seconds: 1.0)
        #expect(hum.isRunning, "hum survived the loss of its sound server")
        #expect(hum.stderrText.contains("warning: audio output lost"))

        try daemon.start()
        let restarted = Date()
        recorder = try SinkRecorder(daemon: daemon)
        var soundFrame: Int?
        var reconnectedAfter: Double?
        while soundFrame == nil, Date().timeIntervalSince(restarted) < 6 {
            await sleep(seconds: 0.01)
            if reconnectedAfter == nil, hum.stderrText.contains("audio output restored") {
                reconnectedAfter = Date().timeIntervalSince(restarted)
            }
            soundFrame = SignalAnalysis.firstSound(recorder.samples(), from: 0, threshold: 0.01)
        }
        let backAfter = Date().timeIntervalSince(restarted)
        let frame = try #require(soundFrame, "no sound within 6 s of the restart")
        #expect(backAfter <= 3, "sound came back \(backAfter) s after the server")
        _ = await recorder.frames(atLeast: frame + Int(0.3 * Self.rate), timeout: 5)
        let heardAfter = heardTime(recorder.samples(), at: frame + 441)
        #expect(abs(heardAfter - heardAtKill) < 0.5, "resumed at \(heardAfter) s, lost the server at \(heardAtKill) s")
        #expect(hum.isRunning)
        let warnings = hum.stderrText.split(separator: "\n").filter { $0.contains("audio output lost") }
        #expect(warnings.count == 1, "one warning, not one per attempt: \(hum.stderrText)")
        #expect(hum.stderrText.contains("audio output restored"))
        #expect(!hum.stdoutLines.dropFirst().contains { $0.hasPrefix("playing") }, "the track was not restarted")
        // Most of the wait is the null sink holding a new stream back while it is idle (platform recipes);
        // hum itself reconnects within its backoff (≤ 0.5 s).
        print("daemon loss: heard \(String(format: "%.2f", heardAtKill)) s at the kill, \(String(format: "%.2f", heardAfter)) s after; "
              + "reconnected \(reconnectedAfter.map { String(format: "%.2f", $0) } ?? "?") s and sound back \(String(format: "%.2f", backAfter)) s after the restart")
        hum.send("quit")
        #expect(await hum.exit(timeout: 10).status == 0)
        recorder.stop()
    }

    @Test("Ctrl-C ends hum promptly even while a sound server accepts connections but never answers")
    func quitWhileServerHangs() async throws {
        let session = try await startSession(try await Fixtures.clockFLAC(), settle: 0.5)
        let (daemon, hum) = (session.daemon, session.hum)
        defer { hum.kill(SIGKILL) }
        try daemon.kill()
        session.recorder.stop()
        // A listener on the daemon's socket that accepts and stays silent: hum's reconnection hangs there.
        let socket = daemon.directory + "/native"
        try? FileManager.default.removeItem(atPath: socket)
        let silent = try Spawned("python3", ["-c", """
            import socket, time
            s = socket.socket(socket.AF_UNIX); s.bind('\(socket)'); s.listen(8); s.settimeout(0.2); held = []
            end = time.time() + 30
            while time.time() < end:
                try: held.append(s.accept()[0])
                except Exception: pass
            """])
        defer { silent.kill(SIGKILL) }
        await sleep(seconds: 2)
        #expect(hum.isRunning)
        let sent = Date()
        hum.kill(SIGINT)
        let ended = await hum.exit(timeout: 10)
        let took = Date().timeIntervalSince(sent)
        #expect(!ended.timedOut && ended.status == 130, "ended by the signal's exit status, not killed")
        #expect(took < 3, "hum took \(took) s to quit")
        print("quit while the server hangs: \(String(format: "%.2f", took)) s")
    }
}
