import Foundation
import MusicCore

/// Turns rows of `LibraryStore.trackColumns` into `LibraryTrack`s, reading SQLite's columns in place.
///
/// The UI reads the whole library at start and after every scan: 100,000 tracks through GRDB's `Row`
/// (an object and a `DatabaseValue` array per row, each value converted again) took most of a second.
/// Here each column is read by position straight from the statement, and the columns that repeat from one
/// row to the next in library order (format, album artist, album, genre, release id, the artists list) hand
/// out the previous row's string again when the bytes are the same: no new allocation, no second JSON
/// decode, and 100,000 tracks in memory share one copy of each album's name.
struct TrackRowReader {
    private var format = RepeatedText()
    private var artists = RepeatedList()
    private var albumArtist = RepeatedText()
    private var album = RepeatedText()
    private var genre = RepeatedText()
    private var releaseID = RepeatedText()

    /// The track on the statement's current row (columns in `LibraryStore.trackColumns` order).
    mutating func track(_ row: RawStatement) -> LibraryTrack {
        LibraryTrack(
            id: row.int64(at: 0), path: row.textOrNil(at: 1) ?? "", rawPath: row.bytesOrNil(at: 2),
            format: format.read(row, at: 3) ?? "", duration: row.doubleOrNil(at: 4), sampleRate: row.intOrNil(at: 5),
            channels: row.intOrNil(at: 6), title: row.textOrNil(at: 7), artists: artists.read(row, at: 8),
            albumArtist: albumArtist.read(row, at: 9), album: album.read(row, at: 10), discNumber: row.intOrNil(at: 11),
            trackNumber: row.intOrNil(at: 12), year: row.intOrNil(at: 13), genre: genre.read(row, at: 14),
            musicBrainzRecordingID: row.textOrNil(at: 15), musicBrainzReleaseID: releaseID.read(row, at: 16),
            replayGain: ReplayGainInfo(trackGain: row.doubleOrNil(at: 17), trackPeak: row.doubleOrNil(at: 18),
                                       albumGain: row.doubleOrNil(at: 19), albumPeak: row.doubleOrNil(at: 20)),
            isPresent: row.isNull(at: 21))
    }

    /// Every remaining row of `statement`, then resets it.
    mutating func readAll(_ statement: RawStatement, reservingCapacity capacity: Int = 0) throws -> [LibraryTrack] {
        defer { statement.reset() }
        var tracks: [LibraryTrack] = []
        tracks.reserveCapacity(capacity)
        while try statement.step() { tracks.append(track(statement)) }
        return tracks
    }

    /// The first row of `statement`, if any, then resets it.
    mutating func readOne(_ statement: RawStatement) throws -> LibraryTrack? {
        defer { statement.reset() }
        return try statement.step() ? track(statement) : nil
    }
}

/// The text last read from one column, given out again while the next rows hold the same bytes.
struct RepeatedText {
    private var last: String?

    mutating func read(_ row: RawStatement, at column: Int32) -> String? {
        guard let bytes = row.utf8(at: column) else { return nil }
        if let last, Self.same(last, bytes) { return last }
        let text = String(decoding: bytes, as: UTF8.self)
        last = text
        return text
    }

    /// Byte for byte (not Unicode equivalence: a differently normalised name must be kept as stored).
    /// Text that was not valid UTF-8 was repaired when decoded, so it never matches and is decoded again.
    static func same(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.utf8.count == bytes.count else { return false }
        guard let base = bytes.baseAddress else { return true }
        return text.utf8.withContiguousStorageIfAvailable { stored in
            memcmp(stored.baseAddress!, base, bytes.count) == 0
        } ?? false
    }
}

/// A JSON string list column (`artists`), decoded again only when its text changes from the last row.
struct RepeatedList {
    private var lastText: String?
    private var lastList: [String] = []

    mutating func read(_ row: RawStatement, at column: Int32) -> [String] {
        guard let bytes = row.utf8(at: column) else { return [] }
        if let lastText, RepeatedText.same(lastText, bytes) { return lastList }
        let text = String(decoding: bytes, as: UTF8.self)
        lastText = text
        lastList = JSONStringList.decode(text) ?? []
        return lastList
    }
}
