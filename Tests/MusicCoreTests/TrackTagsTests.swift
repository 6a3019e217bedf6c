import MusicCore
import Testing

@Suite("Interpreting tag property maps")
struct TrackTagsTests {
    @Test("A Picard-style property map becomes TrackTags")
    func fullMap() {
        let tags = TrackTags(properties: [
            "TITLE": ["Song"], "ARTIST": ["A feat. B"], "ARTISTS": ["A", "B"], "ALBUMARTIST": ["A"],
            "ALBUM": ["Record"], "TRACKNUMBER": ["3/12"], "DISCNUMBER": ["2"], "DISCTOTAL": ["2"],
            "DATE": ["1997-05-21"], "GENRE": ["Rock", "Pop"],
            "MUSICBRAINZ_TRACKID": ["rec-id"], "MUSICBRAINZ_ALBUMID": ["rel-id"], "MUSICBRAINZ_ARTISTID": ["a1", "a2"],
            "REPLAYGAIN_TRACK_GAIN": ["-6.00 dB"], "REPLAYGAIN_TRACK_PEAK": ["0.9"],
            "REPLAYGAIN_ALBUM_GAIN": ["-7.5 dB"], "REPLAYGAIN_ALBUM_PEAK": ["1.0"],
        ], codec: .flac)
        #expect(tags.title == "Song")
        #expect(tags.artists == ["A", "B"])
        #expect(tags.albumArtist == "A")
        #expect(tags.album == "Record")
        #expect(tags.trackNumber == 3 && tags.trackTotal == 12)
        #expect(tags.discNumber == 2 && tags.discTotal == 2)
        #expect(tags.date == "1997-05-21" && tags.year == 1997)
        #expect(tags.genres == ["Rock", "Pop"])
        #expect(tags.musicBrainz.recordingID == "rec-id")
        #expect(tags.musicBrainz.releaseID == "rel-id")
        #expect(tags.musicBrainz.artistIDs == ["a1", "a2"])
        #expect(tags.replayGain == ReplayGainInfo(trackGain: -6, trackPeak: 0.9, albumGain: -7.5, albumPeak: 1))
    }

    @Test("Keys are case-insensitive, blank values are dropped, others kept as tagged (as mutagen reads them)")
    func caseAndBlanks() {
        let tags = TrackTags(properties: ["title": ["  Song "], "Artist": ["", " \t", "X"], "replaygain_track_gain": [" -2 dB "],
                                          "tracknumber": [" 3/12 "]], codec: .mpeg)
        #expect(tags.title == "  Song ")
        #expect(tags.trackNumber == 3 && tags.trackTotal == 12)
        #expect(tags.artists == ["X"])
        #expect(tags.replayGain.trackGain == -2)
    }

    @Test("Opus R128 gains win over REPLAYGAIN_* in Opus files only")
    func opusGains() {
        let map = ["R128_TRACK_GAIN": ["-2816"], "REPLAYGAIN_TRACK_GAIN": ["-1 dB"]]
        #expect(TrackTags(properties: map, codec: .opus).replayGain.trackGain == -6)
        #expect(TrackTags(properties: map, codec: .vorbis).replayGain.trackGain == -1)
    }

    @Test("Years are found in many date shapes", arguments: [
        ("1997", 1997), ("1997-05-21", 1997), ("21.05.1997", 1997), ("May 1997", 1997), ("97", nil), ("12345", nil),
    ] as [(String, Int?)])
    func years(text: String, year: Int?) {
        #expect(TrackTags(properties: ["DATE": [text]], codec: nil).year == year)
    }
}

@Suite("Albums played in order (ReplayGain auto)")
struct AlbumContinuityTests {
    func track(_ album: String?, _ number: Int?, disc: Int? = nil, artist: String = "A") -> TrackTags {
        TrackTags(artists: [artist], album: album, trackNumber: number, discNumber: disc)
    }

    @Test("Consecutive tracks of one album are in order; strays are not")
    func detectsOrder() {
        let queue = [track("X", 1), track("X", 2), track("X", 3), track("Y", 7), track("X", 5), nil]
        #expect(AlbumContinuity.albumInOrder(queue) == [true, true, true, false, false, false])
    }

    @Test("Shuffled tracks of one album are not in order")
    func shuffled() {
        #expect(AlbumContinuity.albumInOrder([track("X", 3), track("X", 1), track("X", 2)]) == [false, true, true])
        #expect(AlbumContinuity.albumInOrder([track("X", 1)]) == [false])
    }

    @Test("Crossing from the last track of a disc to the first of the next is in order")
    func discChange() {
        #expect(AlbumContinuity.albumInOrder([track("X", 12, disc: 1), track("X", 1, disc: 2)]) == [true, true])
        #expect(AlbumContinuity.albumInOrder([track("X", 12, disc: 1), track("X", 2, disc: 2)]) == [false, false])
    }

    @Test("Same album title by another artist is another album")
    func otherArtist() {
        #expect(AlbumContinuity.albumInOrder([track("Greatest Hits", 1, artist: "A"), track("Greatest Hits", 2, artist: "B")]) == [false, false])
    }
}

@Suite("Time formatting and parsing")
struct TimeFormatTests {
    @Test("Clocks", arguments: [
        (0.0, false, "0:00"), (59.999, false, "0:59"), (187.25, true, "3:07.250"), (3723.0, false, "1:02:03"),
        (-4.0, false, "0:00"), (Double.nan, false, "--:--"),
    ])
    func clocks(seconds: Double, millis: Bool, text: String) {
        #expect(TimeFormat.clock(seconds, milliseconds: millis) == text)
    }

    @Test("Times are parsed", arguments: [
        ("90", 90.0), ("1:30", 90.0), ("1:02:03", 3723.0), ("+10", 10.0), ("-5", -5.0), ("1:30.5", 90.5),
    ] as [(String, Double?)])
    func parses(text: String, seconds: Double?) {
        #expect(TimeFormat.parseSeconds(text) == seconds)
    }

    @Test("Nonsense times are refused", arguments: ["", "abc", "1:75", "1:2:3:4", "--5"])
    func refuses(text: String) {
        #expect(TimeFormat.parseSeconds(text) == nil)
    }
}

@Suite("Natural order and fixed-point text")
struct NaturalOrderTests {
    @Test("File names sort as people number them")
    func naturalOrder() {
        let names = ["10 ten.flac", "2 two.ogg", "CD2", "cd10", "1 one.mp3", "Track 01.mp3", "track 1.mp3", "b", "A"]
        #expect(names.sorted(by: NaturalOrder.areInIncreasingOrder)
            == ["1 one.mp3", "2 two.ogg", "10 ten.flac", "A", "b", "CD2", "cd10", "Track 01.mp3", "track 1.mp3"])
    }

    @Test("Fixed-point text", arguments: [
        (-6.0, 2, true, "-6.00"), (1.5, 2, true, "+1.50"), (0.9883125, 6, false, "0.988313"), (-0.001, 2, true, "+0.00"),
        (12.345, 0, false, "12"),
    ])
    func fixed(value: Double, places: Int, sign: Bool, text: String) {
        #expect(FixedPoint.fixed(value, places: places, sign: sign) == text)
    }
}
