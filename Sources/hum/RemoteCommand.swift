import AppRuntime
import ArgumentParser
import Foundation

/// `hum remote COMMAND…`: controls the running interface, as `cmus-remote` controls cmus.
struct Remote: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Control the running interface: any : command, or its status.",
        discussion: """
            The words are one : command line, as typed in the interface (quote as there: hum remote 'pl-create "My Mix"'); relative file paths are taken from where you run it (hum remote play song.mp3). The interface carries it out and says what its status bar would; the exit status is 1 when it refuses.

            Examples (cmus-remote's in brackets):
              hum remote pause          pause or resume          (-u)
              hum remote next           next track               (-n)
              hum remote prev           previous track           (-r)
              hum remote stop           stop                     (-s)
              hum remote vol +5         volume up                (-v +5%)
              hum remote seek -10       seek back 10 s           (-k -10)
              hum remote like           like the playing track
              hum remote status         what plays: status, file, position, tag …  (-Q)

            It talks to the interface on the same library (--library) through a socket beside the library file, readable by you alone; nothing goes over a network.
            """)

    @Flag(name: [.customShort("Q"), .customLong("status")], help: "Print the player's status (the same as the command `status`).")
    var status = false

    /// Everything from the first word on is the command, dashes included (`seek -10`, `vol -5`).
    @Argument(parsing: .captureForPassthrough,
              help: ArgumentHelp("A : command line (the interface's ? lists every command); options go before it.", valueName: "COMMAND"))
    var words: [String] = []

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if status == !words.isEmpty {
            throw ValidationError(status ? "give --status or a command, not both" : "give a command (like pause, next or status)")
        }
    }

    func run() throws {
        let path = RemoteSocket.path(forLibrary: library.resolvedPath, environment: ProcessInfo.processInfo.environment)
        do {
            let line = status ? "status"
                : RemoteSocket.resolvingPaths(words.joined(separator: " "), against: FileManager.default.currentDirectoryPath)
            let lines = try RemoteSocket.send(line, to: path)
            for line in lines { writeOut(line + "\n") }
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
    }
}
