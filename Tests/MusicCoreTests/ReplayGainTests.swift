import Foundation
import MusicCore
import Testing

@Suite("ReplayGain: tags, modes, preamp and clipping")
struct ReplayGainTests {
    let tagged = ReplayGainInfo(trackGain: -6, trackPeak: 0.5, albumGain: -8, albumPeak: 0.9)

    func dB(_ linear: Float) -> Double { 20 * log10(Double(linear)) }

    @Test("Off plays samples untouched")
    func off() {
        #expect(ReplayGainSettings(mode: .off).linearGain(for: tagged, albumInOrder: true) == 1)
    }

    @Test("Track, album and auto choose the right gain")
    func modes() {
        #expect(abs(dB(ReplayGainSettings(mode: .track).linearGain(for: tagged, albumInOrder: true)) - -6) < 1e-6)
        #expect(abs(dB(ReplayGainSettings(mode: .album).linearGain(for: tagged, albumInOrder: false)) - -8) < 1e-6)
        #expect(abs(dB(ReplayGainSettings(mode: .auto).linearGain(for: tagged, albumInOrder: true)) - -8) < 1e-6)
        #expect(abs(dB(ReplayGainSettings(mode: .auto).linearGain(for: tagged, albumInOrder: false)) - -6) < 1e-6)
    }

    @Test("A missing gain falls back to the other one, and no gain at all means unity")
    func fallbacks() {
        let trackOnly = ReplayGainInfo(trackGain: -3)
        #expect(abs(dB(ReplayGainSettings(mode: .album).linearGain(for: trackOnly, albumInOrder: true)) - -3) < 1e-6)
        #expect(ReplayGainSettings(mode: .track, preampDB: 6).linearGain(for: ReplayGainInfo(), albumInOrder: false) == 1)
    }

    @Test("The preamp adds to the tagged gain")
    func preamp() {
        let gain = ReplayGainSettings(mode: .track, preampDB: 2.5).linearGain(for: tagged, albumInOrder: false)
        #expect(abs(dB(gain) - -3.5) < 1e-6)
    }

    @Test("The peak limits the gain so that it never clips, unless clipping is allowed")
    func clippingPrevention() {
        let loud = ReplayGainInfo(trackGain: 10, trackPeak: 0.5)
        #expect(ReplayGainSettings(mode: .track).linearGain(for: loud, albumInOrder: false) == 2)
        let allowed = ReplayGainSettings(mode: .track, preventClipping: false).linearGain(for: loud, albumInOrder: false)
        #expect(abs(dB(allowed) - 10) < 1e-5)
    }

    @Test("Gain, peak and R128 texts are parsed", arguments: [
        ("-6.00 dB", -6.0), ("+1.5dB", 1.5), (" -0.25 ", -0.25), ("-6.5 DB", -6.5),
    ])
    func parsesGain(text: String, value: Double) {
        #expect(ReplayGainInfo.parseGain(text) == value)
    }

    @Test("Nonsense gain values are ignored", arguments: ["", "loud", "nan", "1e9", "-inf dB"])
    func rejectsGain(text: String) {
        #expect(ReplayGainInfo.parseGain(text) == nil)
    }

    @Test("Opus R128 gains are Q7.8 relative to −23 LUFS, shifted 5 dB to ReplayGain's reference")
    func r128() {
        #expect(ReplayGainInfo.parseR128Gain("-2816") == -6)
        #expect(ReplayGainInfo.parseR128Gain("0") == 5)
        #expect(ReplayGainInfo.parseR128Gain("99999") == nil)
        #expect(ReplayGainInfo.parsePeak("0.988312") == 0.988312)
        #expect(ReplayGainInfo.parsePeak("-1") == nil)
    }
}

@Suite("Volume")
struct VolumeTests {
    @Test("Volume is cubic: 100 % is exactly unity, 50 % is about −18 dB, 0 % is silence")
    func cubic() {
        #expect(Volume.linearGain(percent: 100) == 1)
        #expect(Volume.linearGain(percent: 50) == 0.125)
        #expect(Volume.linearGain(percent: 0) == 0)
        #expect(Volume.linearGain(percent: 150) == 1)
        #expect(Volume.linearGain(percent: -5) == 0)
    }
}
