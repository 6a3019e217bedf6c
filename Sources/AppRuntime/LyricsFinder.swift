import AppCore
import AudioFiles
import Foundation
import TagLibTags

/// Where a track's lyrics are: a `.lrc` file of the same name beside it (what lyrics tools write, and
/// the only place for timed lines in most libraries), else the file's own tags (ID3 USLT, a Vorbis
/// comment LYRICS or UNSYNCEDLYRICS). Read when the panel asks, never at scan time: the library does
/// not store them.
enum LyricsFinder {
    /// A sidecar larger than this is not read (lyrics are kilobytes).
    static let sizeLimit = 1 << 20

    static func find(path: String) -> Lyrics? {
        let base = (path as NSString).deletingPathExtension
        for sidecar in [base + ".lrc", base + ".LRC"] {
            guard let text = readText(sidecar) else { continue }
            if let lyrics = Lyrics.parse(text, source: "from " + (sidecar as NSString).lastPathComponent) { return lyrics }
        }
        guard let codec = try? AudioFileOpener.identify(path: path),
              let tags = try? TagLibTagReader().readTags(path: path, codec: codec, audioProperties: false) else { return nil }
        let keys = tags.properties.keys.filter { $0 == "LYRICS" || $0.hasPrefix("LYRICS:") || $0 == "UNSYNCEDLYRICS" }.sorted()
        for key in keys {
            for value in tags.properties[key] ?? [] where value.utf8.count <= sizeLimit {
                if let lyrics = Lyrics.parse(value, source: "from the file's tags") { return lyrics }
            }
        }
        return nil
    }

    /// A small text file as UTF-8, or Windows-1252 when it is not (older lyrics files); nil when it is
    /// missing, too large or not a regular file.
    static func readText(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let size = attributes[.size] as? Int, size <= sizeLimit,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(data: data, encoding: .utf8) ?? String(data: data, encoding: .windowsCP1252)
    }
}
