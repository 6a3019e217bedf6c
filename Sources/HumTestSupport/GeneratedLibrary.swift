import Foundation

/// Libraries made by `../shared/tools/gen_library.py` (tagged MP3/FLAC/Ogg/Opus files with a manifest of
/// what each file's tags should read), cached by size and seed for the run.
public enum GeneratedLibrary {
    /// The shared tools folder (`$HUM_SHARED_TOOLS`, or `../shared/tools` beside the repository), or nil.
    public static var tools: String? {
        let candidates = [ProcessInfo.processInfo.environment["HUM_SHARED_TOOLS"],
                          Repository.root + "/../shared/tools"].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/gen_library.py") }
    }

    private static let store = FixtureStore()

    /// A library of `count` files in its own folder (made once per run and seed).
    public static func make(count: Int, seed: Int = 1, flat: Bool = false) async throws -> String {
        guard let tools else { throw GeneratedLibraryError.noTools }
        let folder = Fixtures.directory + "/library-\(count)-\(seed)\(flat ? "-flat" : "")"
        return try await store.file(atPath: folder) { folder in
            // Started from a thread that blocks no signal: a spawned program inherits the caller's signal
            // mask, and the test runner's threads block SIGTERM, which is how gen_library.py's
            // multiprocessing pool ends its workers (`Pool.__exit__` terminates them). With it blocked the
            // pool never finished, whenever the fixture happened to be made from such a thread. A second
            // try, said aloud, remains for anything else.
            for attempt in 1...2 {
                try? FileManager.default.removeItem(atPath: folder)
                let arguments = [tools + "/gen_library.py", folder, "--count", "\(count)", "--seed", "\(seed)",
                                 "--max-seconds", "2", "--jobs", "2"] + (flat ? ["--flat"] : [])
                let result = try CmusInteractive.onThreadWithoutBlockedSignals {
                    try ChildProcess.run("python3", arguments, timeout: 60 + Double(count) / 100)
                }
                if result.succeeded { return }
                print("gen_library.py \(result.timedOut ? "timed out" : "failed") (attempt \(attempt)): \(result.stderr)")
                if attempt == 2 { throw GeneratedLibraryError.failed(result.timedOut ? "timed out" : result.stderr) }
            }
        }
    }

    /// The manifest rows: path (relative), format, seconds, expected tags.
    public static func manifest(_ folder: String) throws -> [ManifestRow] {
        let text = try String(contentsOfFile: folder + "/manifest.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(ManifestRow.self, from: Data($0.utf8)) }
    }

    public struct ManifestRow: Decodable, Sendable {
        public var path: String
        public var format: String
        public var variant: String
        public var seconds: Double
        public var id3v1: Bool
        public var expected: Expected
    }

    public struct Expected: Decodable, Sendable {
        public var title: String?
        public var artist: String?
        public var artists: [String]?
        public var album: String?
        public var albumartist: String?
        public var track: Int?
        public var disc: Int?
        public var year: Int?
        public var genre: String?
    }
}

public enum GeneratedLibraryError: Error, CustomStringConvertible {
    case noTools
    case failed(String)
    public var description: String {
        switch self {
        case .noTools: "gen_library.py not found (set HUM_SHARED_TOOLS or put ../shared/tools beside the repository)"
        case .failed(let why): "gen_library.py failed: \(why)"
        }
    }
}
