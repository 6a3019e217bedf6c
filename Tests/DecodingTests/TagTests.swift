import AudioFiles
import HumTestSupport
import MusicCore
import TagLibTags
import Testing

@Suite("Tags through TagLib")
struct TagTests {
    static let fullTags: [(String, String)] = [
        ("TITLE", "Café Ünïcødé 東京"), ("ARTIST", "First Artist"), ("ARTIST", "Second Artist"),
        ("ALBUMARTIST", "Various"), ("ALBUM", "The Album"), ("TRACKNUMBER", "3/12"), ("DISCNUMBER", "1/2"),
        ("DATE", "1997-05-21"), ("GENRE", "Rock"),
        ("MUSICBRAINZ_TRACKID", "1b7e7b9a-0000-4000-8000-000000000001"),
        ("MUSICBRAINZ_ALBUMID", "1b7e7b9a-0000-4000-8000-000000000002"),
        ("MUSICBRAINZ_ARTISTID", "1b7e7b9a-0000-4000-8000-000000000003"),
        ("REPLAYGAIN_TRACK_GAIN", "-6.50 dB"), ("REPLAYGAIN_TRACK_PEAK", "0.912345"),
        ("REPLAYGAIN_ALBUM_GAIN", "-7.25 dB"), ("REPLAYGAIN_ALBUM_PEAK", "0.998765"),
    ]

    func read(_ path: String) throws -> TrackTags {
        let codec = try AudioFileOpener.identify(path: path)
        return TrackTags(properties: try TagLibTagReader().readTags(path: path, codec: codec).properties, codec: codec)
    }

    @Test("Every tag hum uses is read from FLAC, Vorbis, Opus and ID3v2.4", arguments: ["flac", "ogg", "opus", "mp3"])
    func fullTagSet(format: String) async throws {
        let tags = try read(try await Fixtures.tagged(format, name: "full-tags", tags: Self.fullTags))
        #expect(tags.title == "Café Ünïcødé 東京")
        #expect(tags.artists == ["First Artist", "Second Artist"])
        #expect(tags.albumArtist == "Various")
        #expect(tags.album == "The Album")
        #expect(tags.trackNumber == 3 && tags.trackTotal == 12)
        #expect(tags.discNumber == 1 && tags.discTotal == 2)
        #expect(tags.date == "1997-05-21" && tags.year == 1997)
        #expect(tags.genres == ["Rock"])
        #expect(tags.musicBrainz.recordingID == "1b7e7b9a-0000-4000-8000-000000000001")
        #expect(tags.musicBrainz.releaseID == "1b7e7b9a-0000-4000-8000-000000000002")
        #expect(tags.musicBrainz.artistIDs == ["1b7e7b9a-0000-4000-8000-000000000003"])
        #expect(tags.replayGain == ReplayGainInfo(trackGain: -6.5, trackPeak: 0.912345, albumGain: -7.25, albumPeak: 0.998765))
    }

    @Test("Opus R128 gains are read and converted to ReplayGain's reference")
    func opusR128() async throws {
        let path = try await Fixtures.tagged("opus", name: "r128", tags: [("R128_TRACK_GAIN", "-2816"), ("R128_ALBUM_GAIN", "-512")])
        let gain = try read(path).replayGain
        #expect(gain.trackGain == -6)
        #expect(gain.albumGain == 3)
    }

    @Test("The prober reports exact duration, format and bitrate with the tags")
    func probe() async throws {
        let probe = try AudioFileProber().probe(path: try await Fixtures.tagged("mp3", name: "full-tags", tags: Self.fullTags))
        #expect(probe.codec == .mpeg)
        #expect(probe.formatName == "MPEG-1 Layer III")
        #expect(probe.format == AudioFormat(sampleRate: 44100, channels: 2))
        #expect(probe.frameCount == 132_300, "3 s exactly: LAME delay and padding removed")
        #expect(probe.bitrateKbps == 192)
        #expect(probe.tags.title == "Café Ünïcødé 東京")
    }
}
