import ArgumentParser
import AudioFiles
import Foundation
import HumTestSupport

/// Speed and memory of hum against the reference players, measured in the same run on the same files.
/// Build everything in release first (`swift build -c release`), then run `.build/release/hum-bench`.
@main
struct HumBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hum-bench",
        abstract: "Measure hum against mpg123, flac and cmus on the same files, in the same run.",
        subcommands: [Decode.self, Pulse.self, ScanBench.self, ScanPhases.self, UIBench.self, RecommendBench.self, SyncBench.self])
}

/// Options shared by the benchmarks.
struct BenchOptions: ParsableArguments {
    @Option(help: "Length of the generated test audio, in seconds.")
    var seconds = 180

    @Option(help: "Runs per program; the median is reported.")
    var runs = 3

    @Option(help: "Where to make the test files (default: a temporary folder).")
    var workDirectory: String?
}

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode CPU per minute of audio: hum vs `mpg123 -t` (MP3) and `flac -d` (FLAC). Target ≤ 1.2×.")

    @OptionGroup var options: BenchOptions

    func run() throws {
        let files = try BenchFiles(options)
        let hum = try HumBinary.path()
        var table = ResultTable(minutes: Double(options.seconds) / 60)
        for (format, file) in [("MP3", files.mp3), ("FLAC", files.flac)] {
            let reference = format == "MP3" ? ["mpg123", "-q", "-t", file] : ["sh", "-c", "exec flac -s -d -c \"$0\" > /dev/null", file]
            table.add(format: format, program: format == "MP3" ? "mpg123 -t" : "flac -d -c >/dev/null",
                      measurement: try Measurement.median(options.runs) { try ChildProcess.run(reference[0], Array(reference.dropFirst()), timeout: 600) })
            table.add(format: format, program: "hum play --output null",
                      measurement: try Measurement.median(options.runs) { try ChildProcess.run(hum, ["play", "--output", "null", file], timeout: 600) },
                      against: table.rows.last!, target: 1.2)
            table.add(format: format, program: "hum decoder alone (in process)",
                      measurement: try Measurement.median(options.runs) { try Measurement.inProcessDecode(file) },
                      against: table.rows[table.rows.count - 2], target: 1.2)
        }
        table.print()
    }
}

struct Pulse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Real-time playback through PulseAudio: hum vs `mpg123 -o pulse`, CPU per minute of audio. Target ≤ 1.0×.",
        discussion: "Plays the file once with each program, in real time. Uses PULSE_SERVER if set, otherwise starts a private daemon with a null sink.")

    @OptionGroup var options: BenchOptions

    func run() throws {
        let files = try BenchFiles(options)
        let hum = try HumBinary.path()
        var daemon: PulseTestDaemon?
        var environment: [String: String] = [:]
        if ProcessInfo.processInfo.environment["PULSE_SERVER"] == nil {
            daemon = try PulseTestDaemon()
            environment = daemon!.environment
        }
        defer { daemon?.stop() }
        var table = ResultTable(minutes: Double(options.seconds) / 60)
        let timeout = Double(options.seconds) * 2 + 30
        table.add(format: "MP3", program: "mpg123 -o pulse",
                  measurement: try Measurement(try ChildProcess.run("mpg123", ["-q", "-o", "pulse", files.mp3], environment: environment, timeout: timeout)))
        table.add(format: "MP3", program: "hum play (pulse)",
                  measurement: try Measurement(try ChildProcess.run(hum, ["play", files.mp3], environment: environment, timeout: timeout)),
                  against: table.rows.last!, target: 1.0)
        table.print()
    }
}

/// A 3-minute stereo test signal as MP3 (lame, 192 kb/s CBR with LAME tag) and FLAC.
struct BenchFiles {
    let mp3: String
    let flac: String

    init(_ options: BenchOptions) throws {
        let folder = options.workDirectory ?? (NSTemporaryDirectory() + "hum-bench")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let wav = folder + "/bench-\(options.seconds)s.wav"
        mp3 = folder + "/bench-\(options.seconds)s.mp3"
        flac = folder + "/bench-\(options.seconds)s.flac"
        let fm = FileManager.default
        if !fm.fileExists(atPath: mp3) || !fm.fileExists(atPath: flac) {
            FileHandle.standardError.write(Data("hum-bench: making \(options.seconds) s of test audio in \(folder)\n".utf8))
            try Signals.music(seconds: Double(options.seconds)).write16(to: wav)
            try ChildProcess.shell("lame --quiet -b 192 '\(wav)' '\(mp3)'", timeout: 600)
            try ChildProcess.shell("flac -s -f '\(wav)' -o '\(flac)'", timeout: 600)
        }
    }
}

enum HumBinary {
    /// The `hum` built next to this benchmark (same configuration).
    static func path(_ name: String = "hum") throws -> String {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let binary = here.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no \(name) next to hum-bench (\(binary)): run `swift build -c release` first")
        }
        return binary
    }
}

/// CPU time and peak memory of one run.
struct Measurement {
    var cpuSeconds: Double
    var maxResidentKiB: Int
    var wallSeconds: Double

    init(cpuSeconds: Double, maxResidentKiB: Int, wallSeconds: Double) {
        self.cpuSeconds = cpuSeconds
        self.maxResidentKiB = maxResidentKiB
        self.wallSeconds = wallSeconds
    }

    init(_ result: ChildProcess.Result) throws {
        guard result.succeeded else {
            throw ValidationError("a benchmarked program failed (status \(result.status.map(String.init) ?? "signal")): \(result.stderr)")
        }
        self.init(cpuSeconds: result.cpuSeconds, maxResidentKiB: result.maxResidentKiB, wallSeconds: result.wallSeconds)
    }

    /// The run with the median CPU time of `runs`.
    static func median(_ runs: Int, _ body: () throws -> ChildProcess.Result) throws -> Measurement {
        try median(runs) { try Measurement(body()) }
    }

    static func median(_ runs: Int, _ body: () throws -> Measurement) throws -> Measurement {
        let all = try (0..<max(runs, 1)).map { _ in try body() }.sorted { $0.cpuSeconds < $1.cpuSeconds }
        return all[all.count / 2]
    }

    /// Decodes a whole file with hum's decoder in this process: the decoder's cost without the player.
    static func inProcessDecode(_ path: String) throws -> Measurement {
        var before = rusage()
        getrusage(RUSAGE_SELF.rawValue, &before)
        let start = Date()
        let decoder = try AudioFileOpener.openDecoder(path: path)
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: 4096 * decoder.format.channels)
        defer { buffer.deallocate() }
        while try decoder.read(into: buffer, maxFrames: 4096) > 0 {}
        var after = rusage()
        getrusage(RUSAGE_SELF.rawValue, &after)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        let cpu = seconds(after.ru_utime) - seconds(before.ru_utime) + seconds(after.ru_stime) - seconds(before.ru_stime)
        return Measurement(cpuSeconds: cpu, maxResidentKiB: after.ru_maxrss, wallSeconds: Date().timeIntervalSince(start))
    }
}

/// The printed result: CPU per minute of audio, ratio to the reference, peak memory.
struct ResultTable {
    struct Row {
        var format: String
        var program: String
        var measurement: Measurement
        var ratio: Double?
        var target: Double?
    }

    let minutes: Double
    var rows: [Row] = []

    mutating func add(format: String, program: String, measurement: Measurement, against reference: Row? = nil,
                      target: Double? = nil) {
        let ratio = reference.map { measurement.cpuSeconds / max($0.measurement.cpuSeconds, 1e-6) }
        rows.append(Row(format: format, program: program, measurement: measurement, ratio: ratio, target: target))
    }

    func print() {
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        Swift.print(pad("format", 6) + pad("program", 32) + pad("CPU s/min audio", 17) + pad("ratio", 16) + pad("peak RSS", 10) + "wall s")
        for row in rows {
            let ratio = row.ratio.map { r in String(format: "%.2f×", r) + (row.target.map { r <= $0 ? " (≤ \($0))" : " (> \($0)!)" } ?? "") } ?? "reference"
            Swift.print(pad(row.format, 6) + pad(row.program, 32)
                        + pad(String(format: "%.3f", row.measurement.cpuSeconds / minutes), 17)
                        + pad(ratio, 16) + pad("\(row.measurement.maxResidentKiB / 1024) MiB", 10)
                        + String(format: "%.1f", row.measurement.wallSeconds))
        }
    }
}
