import ArgumentParser
import AudioFiles
import Foundation
import MusicCore

struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show format, exact duration, sample rate, channels, bitrate, tags and ReplayGain.",
        discussion: """
            The duration is exact: MP3 frames are counted and the encoder delay and padding removed, as when playing. With --json, one JSON object is printed per file, one per line.

            The exit status is 1 when any file could not be read; each failure is named on standard error.
            """)

    @Flag(help: "Print one JSON object per file (JSON Lines).")
    var json = false

    @Argument(help: "Audio files or folders.")
    var paths: [String]

    func run() throws {
        let prober = AudioFileProber()
        var failures = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for path in PlayableFiles.expand(paths) {
            do {
                let probe = try prober.probe(path: path)
                if json {
                    print(String(decoding: try encoder.encode(ProbeReport(probe)), as: UTF8.self))
                } else {
                    print(ProbeText.render(probe))
                }
            } catch {
                failures += 1
                printError("\(error)")
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }
}

/// The JSON shape of `hum probe --json` (documented in the README).
struct ProbeReport: Encodable {
    var path: String
    var codec: String
    var format: String
    var sampleRate: Int
    var channels: Int
    var frames: Int64?
    var duration: Double?
    var bitrateKbps: Int?
    var title: String?
    var artists: [String]
    var albumArtist: String?
    var album: String?
    var trackNumber: Int?
    var trackTotal: Int?
    var discNumber: Int?
    var discTotal: Int?
    var date: String?
    var year: Int?
    var genres: [String]
    var musicBrainz: MusicBrainzIDs
    var replayGain: ReplayGainInfo
    var properties: [String: [String]]
    var tagWarning: String?

    init(_ probe: AudioFileProbe) {
        let tags = probe.tags
        path = probe.path
        codec = probe.codec.rawValue
        format = probe.formatName
        sampleRate = probe.format.sampleRate
        channels = probe.format.channels
        frames = probe.frameCount
        duration = probe.durationSeconds
        bitrateKbps = probe.bitrateKbps
        title = tags.title
        artists = tags.artists
        albumArtist = tags.albumArtist
        album = tags.album
        trackNumber = tags.trackNumber
        trackTotal = tags.trackTotal
        discNumber = tags.discNumber
        discTotal = tags.discTotal
        date = tags.date
        year = tags.year
        genres = tags.genres
        musicBrainz = tags.musicBrainz
        replayGain = tags.replayGain
        properties = tags.properties
        tagWarning = probe.tagWarning
    }
}

/// The human-readable form of `hum probe`.
enum ProbeText {
    static func render(_ probe: AudioFileProbe) -> String {
        let tags = probe.tags
        var rows: [(String, String)] = []
        func add(_ label: String, _ value: String?) { if let value, !value.isEmpty { rows.append((label, value)) } }
        func pair(_ number: Int?, _ total: Int?) -> String? {
            number.map { n in total.map { "\(n)/\($0)" } ?? "\(n)" }
        }
        let channels = probe.format.channels == 1 ? "1 channel" : "\(probe.format.channels) channels"
        add("format", "\(probe.formatName), \(probe.format.sampleRate) Hz, \(channels)"
            + (probe.bitrateKbps.map { ", \($0) kb/s" } ?? ""))
        if let frames = probe.frameCount, let seconds = probe.durationSeconds {
            add("duration", "\(TimeFormat.clock(seconds, milliseconds: true)) (\(frames) frames)")
        } else {
            add("duration", "unknown")
        }
        add("title", tags.title)
        add("artist", tags.artistLine)
        add("album artist", tags.albumArtist)
        add("album", tags.album)
        add("track", pair(tags.trackNumber, tags.trackTotal))
        add("disc", pair(tags.discNumber, tags.discTotal))
        add("date", tags.date)
        add("genre", tags.genres.joined(separator: ", "))
        let mb = tags.musicBrainz
        add("musicbrainz", [("recording", mb.recordingID), ("release", mb.releaseID),
                            ("release group", mb.releaseGroupID), ("artist", mb.artistIDs.first)]
            .compactMap { label, id in id.map { "\(label) \($0)" } }.joined(separator: ", "))
        add("replaygain", gainText(tags.replayGain))
        add("tag warning", probe.tagWarning)
        let width = rows.map(\.0.count).max() ?? 0
        return ([probe.path] + rows.map { "  \($0.0.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.1)" })
            .joined(separator: "\n")
    }

    static func gainText(_ gain: ReplayGainInfo) -> String? {
        func one(_ label: String, _ value: Double?, _ peak: Double?) -> String? {
            value.map { "\(label) \(FixedPoint.fixed($0, places: 2, sign: true)) dB" + (peak.map { " (peak \(FixedPoint.fixed($0, places: 6)))" } ?? "") }
        }
        let parts = [one("track", gain.trackGain, gain.trackPeak), one("album", gain.albumGain, gain.albumPeak)].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}
