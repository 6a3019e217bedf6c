import Foundation
import MusicCore

/// Reads the few bytes `AudioFileSniffer` needs: it skips ID3v2 tags (as many as are stacked, each
/// possibly megabytes of cover art) and reads what follows.
public enum FileSniffer {
    public static func sniff(path: String) throws -> SniffResult {
        try sniffWithHead(path: path).result
    }

    /// The verdict and the bytes it was made from (where the audio data starts, after any ID3v2 tags).
    public static func sniffWithHead(path: String) throws -> (result: SniffResult, head: [UInt8]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AudioFileError.unreadable(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw AudioFileError.unreadable(path: path, reason: "is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw AudioFileError.unreadable(path: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        do {
            var offset: UInt64 = 0
            var hadID3 = false
            while true {
                try handle.seek(toOffset: offset)
                let header = [UInt8](try handle.read(upToCount: 10) ?? Data())
                guard let size = AudioFileSniffer.id3v2TagSize(header) else { break }
                hadID3 = true
                offset += UInt64(size)
            }
            try handle.seek(toOffset: offset)
            let head = [UInt8](try handle.read(upToCount: AudioFileSniffer.headLength) ?? Data())
            let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
            return (AudioFileSniffer.classify(head: head, hadID3v2: hadID3, fileExtension: ext), head)
        } catch {
            throw AudioFileError.unreadable(path: path, reason: "\(error)")
        }
    }
}
