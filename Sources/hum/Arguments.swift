import ArgumentParser
import MusicCore

/// Where `hum play` sends the sound.
enum OutputChoice: ExpressibleByArgument, Equatable {
    case pulse
    case wav(path: String)
    case null

    init?(argument: String) {
        switch argument {
        case "pulse": self = .pulse
        case "null": self = .null
        default:
            guard argument.hasPrefix("wav:"), argument.count > 4 else { return nil }
            self = .wav(path: String(argument.dropFirst(4)))
        }
    }

    static var allValueStrings: [String] { ["pulse", "wav:PATH", "null"] }
}

extension ReplayGainMode: ExpressibleByArgument {}
