import MusicCore

/// The player commands shared by every input: keys in `hum play`, lines on its standard input, and (later)
/// the `:` command line. One vocabulary, so `:seek +10` and the → key mean the same thing.
public enum TransportCommand: Sendable, Equatable {
    case pause
    case resume
    case togglePause
    case stop
    case next
    case previous
    /// Seek to an absolute time, or by a signed offset, in seconds.
    case seek(seconds: Double, relative: Bool)
    /// Set the volume, or change it by a signed step, in percent.
    case volume(percent: Int, relative: Bool)
    case quit

    /// The longest seek a command may ask for (a week): longer is a typo, and would overflow frame counts.
    public static let maximumSeekSeconds = 7.0 * 24 * 3600

    /// Reads a command line such as `seek +10`, `seek 1:30`, `vol -5`, `next`. cmus's names are accepted
    /// too (`player-pause`, `player-next`, `player-prev`, `player-stop`, `player-play`).
    public static func parse(_ line: String) throws(TransportCommandError) -> TransportCommand {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let verb = words.first?.lowercased() else { throw .empty }
        let argument = words.count > 1 ? words[1] : nil
        guard words.count <= 2 else { throw .unexpectedArgument(line) }
        func noArgument(_ command: TransportCommand) throws(TransportCommandError) -> TransportCommand {
            guard argument == nil else { throw .unexpectedArgument(line) }
            return command
        }
        switch verb {
        case "pause": return try noArgument(.pause)
        case "resume", "play", "player-play": return try noArgument(.resume)
        case "toggle", "player-pause": return try noArgument(.togglePause)
        case "stop", "player-stop": return try noArgument(.stop)
        case "next", "player-next": return try noArgument(.next)
        case "prev", "previous", "player-prev": return try noArgument(.previous)
        case "quit", "q": return try noArgument(.quit)
        case "seek":
            guard let argument, let seconds = TimeFormat.parseSeconds(argument), abs(seconds) <= maximumSeekSeconds
            else { throw .badValue(line) }
            return .seek(seconds: seconds, relative: argument.hasPrefix("+") || argument.hasPrefix("-"))
        case "vol", "volume":
            guard let argument else { throw .badValue(line) }
            let digits = argument.hasSuffix("%") ? String(argument.dropLast()) : argument
            guard let percent = Int(digits), abs(percent) <= 100 else { throw .badValue(line) }
            return .volume(percent: percent, relative: argument.hasPrefix("+") || argument.hasPrefix("-"))
        default:
            throw .unknown(verb)
        }
    }

    /// The command a key means in `hum play`, cmus style (c pause, b next, z previous, ←/→ ±5 s,
    /// ,/. ±1 min, +/- volume) plus space for pause and q to quit.
    public static func forKey(_ key: Key) -> TransportCommand? {
        switch key {
        case .character(" "), .character("c"): .togglePause
        case .character("b"), .character("n"): .next
        case .character("z"), .character("p"): .previous
        case .character("v"): .stop
        case .right, .character("l"): .seek(seconds: 5, relative: true)
        case .left, .character("h"): .seek(seconds: -5, relative: true)
        case .character("."): .seek(seconds: 60, relative: true)
        case .character(","): .seek(seconds: -60, relative: true)
        case .character("+"), .character("="), .up: .volume(percent: 5, relative: true)
        case .character("-"), .down: .volume(percent: -5, relative: true)
        case .character("q"): .quit
        default: nil
        }
    }

    /// A key press, decoded from terminal input.
    public enum Key: Sendable, Equatable {
        case character(Character)
        case up, down, left, right
    }

    /// Splits raw terminal bytes into keys (arrow keys arrive as `ESC [ A`…).
    public static func keys(in bytes: [UInt8]) -> [Key] {
        var keys: [Key] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x1B, index + 2 < bytes.count, bytes[index + 1] == 0x5B || bytes[index + 1] == 0x4F {
                switch bytes[index + 2] {
                case 0x41: keys.append(.up)
                case 0x42: keys.append(.down)
                case 0x43: keys.append(.right)
                case 0x44: keys.append(.left)
                default: break
                }
                index += 3
                continue
            }
            if bytes[index] < 0x80 { keys.append(.character(Character(UnicodeScalar(bytes[index])))) }
            index += 1
        }
        return keys
    }
}

public enum TransportCommandError: Error, Equatable, CustomStringConvertible {
    case empty
    case unknown(String)
    case badValue(String)
    case unexpectedArgument(String)

    public var description: String {
        switch self {
        case .empty: "empty command"
        case .unknown(let verb): "unknown command: \(verb)"
        case .badValue(let line): "bad value in: \(line)"
        case .unexpectedArgument(let line): "unexpected argument in: \(line)"
        }
    }
}

extension PlaybackEngine {
    /// Carries out a command (`quit` is the caller's business and is ignored here).
    public func perform(_ command: TransportCommand) {
        switch command {
        case .pause: pause()
        case .resume: resume()
        case .togglePause: togglePause()
        case .stop: stop()
        case .next: next()
        case .previous: previous()
        case .seek(let seconds, let relative): relative ? seek(by: seconds) : seek(to: seconds)
        case .volume(let percent, let relative):
            let change = min(max(percent, -100), 100)
            setVolume(relative ? volume + change : change)
        case .quit: break
        }
    }
}
