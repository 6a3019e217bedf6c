import ArgumentParser
import Foundation
import Synchronization

/// hum's entry point: synchronous, so that a command that needs no Swift concurrency never starts a
/// thread of its pool. The interface (`Open`) is one: on Linux the first job libdispatch hands to a worker
/// thread starts its pool monitor, a timer that wakes the process every second for as long as it runs,
/// and an idle or paused hum must not wake at all. ArgumentParser's own async `main` ran every command
/// on the pool. Async commands (`hum play`…) still run there, and this thread waits for them.
@main
enum Entry {
    static func main() {
        do {
            let command = try Hum.parseAsRoot()
            if let asynchronous = command as? AsyncParsableCommand {
                try runWaiting(asynchronous)
            } else {
                var command = command
                try command.run()
            }
        } catch {
            Hum.exit(withError: error)
        }
    }

    private static func runWaiting(_ command: sending AsyncParsableCommand) throws {
        let done = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        Task {
            var command = command
            do { try await command.run() } catch { failure.withLock { $0 = error } }
            done.signal()
        }
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }
}

struct Hum: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "hum",
        abstract: "A terminal music player that learns your taste on your own machine.",
        discussion: """
            hum plays MP3, FLAC, Ogg Vorbis, Opus, WAV and AIFF files gaplessly, with ReplayGain, and remembers what you play, skip and like in one SQLite file on your machine (~/.local/share/hum/hum.sqlite). Nothing leaves your machine unless you turn on sync (`hum sync enable`), which sends only noised, anonymous reports (`hum privacy log` shows every one).

            Examples:
              hum                                 the interface (? lists its keys)
              hum scan ~/Music                    add a folder to the library
              hum scan                            bring the library up to date
              hum play ~/Music/Album              play a folder in name order
              hum play --private ~/Music          play without recording anything
              hum play --output wav:out.wav *.mp3 render what would be heard
              hum probe --json song.opus          format, exact length, tags, gain
              hum export --out ~/hum-data         all hum knows about you, readable
              hum forget --all                    erase your listening history
              hum analyze                         let hum hear the library (for smart shuffle)
              hum why --current                   why hum would pick what played last
              hum remote pause                    pause the running interface (status, next…)
              hum import-cmus                     bring your cmus library and playlists
            """,
        version: version,
        subcommands: [Open.self, Play.self, Scan.self, Probe.self, Export.self, ImportListens.self, Forget.self, Settings.self, Config.self,
                      Analyze.self, Why.self, Lab.self, TasteCommand.self, SyncCommand.self, PrivacyCommand.self, Remote.self, ImportCmus.self],
        defaultSubcommand: Open.self)
}

/// Writes one line to standard error, prefixed with the program name.
func printError(_ message: String) {
    writeErr("hum: \(message)\n")
}

/// Writes to standard output, ignoring a closed pipe or terminal (`hum play | head -1`, a hang-up):
/// the player goes on, and a WAV output still gets finished.
func writeOut(_ text: String) {
    try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
}

func writeErr(_ text: String) {
    try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
}
