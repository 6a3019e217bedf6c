import ArgumentParser
import Foundation
import MusicLibrary

/// `--library PATH`, on every command that reads or writes the library.
struct LibraryOptions: ParsableArguments {
    @Option(name: .customLong("library"),
            help: ArgumentHelp("The library file (default: $XDG_DATA_HOME/hum/hum.sqlite, or ~/.local/share/hum/hum.sqlite).",
                               valueName: "PATH"))
    var path: String?

    var resolvedPath: String { path ?? LibraryStore.defaultPath() }

    /// Opens the library, or exits with one line saying why not.
    func open() throws -> LibraryStore {
        do {
            return try LibraryStore(path: resolvedPath)
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
    }
}
