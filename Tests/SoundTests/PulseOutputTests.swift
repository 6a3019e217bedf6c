import Foundation
import HumTestSupport
import MusicCore
import PulseOutput
import Testing

@Suite("PulseAudioOutput against a real daemon")
struct PulseOutputTests {
    /// The stream waits for the server between being asked for and being ready, with the lock let go: a
    /// pause or resume then cannot cork the stream itself, and must be applied once it is ready. The
    /// daemon is stopped (SIGSTOP) to hold the stream in that wait while the resume comes.
    @Test("A resume while the stream connects uncorks it once ready: what is written then is played", .timeLimit(.minutes(1)))
    func resumeWhileConnecting() async throws {
        let daemon = try await offPool { try PulseTestDaemon() }
        defer { daemon.stop() }
        let pid = try #require(pid_t(try String(contentsOfFile: daemon.directory + "/pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        let output = try PulseAudioOutput(server: daemon.environment["PULSE_SERVER"])
        let format = AudioFormat(sampleRate: 44100, channels: 2)
        try await offPool { try output.open(format: format) }  // the connection, ready; then a new stream
        output.setPaused(true)
        kill(pid, SIGSTOP)
        let opening = Task { try await offPool { try output.open(format: format) } }
        try await Task.sleep(for: .milliseconds(300))
        output.setPaused(false)
        kill(pid, SIGCONT)
        try await opening.value
        // Three seconds of audio: far beyond what the server buffers, so it must play to take it all.
        let frames = 3 * format.sampleRate
        let playedAll = Task {
            try await offPool { () -> Bool in
                let samples = [Float](repeating: 0.1, count: frames * format.channels)
                var written = 0
                while written < frames {
                    let count = try samples.withUnsafeBufferPointer { try output.write($0.baseAddress! + written * format.channels, frames: frames - written) }
                    if count == 0 { return false }  // interrupted: it did not play
                    written += count
                }
                return true
            }
        }
        let deadline = Date().addingTimeInterval(12)
        let watchdog = Task {
            while Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
            output.discardBuffered()  // a corked stream never takes the rest: end the write
        }
        let played = try await playedAll.value
        watchdog.cancel()
        #expect(played, "the stream stayed corked after the resume")
        output.close()
    }

    /// The end of the queue is reported after the drain: a server that never confirms it must not hold
    /// the next entry back. The daemon is stopped (SIGSTOP) with audio buffered, so no confirmation comes.
    @Test("A drain returns once the audio has played; a server that never confirms it is given up on after its bound", .timeLimit(.minutes(1)))
    func drainIsBounded() async throws {
        let daemon = try await offPool { try PulseTestDaemon() }
        defer { daemon.stop() }
        let pid = try #require(pid_t(try String(contentsOfFile: daemon.directory + "/pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        let output = try PulseAudioOutput(server: daemon.environment["PULSE_SERVER"])
        defer { output.close() }
        let format = AudioFormat(sampleRate: 44100, channels: 2)
        try await offPool { try output.open(format: format) }
        /// Writes `seconds` of quiet audio (blocking while the server's buffer is full).
        @Sendable func play(_ seconds: Double) throws {
            let frames = Int(seconds * Double(format.sampleRate))
            let samples = [Float](repeating: 0.01, count: frames * format.channels)
            var written = 0
            while written < frames {
                written += try samples.withUnsafeBufferPointer { try output.write($0.baseAddress! + written * format.channels, frames: frames - written) }
            }
        }
        // A live server: the drain waits for the buffered audio (≤ 250 ms) and succeeds.
        let live = try await offPool { () throws -> Double in
            try play(0.5)
            let start = Date()
            try output.drain()
            return Date().timeIntervalSince(start)
        }
        #expect(live < 1.5, "a drain on a live server took \(live) s")
        // A frozen server: the drain gives up after the buffer and 2 s, and says why.
        let frozen = try await offPool { () -> (seconds: Double, error: String?) in
            try play(0.5)
            kill(pid, SIGSTOP)
            defer { kill(pid, SIGCONT) }
            let start = Date()
            do {
                try output.drain()
                return (Date().timeIntervalSince(start), nil)
            } catch {
                return (Date().timeIntervalSince(start), "\(error)")
            }
        }
        #expect(frozen.seconds >= 2 && frozen.seconds < 5, "gave up after \(frozen.seconds) s")
        #expect(frozen.error?.contains("did not confirm the end of the audio") == true, "\(frozen.error ?? "no error")")
    }
}
