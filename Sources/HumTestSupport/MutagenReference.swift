import Foundation

/// mutagen's reading of a folder of audio files (`../tools/mutagen_reference.py` beside the corpora),
/// and the comparison of a reading by hum with it, field by field.
public enum MutagenReference {
    /// mutagen types hum plays.
    public static let playableTypes: Set = ["MP3", "FLAC", "OggVorbis", "OggOpus", "WAVE", "AIFF"]

    public struct Row: Decodable, Sendable {
        public var path: String
        public var type: String?
        public var length: Double?
        public var sample_rate: Int?
        public var channels: Int?
        public var tags: [String: String]?
        public var error: String?
    }

    /// What hum read of a file, whichever way (probe or library scan).
    public struct Reading: Sendable {
        public var duration: Double?
        public var sampleRate: Int?
        public var channels: Int?
        public var title: String?
        public var artists: [String]
        public var album: String?
        public var trackNumber: Int?
        public var year: Int?
        public var genres: [String]

        public init(duration: Double?, sampleRate: Int?, channels: Int?, title: String?, artists: [String], album: String?,
                    trackNumber: Int?, year: Int?, genres: [String]) {
            self.duration = duration
            self.sampleRate = sampleRate
            self.channels = channels
            self.title = title
            self.artists = artists
            self.album = album
            self.trackNumber = trackNumber
            self.year = year
            self.genres = genres
        }
    }

    /// Runs the reference dumper over `root`: the rows of files of a playable type that mutagen parsed.
    public static func rows(root: String) async throws -> [Row] {
        let tool = URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("tools/mutagen_reference.py").path
        let dump = try await ChildProcess.run("python3", [tool, root], timeout: 300)
        guard dump.succeeded else { throw ChildProcess.Failure(description: "mutagen_reference.py failed (is mutagen installed?): \(dump.stderr)") }
        // Rows of other types carry other shapes (WavPack's "channels": true): look at the type first.
        struct TypeOnly: Decodable { var type: String? }
        return try dump.stdoutLines
            .filter { playableTypes.contains((try? JSONDecoder().decode(TypeOnly.self, from: Data($0.utf8)))?.type ?? "") }
            .map { try JSONDecoder().decode(Row.self, from: Data($0.utf8)) }
            .filter { $0.error == nil }
    }

    static func leadingNumber(_ text: String?) -> Int? {
        guard let digits = text?.trimmingCharacters(in: .whitespaces).prefix(while: \.isNumber), !digits.isEmpty else { return nil }
        return Int(digits)
    }

    static func year(_ text: String?) -> Int? {
        guard let text, let range = text.range(of: #"(?<!\d)\d{4}(?!\d)"#, options: .regularExpression) else { return nil }
        return Int(text[range])
    }

    /// The fields that differ between mutagen's reading and hum's (white space around values ignored).
    public static func differences(_ reference: Row, _ reading: Reading) -> Set<String> {
        var differing = Set<String>()
        let tags = reference.tags ?? [:]
        func clean(_ text: String?) -> String? {
            let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed?.isEmpty == false ? trimmed : nil
        }
        func check<T: Equatable>(_ field: String, _ theirs: T?, _ ours: T?) {
            if let theirs, theirs != ours { differing.insert(field) }
        }
        check("title", clean(tags["title"]), clean(reading.title))
        check("artist", clean(tags["artist"]), clean(reading.artists.first))
        check("album", clean(tags["album"]), clean(reading.album))
        check("track", leadingNumber(tags["track"]), reading.trackNumber)
        check("year", year(tags["date"]), reading.year)
        check("genre", clean(tags["genre"]), clean(reading.genres.first))
        if let length = reference.length, let duration = reading.duration, abs(length - duration) > 0.05 {
            differing.insert("length")
        }
        check("sample rate", reference.sample_rate, reading.sampleRate)
        check("channels", reference.channels, reading.channels)
        return differing
    }
}
