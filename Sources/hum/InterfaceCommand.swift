import AppRuntime
import ArgumentParser
import Foundation
import Synchronization

/// `hum` (no command): the full-screen interface on the library.
struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "The full-screen interface (what plain `hum` runs).",
        discussion: """
            Views on the number keys: 1 Library, 2 Tracks, 3 Playlists, 4 Queue, 5 Browser, 6 Settings, 7 Privacy. ? lists every key and command; : opens the command line (Tab completes); / searches the view; F filters the whole library (artist:bjork year:>1995, plays:>5 liked:yes); w says why a song plays, t shows its lyrics; i finds the track playing; Ctrl-r repeats it, C stops after it.

            Settings and keys: ~/.config/hum/config.toml (hum config --defaults prints every setting); themes: ~/.config/hum/themes/, and cmus's colorschemes (:colorscheme zenburn). The queue, track, position, view and filter come back on restart.

            Media keys and desktop widgets see it over MPRIS (playerctl play-pause, playerctl metadata); a private session names no track there; mpris = "off" keeps hum off the session bus. hum remote drives it from scripts.
            """)

    @Option(help: ArgumentHelp("Where sound goes: pulse, wav:PATH or null.", valueName: "pulse|wav:PATH|null"))
    var output: OutputChoice = .pulse

    @Option(help: ArgumentHelp("The config file (default: ~/.config/hum/config.toml).", valueName: "PATH"))
    var config: String?

    @Flag(name: .customLong("private"), help: "A private session: nothing of this run is recorded.")
    var privateSession = false

    @OptionGroup var library: LibraryOptions

    func run() throws {
        let target: InterfaceOutput = switch output {
        case .pulse: .pulse
        case .null: .null
        case .wav(let path): .wav(path)
        }
        let options = InterfaceOptions(libraryPath: library.resolvedPath, output: target, configPath: config,
                                       privateSession: privateSession, environment: ProcessInfo.processInfo.environment)
        // The interface blocks its thread for the whole session: a thread of its own with a known stack,
        // waited for without Swift's concurrency (see `Entry`).
        let status = Mutex<Int32>(0)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            status.withLock { $0 = Interface.run(options) }
            done.signal()
        }
        thread.name = "hum-interface"
        thread.stackSize = 8 << 20
        thread.start()
        done.wait()
        let code = status.withLock { $0 }
        if code != 0 { throw ExitCode(code) }
    }
}

/// `hum config --defaults`: every setting of config.toml with its default and what it does.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the interface's configuration.",
        discussion: "The file is ~/.config/hum/config.toml ($XDG_CONFIG_HOME/hum/config.toml): settings at the top, key bindings under [keys].")

    @Flag(help: "Print every setting and key binding with its default, as a config file.")
    var defaults = false

    func run() throws {
        guard defaults else {
            let path = InterfaceConfig.defaultPath(environment: ProcessInfo.processInfo.environment)
            let loaded = InterfaceConfig.load(path: path)
            writeOut("config file: \(path)\(FileManager.default.fileExists(atPath: path) ? "" : " (not there: every setting is the default)")\n")
            for problem in loaded.problems { printError(problem) }
            for setting in InterfaceSetting.all { writeOut("\(setting.key) = \(loaded.value(setting.key))\n") }
            return
        }
        writeOut(InterfaceConfig.defaultsText())
    }
}
