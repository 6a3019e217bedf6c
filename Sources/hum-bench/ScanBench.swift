import ArgumentParser
import AudioFiles
import Foundation
import HumTestSupport
import LibraryScanning
import MusicCore
import MusicLibrary
import TagLibTags

struct ScanPhases: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan-phases",
        abstract: "Where a scan's time goes, in this process, one thread: walk, content key + format, TagLib, exact length.")

    @Argument(help: "A folder of audio files.")
    var folder: String

    func run() throws {
        var start = Date()
        let walk = FolderWalker().walk([folder])
        let walkSeconds = Date().timeIntervalSince(start)
        print("walk: \(walk.files.count) files in \(String(format: "%.3f", walkSeconds)) s")
        let reader = TrackFileReader()
        start = Date()
        var results: [(TrackFile, TrackMetadata)] = []
        for file in walk.files { if let metadata = try? reader.read(file) { results.append((file, metadata)) } }
        let readSeconds = Date().timeIntervalSince(start)
        print(String(format: "read (key, format, tags, length): %.0f µs/file, %.0f files/s on one core",
                     readSeconds / Double(walk.files.count) * 1e6, Double(walk.files.count) / readSeconds))
        let databasePath = NSTemporaryDirectory() + "hum-scan-phases-\(getpid()).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: databasePath + suffix) } }
        let store = try LibraryStore(path: databasePath)
        start = Date()
        var movable = Set<Int64>()
        var index = 0
        while index < results.count {
            let part = Array(results[index..<min(index + LibraryScanner.batchSize, results.count)])
            _ = try store.saveScannedFiles(part, movable: &movable)
            index += part.count
        }
        let saveSeconds = Date().timeIntervalSince(start)
        print(String(format: "save to the library: %.0f µs/track", saveSeconds / Double(results.count) * 1e6))
        let tags = TagLibTagReader()
        start = Date()
        for file in walk.files {
            let codec = (try? FileSniffer.sniff(path: file.path)).flatMap { if case .audio(let c) = $0 { c } else { nil } } ?? .mpeg
            _ = try? tags.readTags(path: file.path, codec: codec)
        }
        let tagSeconds = Date().timeIntervalSince(start)
        print(String(format: "sniff + TagLib alone: %.0f µs/file", tagSeconds / Double(walk.files.count) * 1e6))
    }
}
