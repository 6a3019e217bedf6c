import Foundation
import MusicLibrary
import Playback
import Synchronization

/// What the listener asks of `hum play`: a transport command, or an opinion of the track playing.
enum PlayerInput: Sendable, Equatable {
    case transport(TransportCommand)
    /// like, unlike (nil) or dislike.
    case opinion(TrackOpinion?)

    /// `L` likes the track playing, `U` takes the like (or dislike) back, `D` dislikes it ("never play this").
    static func forKey(_ key: TransportCommand.Key) -> PlayerInput? {
        switch key {
        case .character("L"): .opinion(.like)
        case .character("U"): .opinion(nil)
        case .character("D"): .opinion(.dislike)
        default: TransportCommand.forKey(key).map(PlayerInput.transport)
        }
    }

    static func parse(_ line: String) throws -> PlayerInput {
        switch line.trimmingCharacters(in: .whitespaces).lowercased() {
        case "like": .opinion(.like)
        case "unlike": .opinion(nil)
        case "dislike": .opinion(.dislike)
        default: .transport(try TransportCommand.parse(line))
        }
    }
}

/// Reads commands for `hum play` on a thread of its own: single keys when standard input is a terminal
/// (put in raw mode, restored on every exit path), or one command per line with `--stdin-commands`.
enum TerminalInput {
    /// The terminal settings to restore; set while raw mode is on.
    private static let savedMode = Mutex<termios?>(nil)

    /// Starts reading keys. `handle` is called on the reader thread for each command.
    static func startKeys(_ handle: @escaping @Sendable (PlayerInput) -> Void) {
        var mode = termios()
        guard tcgetattr(STDIN_FILENO, &mode) == 0 else { return }
        savedMode.withLock { $0 = mode }
        var raw = mode
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        startThread {
            var buffer = [UInt8](repeating: 0, count: 64)
            while true {
                let count = read(STDIN_FILENO, &buffer, buffer.count)
                guard count > 0 else { return }
                for key in TransportCommand.keys(in: Array(buffer[0..<count])) {
                    if let input = PlayerInput.forKey(key) { handle(input) }
                }
            }
        }
    }

    /// Starts reading one command per line until the end of input (which does not stop playback).
    static func startLines(_ handle: @escaping @Sendable (PlayerInput) -> Void,
                           onError: @escaping @Sendable (String) -> Void) {
        startThread {
            while let line = readLine() {
                guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                do {
                    handle(try PlayerInput.parse(line))
                } catch {
                    onError("\(error)")
                }
            }
        }
    }

    /// Puts the terminal back as it was. Safe to call more than once, and from a signal handler's queue.
    static func restore() {
        guard var mode = savedMode.withLock({ $0 }) else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &mode)
    }

    private static func startThread(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = "hum-input"
        thread.start()
    }
}
