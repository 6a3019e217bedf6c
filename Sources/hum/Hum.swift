import ArgumentParser
import Foundation

@main
struct Hum: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "hum",
        abstract: "A terminal music player that learns your taste on your own machine.",
        discussion: """
            hum plays MP3, FLAC, Ogg Vorbis, Opus, WAV and AIFF files gaplessly, with ReplayGain. Nothing leaves your machine.

            Examples:
              hum play ~/Music/Album              play a folder, in name order
              hum play --output wav:out.wav *.mp3 render what would be heard
              hum probe --json song.opus          format, exact length, tags, gain
            """,
        version: version,
        subcommands: [Play.self, Scan.self, Probe.self, Export.self, ImportListens.self, Forget.self, Settings.self])
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
