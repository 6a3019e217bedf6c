import MusicCore
import Testing

@Suite("Listen rules (the Last.fm rule) and sessions")
struct ListenRulesTests {
    @Test("Half the track, or four minutes, makes a play; only for tracks over 30 seconds")
    func playThreshold() {
        #expect(ListenRules.isPlay(heard: 100, duration: 200))
        #expect(!ListenRules.isPlay(heard: 99.9, duration: 200))
        #expect(ListenRules.isPlay(heard: 240, duration: 1200))
        #expect(!ListenRules.isPlay(heard: 239, duration: 1200))
        #expect(!ListenRules.isPlay(heard: 30, duration: 30))
        #expect(ListenRules.isPlay(heard: 15.5, duration: 31))
        #expect(!ListenRules.isPlay(heard: 500, duration: nil))
    }

    @Test("Moving on before the threshold is a skip; under ten seconds an early skip; stopping is neither")
    func outcomes() {
        #expect(ListenRules.outcome(heard: 9.9, duration: 200, reason: .skipped) == .earlySkip)
        #expect(ListenRules.outcome(heard: 10, duration: 200, reason: .skipped) == .skip)
        #expect(ListenRules.outcome(heard: 120, duration: 200, reason: .skipped) == .play)
        #expect(ListenRules.outcome(heard: 50, duration: 200, reason: .stopped) == .partial)
        #expect(ListenRules.outcome(heard: 200, duration: 200, reason: .completed) == .play)
        #expect(ListenRules.outcome(heard: 20, duration: 20, reason: .completed) == .partial)
        #expect(ListenRules.outcome(heard: 5, duration: 20, reason: .skipped) == .earlySkip)
        #expect(ListenRules.outcome(heard: 0, duration: nil, reason: .imported) == .play)
    }

    @Test("A session goes on while gaps stay under 30 minutes and a new one starts after")
    func sessions() {
        var sessions = ListeningSessions()
        var made = 0
        let newID = { () -> String in made += 1; return "s\(made)" }
        #expect(sessions.session(at: 1000, newID: newID) == "s1")
        sessions.heard(at: 1200)
        #expect(sessions.session(at: 1200 + 29 * 60, newID: newID) == "s1")
        sessions.heard(at: 1200 + 29 * 60 + 180)
        #expect(sessions.session(at: 1200 + 29 * 60 + 180 + 30 * 60 + 1, newID: newID) == "s2")
        // A restart of hum continues the session it is given.
        var resumed = ListeningSessions(currentID: "old", lastHeardAt: 5000)
        #expect(resumed.session(at: 5000 + 60, newID: newID) == "old")
    }

    @Test("Exact lengths: FLAC STREAMINFO, Ogg granule, MP3 Info frame with the LAME delay and padding")
    func exactLengths() {
        // STREAMINFO of 44.1 kHz stereo, 16 bit, 441000 samples.
        var flac: [UInt8] = Array("fLaC".utf8) + [0x80, 0, 0, 34] + [UInt8](repeating: 0, count: 34)
        let rateChannelsBits: UInt64 = (44100 << 44) | (1 << 41) | (15 << 36) | 441_000
        for index in 0..<8 { flac[8 + 10 + index] = UInt8((rateChannelsBits >> (56 - 8 * UInt64(index))) & 0xFF) }
        let info = ExactLength.flacStreamInfo(flac)
        #expect(info?.frames == 441_000)
        #expect(info?.sampleRate == 44100)
        #expect(info?.channels == 2)
        #expect(ExactLength.flacStreamInfo(Array(flac.prefix(20))) == nil)

        var page = Array("OggS".utf8) + [0, 4] + [UInt8](repeating: 0, count: 21)
        let granule: UInt64 = 96_312
        for index in 0..<8 { page[6 + index] = UInt8((granule >> (8 * UInt64(index))) & 0xFF) }
        let opusHead = Array("OpusHead".utf8) + [1, 2, 0x38, 0x01] + [0, 0, 0, 0]
        let opus = ExactLength.ogg(head: opusHead, tail: page, codec: .opus)
        #expect(opus?.seconds == Double(96_312 - 312) / 48_000)
        #expect(opus?.channels == 2)
    }
}
