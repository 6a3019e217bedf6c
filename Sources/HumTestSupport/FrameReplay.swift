import Foundation

/// What a program wrote to its terminal for a series of keys (`HumUISession.recordFilterFrames`): one
/// byte string cut into pieces, the first pieces making the start screen on an empty terminal and each
/// later one answering one key, with the screen each piece left.
public struct FrameRecording: Sendable {
    public var bytes: [UInt8]
    /// Where each piece ends in `bytes`, in order; `screens[i]` is the screen after piece `i`.
    public var cuts: [Int]
    public var screens: [TmuxSession.Screen]
    /// The keys typed, one per piece after the first `cuts.count - keys.count` (which need no key).
    public var keys: [String]
    public var rows: Int
    public var columns: Int

    public init(bytes: [UInt8], cuts: [Int], screens: [TmuxSession.Screen], keys: [String], rows: Int, columns: Int) {
        self.bytes = bytes
        self.cuts = cuts
        self.screens = screens
        self.keys = keys
        self.rows = rows
        self.columns = columns
    }

    /// How many pieces are written before the first key.
    public var leadingPieces: Int { cuts.count - keys.count }

    /// The size in bytes of each key's piece.
    public var keyPieceSizes: [Int] {
        (leadingPieces..<cuts.count).map { cuts[$0] - cuts[$0 - 1] }
    }
}

/// The floor under a keystroke measurement: a program that does no work at all, only writes, for each
/// key it reads, the bytes another program wrote for that key (a `FrameRecording`), timed exactly as
/// the real program is (`TmuxControl.measure` until the same screen).
///
/// Why: a keystroke's figure is the program's work plus what the terminal costs — tmux reading the
/// pane, parsing the escape sequences, and the control client's report. The second part grows with the
/// frame (a filter that changes the whole screen writes thousands of bytes; a search that moves a cursor,
/// a few hundred). Replaying a recording measures that part alone, so a target can be set against what
/// any program drawing those frames would take.
///
/// The replayer is a few lines of Python (the machine's `python3`, as the library generator needs): it
/// puts its terminal in raw mode, writes the leading pieces, then one piece per byte read.
public enum FrameReplay {
    static let script = """
        import os, sys, tty
        data = open(sys.argv[1], 'rb').read()
        cuts = [int(c) for c in sys.argv[2].split(',')]
        lead = int(sys.argv[3])
        tty.setraw(0)
        os.write(1, data[:cuts[lead - 1]])
        for start, end in zip(cuts[lead - 1:], cuts[lead:]):
            os.read(0, 1)
            view = memoryview(data)[start:end]
            while view:
                view = view[os.write(1, view):]
        os.read(0, 1)
        """

    /// Seconds from each key to the replayed screen for it, in a terminal of the recording's size.
    /// - Throws: `TmuxSession.Failure` if the replay does not make the recorded screens (then it is not
    ///   a floor for them), or `HumInteractive.Failure` if the recording has no key.
    public static func keystrokeLatencies(_ recording: FrameRecording, workDirectory: String,
                                          timeout: Double = 10) throws -> [Double] {
        guard !recording.keys.isEmpty, recording.leadingPieces >= 1, recording.keys.allSatisfy({ $0.utf8.count == 1 }) else {
            throw HumInteractive.Failure("a recording needs a leading piece and one-byte keys")
        }
        let file = workDirectory + "/frames-\(getpid()).bin"
        try Data(recording.bytes).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let terminal = try TmuxSession(["python3", "-c", script, file, recording.cuts.map(String.init).joined(separator: ","),
                                        String(recording.leadingPieces)],
                                       rows: recording.rows, columns: recording.columns)
        defer { terminal.kill() }
        let control = try TmuxControl(terminal)
        defer { control.close() }
        let start = recording.screens[recording.leadingPieces - 1]
        try terminal.waitForScreen(timeout: timeout, colors: true) { $0 == start }
        var latencies: [Double] = []
        for (offset, key) in recording.keys.enumerated() {
            let expected = recording.screens[recording.leadingPieces + offset]
            latencies.append(try control.measure(timeout: timeout, send: { try control.type(key) }, until: { $0 == expected }))
        }
        return latencies
    }
}
