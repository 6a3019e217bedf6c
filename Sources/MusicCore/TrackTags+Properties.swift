import Foundation

/// Reading `TrackTags` out of a property map: TagLib's unified keys ("TITLE", "ALBUMARTIST",
/// "TRACKNUMBER", "REPLAYGAIN_TRACK_GAIN", "R128_TRACK_GAIN"…), which look the same for ID3v2 (TXXX
/// descriptions become keys), Vorbis comments and APE tags.
extension TrackTags {
    public init(properties raw: [String: [String]], codec: AudioCodec?) {
        // Values are kept as tagged (mutagen and other players show " Leading space" as is); blank ones go.
        // A map that is clean already (upper-case keys, no blank or empty entry: the usual case) is kept
        // as it is rather than copied.
        let clean = raw.allSatisfy { key, values in
            !values.isEmpty && Self.isUppercaseASCII(key) && !values.contains(where: Self.isBlank)
        }
        var map: [String: [String]] = clean ? raw : [:]
        if !clean {
            map.reserveCapacity(raw.count)
            for (key, values) in raw {
                let cleaned = values.contains(where: Self.isBlank) ? values.filter { !Self.isBlank($0) } : values
                guard !cleaned.isEmpty else { continue }
                map[Self.uppercasedKey(key), default: []].append(contentsOf: cleaned)
            }
        }
        func first(_ keys: String...) -> String? {
            for key in keys { if let value = map[key]?.first { return value } }
            return nil
        }
        func all(_ key: String) -> [String] { map[key] ?? [] }

        let track = Self.parseNumberPair(first("TRACKNUMBER"))
        let disc = Self.parseNumberPair(first("DISCNUMBER"))
        let date = first("DATE", "YEAR", "ORIGINALDATE", "ORIGINALYEAR")
        let artists = map["ARTISTS"] ?? all("ARTIST")

        var gain = ReplayGainInfo(
            trackGain: first("REPLAYGAIN_TRACK_GAIN").flatMap(ReplayGainInfo.parseGain),
            trackPeak: first("REPLAYGAIN_TRACK_PEAK").flatMap(ReplayGainInfo.parsePeak),
            albumGain: first("REPLAYGAIN_ALBUM_GAIN").flatMap(ReplayGainInfo.parseGain),
            albumPeak: first("REPLAYGAIN_ALBUM_PEAK").flatMap(ReplayGainInfo.parsePeak))
        // Opus files carry R128 gains (RFC 7845 §5.2.1); they win over REPLAYGAIN_* there.
        if codec == .opus || codec == nil {
            if let r128 = first("R128_TRACK_GAIN").flatMap(ReplayGainInfo.parseR128Gain) { gain.trackGain = r128 }
            if let r128 = first("R128_ALBUM_GAIN").flatMap(ReplayGainInfo.parseR128Gain) { gain.albumGain = r128 }
        }

        self.init(
            title: first("TITLE"),
            artists: artists,
            albumArtist: first("ALBUMARTIST", "ALBUM ARTIST"),
            album: first("ALBUM"),
            trackNumber: track.number,
            trackTotal: track.total ?? first("TRACKTOTAL", "TOTALTRACKS").flatMap(Self.parseInt),
            discNumber: disc.number,
            discTotal: disc.total ?? first("DISCTOTAL", "TOTALDISCS").flatMap(Self.parseInt),
            date: date,
            year: date.flatMap(Self.parseYear),
            genres: all("GENRE"),
            musicBrainz: MusicBrainzIDs(
                recordingID: first("MUSICBRAINZ_TRACKID"),
                releaseTrackID: first("MUSICBRAINZ_RELEASETRACKID"),
                releaseID: first("MUSICBRAINZ_ALBUMID"),
                releaseGroupID: first("MUSICBRAINZ_RELEASEGROUPID"),
                artistIDs: all("MUSICBRAINZ_ARTISTID"),
                albumArtistIDs: all("MUSICBRAINZ_ALBUMARTISTID")),
            replayGain: gain,
            properties: map)
    }

    /// Whether `text` is empty or only white space. A scan asks this of every tag value: the common case,
    /// a value starting with a visible ASCII character, is answered without Unicode property lookups.
    static func isBlank(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return true }
        if first > 0x20 && first < 0x7F { return false }
        return !text.unicodeScalars.contains { !$0.properties.isWhitespace }
    }

    /// Property keys upper-cased; TagLib's keys already are, so they are returned as they are.
    static func uppercasedKey(_ key: String) -> String {
        isUppercaseASCII(key) ? key : key.uppercased()
    }

    static func isUppercaseASCII(_ key: String) -> Bool {
        key.utf8.allSatisfy { $0 < 0x80 && !(0x61...0x7A).contains($0) }
    }

    /// `text` without leading and trailing white space (written out: Foundation's `trimmingCharacters`
    /// costs microseconds per call, and a scan makes a dozen calls per file).
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last,
              first.properties.isWhitespace || last.properties.isWhitespace else { return text }
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }

    /// "3/12" → (3, 12); "07" → (7, nil); junk → (nil, nil).
    static func parseNumberPair(_ text: String?) -> (number: Int?, total: Int?) {
        guard let text else { return (nil, nil) }
        let parts = text.split(separator: "/", maxSplits: 1).map { String($0) }
        return (parts.first.flatMap(parseInt), parts.count > 1 ? parseInt(parts[1]) : nil)
    }

    static func parseInt(_ text: String) -> Int? {
        guard let value = Int(trimmed(text)), value >= 0, value < 100_000 else { return nil }
        return value
    }

    /// The first four-digit run in a date ("1997-05-21", "21.05.1997", "1997").
    static func parseYear(_ text: String) -> Int? {
        let digits = Array(text.utf8)
        var index = 0
        while index + 4 <= digits.count {
            let run = digits[index..<index + 4]
            let before = index == 0 || !(48...57).contains(digits[index - 1])
            let after = index + 4 == digits.count || !(48...57).contains(digits[index + 4])
            if before && after && run.allSatisfy({ (48...57).contains($0) }) {
                return Int(String(decoding: run, as: UTF8.self))
            }
            index += 1
        }
        return nil
    }
}
