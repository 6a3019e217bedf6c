import Foundation
import MusicCore

/// Turns the paths a user typed into the files to play: files as given, folders walked recursively in
/// name order (hidden entries skipped, symbolic-link loops avoided).
public enum PlayableFiles {
    /// File name extensions worth opening when walking a folder. Files named on the command line are
    /// always tried, whatever their name.
    public static let audioExtensions: Set<String> = ["mp3", "mp2", "mp1", "mpga", "flac", "ogg", "oga", "opus", "wav", "aif", "aiff"]

    public static func expand(_ paths: [String]) -> [String] {
        var result: [String] = []
        var visited = Set<String>()
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                walk(URL(fileURLWithPath: path), into: &result, visited: &visited)
            } else {
                result.append(path)
            }
        }
        return result
    }

    private static func walk(_ folder: URL, into result: inout [String], visited: inout Set<String>) {
        let real = folder.resolvingSymlinksInPath().path
        guard visited.insert(real).inserted else { return }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names.sorted(by: NaturalOrder.areInIncreasingOrder) where !name.hasPrefix(".") {
            let url = folder.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                walk(url, into: &result, visited: &visited)
            } else if audioExtensions.contains(url.pathExtension.lowercased()) {
                result.append(url.path)
            }
        }
    }
}
