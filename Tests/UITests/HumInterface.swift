import Foundation
import HumTestSupport
import Testing

/// The real `hum` interface in a tmux terminal of its own, on a library file of its own, with a private
/// PulseAudio daemon (so that it plays in real time, as a listener hears it) and a scratch HOME and
/// config folder (so that no setting of the machine's user leaks in).
final class HumInterface: Sendable {
    let terminal: TmuxSession
    let home: String
    let libraryPath: String
    let daemon: PulseTestDaemon?

    /// The command and environment a session starts with, kept to restart the same way.
    let command: [String]
    let environment: [String: String]

    init(home: String, libraryPath: String, daemon: PulseTestDaemon?, rows: Int = 30, columns: Int = 100,
         environment extra: [String: String] = [:], arguments: [String] = []) throws {
        self.home = home
        self.libraryPath = libraryPath
        self.daemon = daemon
        command = [Repository.humBinary, "--library", libraryPath] + (daemon == nil ? ["--output", "null"] : []) + arguments
        environment = (daemon?.environment ?? [:]).merging(["HOME": home, "XDG_CONFIG_HOME": home + "/config"]) { $1 }
            .merging(extra) { $1 }
        terminal = try TmuxSession(command, rows: rows, columns: columns, environment: environment)
    }

    /// A wrapper around a terminal someone else started (for its key helpers).
    private init(terminal: TmuxSession, home: String, libraryPath: String) {
        self.terminal = terminal
        self.home = home
        self.libraryPath = libraryPath
        daemon = nil
        command = []
        environment = [:]
    }

    static func attached(to terminal: TmuxSession, home: String, library: String) throws -> HumInterface {
        HumInterface(terminal: terminal, home: home, libraryPath: library)
    }

    /// A scratch home with a library file that `hum scan` filled from `folders`. The background analysis
    /// is off (in the settings file beside the library, as `:set` would keep it): its "analysing N%" in the
    /// bar would change screens these tests compare. TasteTests and SoundTests exercise the analysis.
    static func prepare(label: String, folders: [String]) async throws -> (home: String, library: String) {
        let home = Fixtures.scratchDirectory(label)
        let library = home + "/hum.sqlite"
        try #"{"analyze_in_background":"off"}"#.write(toFile: home + "/hum-settings.json", atomically: true, encoding: .utf8)
        if !folders.isEmpty {
            let scan = try await ChildProcess.run(Repository.humBinary, ["scan", "--library", library] + folders,
                                                  environment: ["LANG": "C.UTF-8", "HOME": home], timeout: 300)
            #expect(scan.succeeded, "hum scan: \(scan.stderr)")
        }
        return (home, library)
    }

    func screen() throws -> String { try terminal.capture() }

    @discardableResult
    func waitFor(_ text: String, timeout: Double = 15) throws -> String {
        try terminal.waitFor(timeout: timeout) { $0.contains(text) }.screen
    }

    @discardableResult
    func waitFor(timeout: Double = 15, _ predicate: (String) -> Bool) throws -> String {
        try terminal.waitFor(timeout: timeout, predicate).screen
    }

    func keys(_ keys: String...) throws { try terminal.send(keys: keys) }

    /// Types a `:` command and presses Enter.
    func command(_ line: String) throws {
        try terminal.send(keys: [":"])
        try waitFor { $0.split(separator: "\n").last?.hasPrefix(":") == true }
        try terminal.type(line)
        try terminal.send(keys: ["Enter"])
    }

    /// The now-playing clock as shown ("0:07 / 1:00"), or nil.
    func clock(_ screen: String) -> String? {
        guard let range = screen.range(of: #"\d+:\d\d / \d+:\d\d"#, options: .regularExpression) else { return nil }
        return String(screen[range])
    }

    /// The rows (as plain text) that have the cursor's colours, the default theme's selection, black on
    /// cyan (SGR 46), read from a capture with colours. tmux writes a colour only where it changes, so the
    /// state is followed across rows.
    func selectedRows() throws -> [String] {
        var background = 49, rows: [String] = []
        for line in try terminal.capture(colors: true).split(separator: "\n", omittingEmptySubsequences: false) {
            var text = "", selected = false, rest = Substring(line)
            while let escape = rest.firstMatch(of: #/\x1B\[([0-9;:]*)m/#) {
                text += rest[..<escape.range.lowerBound]
                if background == 46 && !rest[..<escape.range.lowerBound].isEmpty { selected = true }
                for code in escape.output.1.split(separator: ";").compactMap({ Int($0) }) + (escape.output.1.isEmpty ? [0] : []) {
                    if code == 0 || code == 49 { background = 49 } else if (40...47).contains(code) || (100...107).contains(code) { background = code }
                }
                rest = rest[escape.range.upperBound...]
            }
            if background == 46 && !rest.isEmpty { selected = true }
            text += rest
            if selected { rows.append(text) }
        }
        return rows
    }

    /// q, and waits for the program to end.
    func quit() throws {
        try keys("q")
        let deadline = Date().addingTimeInterval(10)
        while !terminal.isDead && Date() < deadline { usleep(20_000) }
        #expect(terminal.isDead, "hum did not quit on q: \((try? screen()) ?? "")")
    }

    /// A second hum on the same library, home, daemon and options, in a new terminal.
    func restarted(rows: Int = 30, columns: Int = 100) throws -> HumInterface {
        try HumInterface(home: home, libraryPath: libraryPath, daemon: daemon, rows: rows, columns: columns,
                         environment: environment, arguments: Array(command.dropFirst(daemon == nil ? 5 : 3)))
    }

    /// Ends the terminal (and with `daemon`, the sound server too).
    func close(daemon stopDaemon: Bool = true) {
        terminal.kill()
        if stopDaemon { daemon?.stop() }
    }
}
