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
        subcommands: [Play.self, Probe.self])
}

/// Writes one line to standard error, prefixed with the program name.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("hum: \(message)\n".utf8))
}
