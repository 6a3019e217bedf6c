import ArgumentParser
import Foundation
import LibraryScanning
import MusicLibrary

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add folders to the library, or bring it up to date with what is on disk.",
        discussion: """
            With no folder, rescans the folders scanned before (the first time: $XDG_MUSIC_DIR, or ~/Music). Folders are remembered.

            Unchanged files (same size and modification time) are not opened again. A moved or renamed file keeps its history; a deleted file leaves the library, and its history comes back if the file does. Hidden files and folders are skipped unless --hidden is given.

            On a terminal a progress bar shows files per second and the time left; at the end one summary line counts what was added, updated, moved, removed and what failed (--verbose names each failure and why). The exit status is 0 even when some files fail: they are reported, and the rest is scanned.
            """)

    @OptionGroup var library: LibraryOptions

    @Flag(help: "Also scan hidden files and folders (names starting with a dot).")
    var hidden = false

    @Flag(name: .shortAndLong, help: "List every file that failed, with the reason.")
    var verbose = false

    @Argument(help: "Folders (or files) to scan.")
    var folders: [String] = []

    func run() throws {
        let store = try library.open()
        var roots = folders
        if roots.isEmpty {
            roots = try store.scanFolders()
            if roots.isEmpty { roots = [Self.defaultMusicFolder()] }
        }
        let interactive = isatty(STDERR_FILENO) == 1
        let scanner = LibraryScanner(store: store, includeHidden: hidden)
        let summary = try ProgressBar.whileScanning { try scanner.scan(roots, progress: $0) }
        try store.rememberScanFolders(roots.map(LibraryScanner.absolute).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        })
        writeOut(Self.summaryLine(summary, tracks: try store.trackCount()) + "\n")
        if verbose {
            for failure in summary.failures { writeOut("failed: \(failure.path): \(failure.reason)\n") }
        } else if !summary.failures.isEmpty && interactive {
            writeErr("hum: \(summary.failures.count) files could not be read; --verbose lists them\n")
        }
    }

    static func summaryLine(_ summary: ScanSummary, tracks: Int) -> String {
        var parts = ["\(summary.added) added", "\(summary.updated) updated", "\(summary.moved) moved"]
        if summary.reconnected > 0 { parts.append("\(summary.reconnected) back") }
        parts += ["\(summary.removed) removed", "\(summary.failures.count) failed", "\(summary.unchanged) unchanged"]
        if summary.tagWarnings > 0 { parts.append("\(summary.tagWarnings) without readable tags") }
        let rate = summary.seconds > 0 ? Int(Double(summary.filesOpened) / summary.seconds) : 0
        return "scanned \(summary.files) files in \(TimeText.seconds(summary.seconds)): " + parts.joined(separator: ", ")
            + "; \(tracks) tracks in the library" + (summary.filesOpened > 0 ? " (\(rate) files/s)" : "")
    }

    /// `$XDG_MUSIC_DIR` (from the environment or ~/.config/user-dirs.dirs), else ~/Music.
    static func defaultMusicFolder() -> String {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"] ?? NSHomeDirectory()
        if let music = environment["XDG_MUSIC_DIR"], !music.isEmpty { return music }
        let config = environment["XDG_CONFIG_HOME"] ?? home + "/.config"
        if let dirs = try? String(contentsOfFile: config + "/user-dirs.dirs", encoding: .utf8) {
            for line in dirs.split(separator: "\n") where line.hasPrefix("XDG_MUSIC_DIR=") {
                let value = line.dropFirst("XDG_MUSIC_DIR=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.replacingOccurrences(of: "$HOME", with: home)
            }
        }
        return home + "/Music"
    }
}

/// The scan's progress line on a terminal: a bar, files per second and the time left.
struct ProgressBar {
    static let width = 30

    /// Runs a scan with its progress line on standard error (on a terminal), cleared at the end; a
    /// failure is one line and exit status 1.
    static func whileScanning<T>(_ scan: ((ScanProgress) -> Void) throws -> T) throws -> T {
        let interactive = isatty(STDERR_FILENO) == 1
        let bar = ProgressBar()
        do {
            let result = try scan { progress in
                if interactive { writeErr(bar.line(progress)) }
            }
            if interactive { writeErr("\r\u{1B}[K") }
            return result
        } catch {
            if interactive { writeErr("\r\u{1B}[K") }
            printError("\(error)")
            throw ExitCode.failure
        }
    }

    func line(_ progress: ScanProgress) -> String {
        line(done: progress.done, total: progress.total, unit: "files", rate: progress.filesPerSecond,
             remaining: progress.remaining)
    }

    func line(done: Int, total: Int, unit: String, rate: Double, remaining: Double?) -> String {
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let filled = Int((fraction * Double(Self.width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: Self.width - filled)
        let eta = remaining.map { "ETA \(TimeText.seconds($0))" } ?? "ETA --"
        return "\r\u{1B}[K[\(bar)] \(done)/\(total) \(unit), \(Int(rate)) \(unit)/s, \(eta)"
    }
}

/// Short human durations: "0.4 s", "12 s", "3 min 20 s".
enum TimeText {
    static func seconds(_ value: Double) -> String {
        if value < 10 { return "\((value * 10).rounded() / 10) s" }
        if value < 60 { return "\(Int(value.rounded())) s" }
        let total = Int(value.rounded())
        return "\(total / 60) min \(total % 60) s"
    }
}
