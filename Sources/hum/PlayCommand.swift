import ArgumentParser
import AudioFiles
import FileOutputs
import Foundation
import LibraryScanning
import MusicCore
import MusicLibrary
import Playback
import PulseOutput
import Synchronization

struct Play: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Play files or folders without the full-screen interface.",
        discussion: """
            Folders are played recursively in name order. On a terminal, one status line shows what plays; otherwise one line is printed per event (playing, finished, skipped, paused, seeked…).

            Keys (when standard input is a terminal):
              space, c    pause / resume          b, n    next track
              z, p        previous track          v       stop
              ← →, h l    seek -/+ 5 seconds      , .     seek -/+ 1 minute
              + - ↑ ↓     volume +/- 5 %          q       quit

              L           like the track          D       dislike ("never play this")
              U           take back a like or dislike

            With --stdin-commands, one command per line instead: pause, resume, toggle, stop, next, prev, seek 1:30, seek +10, seek -5, vol 50, vol +5, like, unlike, dislike, quit.

            Every listen is kept in the library (see `hum scan`) with its context: when, how much was heard, why it ended. Files not in the library yet are added. Nothing is recorded with --private, or when the setting collect_history is off (`hum settings collect_history off`); likes and dislikes are kept either way.

            The exit status is 1 when any file could not be played; each failure is named on standard error.
            """)

    @Option(help: ArgumentHelp("Where sound goes: pulse, wav:PATH (32-bit float WAV of exactly what would be heard) or null.",
                               valueName: "pulse|wav:PATH|null"))
    var output: OutputChoice = .pulse

    @Option(name: .customLong("replaygain"),
            help: ArgumentHelp("ReplayGain: off, track, album, or auto (album gain while an album plays in order).",
                               valueName: "mode"))
    var replayGain: ReplayGainMode = .auto

    @Option(help: ArgumentHelp("Gain added to files that carry ReplayGain, in dB.", valueName: "dB"))
    var preamp: Double = 0

    @Flag(help: "Let ReplayGain push peaks past full scale (by default the tagged peak limits the gain).")
    var allowClipping = false

    @Option(help: "Volume in percent (0–100).")
    var volume: Int = 100

    @Flag(help: "Read commands from standard input, one per line, instead of keys.")
    var stdinCommands = false

    @Flag(name: .customLong("private"), help: "A private session: no listen, skip or seek of this run is recorded.")
    var privateSession = false

    @OptionGroup var library: LibraryOptions

    @Argument(help: "Audio files or folders.")
    var paths: [String]

    func validate() throws {
        guard Volume.range.contains(volume) else { throw ValidationError("--volume must be between 0 and 100, not \(volume)") }
        guard preamp.isFinite, abs(preamp) <= 30 else { throw ValidationError("--preamp must be between -30 and 30 dB") }
    }

    func run() async throws {
        let files = PlayableFiles.expand(paths)
        guard !files.isEmpty else { throw ValidationError("no audio files in \(paths.joined(separator: ", "))") }
        let queue = QueueBuilder.items(for: files)
        let history = openHistory(files: files)
        let engine = PlaybackEngine(
            output: try makeOutput(),
            configuration: .init(replayGain: ReplayGainSettings(mode: replayGain, preampDB: preamp,
                                                                preventClipping: !allowClipping),
                                 volume: volume),
            openDecoder: { item in
                if let codec = item.codec { return try AudioFileOpener.openDecoder(path: item.path, codec: codec) }
                return try AudioFileOpener.openDecoder(path: item.path)
            })
        let console = Console(interactive: isatty(STDOUT_FILENO) == 1, queueCount: queue.count)
        let quit = QuitSignal()

        let perform: @Sendable (PlayerInput) -> Void = { input in
            switch input {
            case .transport(.quit): quit.request(exitCode: 0, engine: engine)
            case .transport(let command): engine.perform(command)
            case .opinion(let opinion):
                guard let log = history?.log else { return printError("no library: likes cannot be kept") }
                if !log.setOpinion(opinion) { printError("nothing is playing") }
            }
        }
        if stdinCommands {
            TerminalInput.startLines(perform, onError: { printError($0) })
        } else if isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 {
            TerminalInput.startKeys(perform)
        }
        let signals = SignalHandlers.install { signal in
            TerminalInput.restore()
            quit.request(exitCode: 128 + signal, engine: engine, bySignal: true)
        }
        defer { _ = signals }

        engine.play(queue)
        var failures = 0
        eventLoop: for await event in engine.events {
            console.show(event, volume: engine.volume)
            history?.log.handle(event, trackID: { history?.trackIDs[$0.path] }, context: { item in
                item.albumInOrder ? .init(source: .album, sourceName: history?.albums[item.path]) : .init(source: .queue)
            })
            switch event {
            case .failed: failures += 1
            case .outputFailed: failures += 1; break eventLoop
            case .queueFinished: break eventLoop
            default: break
            }
        }
        engine.shutdown()
        history?.log.close()
        TerminalInput.restore()
        console.finish()
        if let code = quit.exitCode, code != 0 { throw ExitCode(code) }
        if failures > 0 { throw ExitCode.failure }
    }

    /// The listening log and the library ids of the files to play; nil (with a warning) when the library
    /// cannot be opened: playback never depends on it.
    private func openHistory(files: [String]) -> PlayHistory? {
        do {
            let store = try LibraryStore(path: library.resolvedPath)
            let ids = try LibraryScanner(store: store).trackIDs(for: files)
            var albums: [String: String] = [:]
            for (path, id) in ids { albums[path] = try store.track(id: id)?.album }
            let records = try !privateSession && store.collectsHistory()
            let log = ListeningLog(store: store, recordsHistory: records, onError: { printError($0) })
            return PlayHistory(log: log, trackIDs: ids, albums: albums)
        } catch {
            printError("\(error); playing without recording history")
            return nil
        }
    }

    private func makeOutput() throws -> any AudioOutput {
        switch output {
        case .null:
            return NullAudioOutput()
        case .wav(let path):
            // Refuse a path that cannot be written before anything plays.
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                printError("cannot write \(path): \(String(cString: strerror(errno)))")
                throw ExitCode.failure
            }
            return WavFileOutput(path: path)
        case .pulse:
            let pulse = try PulseAudioOutput()
            do {
                try pulse.connect()
            } catch {
                printError("cannot connect to PulseAudio (\(error)); is a sound server running? "
                           + "--output wav:PATH or --output null play without one")
                throw ExitCode.failure
            }
            return pulse
        }
    }
}

/// The listening log of a `hum play` run, and the library tracks of its files.
struct PlayHistory: Sendable {
    let log: ListeningLog
    let trackIDs: [String: Int64]
    let albums: [String: String]
}

/// Remembers that the user asked to quit (q, or a signal), and with which exit status.
final class QuitSignal: Sendable {
    private let code = Mutex<Int32?>(nil)

    var exitCode: Int32? { code.withLock { $0 } }

    /// Stops playback (so the listening log sees a stop) and ends the event stream. A second signal (a
    /// second Ctrl-C while something hangs) exits at once, terminal restored.
    func request(exitCode: Int32, engine: PlaybackEngine, bySignal: Bool = false) {
        let first = code.withLock { current -> Bool in
            guard current == nil else { return false }
            current = exitCode
            return true
        }
        guard first else {
            if bySignal {
                TerminalInput.restore()
                _exit(exitCode)
            }
            return
        }
        engine.stop()
        engine.shutdown()
    }
}

/// SIGINT, SIGTERM and SIGHUP handled on a dispatch queue, so the terminal is restored and the WAV file
/// finished before hum exits.
enum SignalHandlers {
    static func install(_ handler: @escaping @Sendable (Int32) -> Void) -> [DispatchSourceSignal] {
        signal(SIGPIPE, SIG_IGN)
        return [SIGINT, SIGTERM, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }
}
