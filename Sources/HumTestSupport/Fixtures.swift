import Foundation

/// Audio files made for the tests by real encoders (sox, lame, flac, oggenc, opusenc) from the computed
/// signals in `Signals`, into one temporary folder per test process. Each is made once, on first use.
///
/// Nothing here is committed: the encoders are installed by `scripts/install-deps`, and a missing tool
/// makes the test fail with the command that failed (never a silent skip).
public enum Fixtures {
    /// Where fixtures are written (removed when the machine cleans /tmp; unique per process).
    public static let directory: String = {
        let path = NSTemporaryDirectory() + "hum-fixtures-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Recursive: making one fixture often needs another (an encoded file needs its WAV source).
    private static let store = FixtureStore()

    /// The path of fixture `name`, making it with `make(path)` the first time (off the cooperative pool;
    /// concurrent requests for the same fixture wait for one making).
    public static func file(_ name: String, make: @escaping @Sendable (String) throws -> Void) async throws -> String {
        try await store.file(atPath: directory + "/" + name, make: make)
    }

    /// A folder of its own for one test's outputs.
    public static func scratchDirectory(_ label: String) -> String {
        let path = directory + "/scratch-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func q(_ path: String) -> String { "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    // MARK: Sources (16-bit PCM WAV)

    /// 3 s of `Signals.music`, stereo 44.1 kHz, 16-bit.
    public static func musicWAV(channels: Int = 2, sampleRate: Int = 44100) async throws -> String {
        try await file("music-\(channels)ch-\(sampleRate).wav") { path in
            try Signals.music(seconds: 3, sampleRate: sampleRate, channels: channels).write16(to: path)
        }
    }

    /// The continuous sweep that the gapless tests cut into three parts (6 s, 264600 frames).
    public static func gaplessWholeWAV() async throws -> String {
        try await file("gapless-whole.wav") { path in try Signals.music(seconds: 6).write16(to: path) }
    }

    /// Where the whole sweep is cut: deliberately not on MP3 frame (1152) or FLAC block boundaries.
    public static let gaplessCuts = [0, 75_001, 180_013, 264_600]

    /// Part `index` (0–2) of the gapless sweep as a 16-bit WAV.
    public static func gaplessPartWAV(_ index: Int) async throws -> String {
        let wholePath = try await gaplessWholeWAV()
        return try await file("gapless-part\(index).wav") { path in
            let whole = try WavData.read(wholePath)
            let range = gaplessCuts[index] * 2..<gaplessCuts[index + 1] * 2
            try WavData(sampleRate: 44100, channels: 2, samples: Array(whole.samples[range])).write16(to: path)
        }
    }

    /// The time-telling chirp (`Signals.clock`) of `seconds`, as FLAC.
    public static func clockFLAC(seconds: Int = 30) async throws -> String {
        try await file("clock-\(seconds)s.flac") { path in
            let wav = directory + "/clock-\(seconds)s.wav"
            try Signals.clock(seconds: Double(seconds)).write16(to: wav)
            try ChildProcess.shell("flac -s -f \(q(wav)) -o \(q(path))")
        }
    }

    /// A folder of three one-minute clock-chirp FLACs tagged as one album by "Zyx Testband" (a name no
    /// generated library uses), for interface tests that need tracks long enough to pause, seek and resume.
    public static func longTracks(seconds: Int = 60) async throws -> String {
        let clock = try await clockFLAC(seconds: seconds)
        return try await file("long-tracks-\(seconds)s") { folder in
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (index, title) in ["Long One", "Long Two", "Long Three"].enumerated() {
                let path = folder + "/\(index + 1) \(title).flac"
                try FileManager.default.copyItem(atPath: clock, toPath: path)
                let tags = ["ARTIST=Zyx Testband", "ALBUM=Long Player", "TITLE=\(title)", "TRACKNUMBER=\(index + 1)", "DATE=2001"]
                try ChildProcess.shell("metaflac --remove-all-tags " + tags.map { "--set-tag=\(q($0))" }.joined(separator: " ") + " \(q(path))")
            }
        }
    }

    /// A 440 Hz tone at half scale (−6.02 dBFS peak, −9.03 dB RMS), 3 s stereo, as FLAC.
    public static func toneFLAC() async throws -> String {
        try await file("tone440.flac") { path in
            let wav = directory + "/tone440.wav"
            try Signals.tone(frequency: 440, seconds: 3).write16(to: wav)
            try ChildProcess.shell("flac -s -f \(q(wav)) -o \(q(path))")
        }
    }

    // MARK: Encoders

    /// Encodes a WAV with the format's usual encoder.
    public static func encode(_ wav: String, as format: String, to path: String) throws {
        switch format {
        case "mp3": try ChildProcess.shell("lame --quiet -b 192 \(q(wav)) \(q(path))")
        case "flac": try ChildProcess.shell("flac -s -f \(q(wav)) -o \(q(path))")
        case "ogg": try ChildProcess.shell("oggenc -Q -q 5 \(q(wav)) -o \(q(path))")
        case "opus": try ChildProcess.shell("opusenc --quiet --bitrate 160 \(q(wav)) \(q(path))")
        case "wav": try FileManager.default.copyItem(atPath: wav, toPath: path)
        default: throw ChildProcess.Failure(description: "no encoder for \(format)")
        }
    }

    /// `Signals.music` encoded as `format` ("mp3", "flac", "ogg", "opus", "wav").
    public static func music(_ format: String, channels: Int = 2, sampleRate: Int = 44100) async throws -> String {
        let wav = try await musicWAV(channels: channels, sampleRate: sampleRate)
        return try await file("music-\(channels)ch-\(sampleRate).\(format)") { path in
            try encode(wav, as: format, to: path)
        }
    }

    /// A 24-bit FLAC of `Signals.music` (a different quantisation than the 16-bit fixtures).
    public static func music24FLAC() async throws -> String {
        let source = try await musicWAV()
        return try await file("music-24bit.flac") { path in
            let wav = directory + "/music-24bit.wav"
            try ChildProcess.shell("sox \(q(source)) -b 24 \(q(wav)) vol 0.9")
            try ChildProcess.shell("flac -s -f \(q(wav)) -o \(q(path))")
        }
    }

    /// Gapless part `index` encoded as `format`.
    public static func gaplessPart(_ index: Int, _ format: String) async throws -> String {
        let wav = try await gaplessPartWAV(index)
        return try await file("gapless-part\(index).\(format)") { path in
            try encode(wav, as: format, to: path)
        }
    }

    // MARK: Tags

    /// `Signals.music` as `format`, with these tags written by the format's own tool (metaflac, vorbis
    /// comments through oggenc/opusenc, ID3v2.4 through mutagen). Keys are Vorbis-comment style.
    public static func tagged(_ format: String, name: String, tags: [(String, String)]) async throws -> String {
        let wav = try await musicWAV()
        return try await file("\(name).\(format)") { path in
            switch format {
            case "flac":
                try encode(wav, as: "flac", to: path)
                let args = tags.map { "--set-tag=\(q("\($0.0)=\($0.1)"))" }.joined(separator: " ")
                try ChildProcess.shell("metaflac \(args) \(q(path))")
            case "ogg":
                let args = tags.map { "-c \(q("\($0.0)=\($0.1)"))" }.joined(separator: " ")
                try ChildProcess.shell("oggenc -Q -q 5 \(args) \(q(wav)) -o \(q(path))")
            case "opus":
                let args = tags.map { "--comment \(q("\($0.0)=\($0.1)"))" }.joined(separator: " ")
                try ChildProcess.shell("opusenc --quiet --bitrate 160 \(args) \(q(wav)) \(q(path))")
            case "mp3":
                try encode(wav, as: "mp3", to: path)
                try stampID3(path, tags: tags)
            default:
                throw ChildProcess.Failure(description: "cannot tag \(format)")
            }
        }
    }

    /// Writes ID3v2.4 frames with mutagen: standard keys become their frames, anything else a TXXX frame.
    static func stampID3(_ path: String, tags: [(String, String)]) throws {
        let pairs = tags.map { "(\(pythonString($0.0)), \(pythonString($0.1)))" }.joined(separator: ", ")
        let script = """
            from mutagen.id3 import ID3, TIT2, TPE1, TPE2, TALB, TRCK, TPOS, TDRC, TCON, TXXX, UFID
            frames = {'TITLE': TIT2, 'ARTIST': TPE1, 'ALBUMARTIST': TPE2, 'ALBUM': TALB, 'TRACKNUMBER': TRCK,
                      'DISCNUMBER': TPOS, 'DATE': TDRC, 'GENRE': TCON}
            tags = ID3()
            grouped = {}
            for key, value in [\(pairs)]:
                grouped.setdefault(key, []).append(value)
            for key, values in grouped.items():
                if key in frames:
                    tags.add(frames[key](encoding=3, text=values))
                elif key == 'MUSICBRAINZ_TRACKID':
                    tags.add(UFID(owner='http://musicbrainz.org', data=values[0].encode()))
                else:
                    names = {'MUSICBRAINZ_ALBUMID': 'MusicBrainz Album Id', 'MUSICBRAINZ_ARTISTID': 'MusicBrainz Artist Id'}
                    tags.add(TXXX(encoding=3, desc=names.get(key, key), text=values))
            tags.save(\(pythonString(path)), v2_version=4)
            """
        let scriptPath = path + ".py"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: scriptPath) }
        try ChildProcess.shell("python3 \(q(scriptPath))")
    }

    static func pythonString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            .replacingOccurrences(of: "\u{0}", with: "\\x00") + "'"
    }

    // MARK: Reference decoders

    /// Decodes `path` with an independent decoder into a WAV and reads it:
    /// mp3 → `lame --decode` (honours the LAME tag's delay and padding), flac → `flac -d`,
    /// ogg → `oggdec`, opus → `opusdec --float --rate 48000`, wav → read directly.
    public static func referenceDecode(_ path: String, format: String) async throws -> WavData {
        if format == "wav" { return try await offPool { try WavData.read(path) } }
        let out = try await store.file(atPath: path + ".reference.wav") { out in
            switch format {
            case "mp3": try ChildProcess.shell("lame --quiet --decode \(q(path)) \(q(out))")
            case "flac": try ChildProcess.shell("flac -s -d -f \(q(path)) -o \(q(out))")
            case "ogg": try ChildProcess.shell("oggdec -Q \(q(path)) -o \(q(out))")
            case "opus": try ChildProcess.shell("opusdec --quiet --float --rate 48000 \(q(path)) \(q(out))")
            default: throw ChildProcess.Failure(description: "no reference decoder for \(format)")
            }
        }
        return try await offPool { try WavData.read(out) }
    }
}

/// Makes each fixture once: the first request runs `make` off the cooperative pool, later and concurrent
/// requests for the same path await that same making.
actor FixtureStore {
    private var making: [String: Task<String, any Error>] = [:]

    func file(atPath path: String, make: @escaping @Sendable (String) throws -> Void) async throws -> String {
        if let task = making[path] { return try await task.value }
        let task = Task<String, any Error> {
            try await offPool {
                if !FileManager.default.fileExists(atPath: path) {
                    let partial = path + ".partial." + URL(fileURLWithPath: path).pathExtension
                    try? FileManager.default.removeItem(atPath: partial)
                    try make(partial)
                    try FileManager.default.moveItem(atPath: partial, toPath: path)
                }
                return path
            }
        }
        making[path] = task
        return try await task.value
    }
}
