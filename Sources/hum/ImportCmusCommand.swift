import AppRuntime
import ArgumentParser
import Foundation

/// `hum import-cmus`: moving from cmus in one command.
struct ImportCmus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-cmus",
        abstract: "Add cmus's library and playlists to hum's library (cmus's files are only read).",
        discussion: """
            Reads cmus's folder ($CMUS_HOME, or ~/.config/cmus): the files of its library (lib.pl) are scanned into hum's library, and each playlist in playlists/ becomes a hum playlist of the same name. A playlist hum already has by that name is left as it is, so running it again adds only what is new. Files that are gone are counted, not added.

            cmus's colorschemes need no import: :colorscheme NAME in hum finds them where cmus keeps them.
            """)

    @OptionGroup var library: LibraryOptions

    @Option(help: ArgumentHelp("cmus's folder (default: $CMUS_HOME, or $XDG_CONFIG_HOME/cmus, or ~/.config/cmus).", valueName: "DIR"))
    var from: String?

    func run() throws {
        let store = try library.open()
        let directory = from ?? CmusMigration.defaultDirectory(environment: ProcessInfo.processInfo.environment)
        let report = try ProgressBar.whileScanning { try CmusMigration.run(store: store, directory: directory, progress: $0) }
        if let scan = report.scan {
            writeOut("cmus library (\(directory)/lib.pl): \(report.libraryFiles) files"
                     + (report.missingLibraryFiles > 0 ? ", \(report.missingLibraryFiles) no longer there" : "") + "; "
                     + Scan.summaryLine(scan, tracks: try store.trackCount()) + "\n")
            for failure in scan.failures.prefix(5) { writeOut("  failed: \(failure.path): \(failure.reason)\n") }
            if scan.failures.count > 5 { writeOut("  … and \(scan.failures.count - 5) more (hum scan --verbose lists them)\n") }
        } else {
            writeOut("cmus library: no \(directory)/lib.pl\n")
        }
        for list in report.playlists {
            writeOut("playlist \(list.name): \(list.tracks) track\(list.tracks == 1 ? "" : "s")" + (list.missing > 0 ? ", \(list.missing) not found" : "") + "\n")
        }
        for name in report.keptPlaylists { writeOut("playlist \(name): hum has one of that name; kept as it is\n") }
        for failure in report.failures { printError(failure) }
        if report.scan == nil && report.playlists.isEmpty && report.keptPlaylists.isEmpty && report.failures.isEmpty {
            writeOut("nothing to import from \(directory)\n")
        }
    }
}
