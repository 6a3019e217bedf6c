import AppCore
import Foundation
import MusicCore
import TerminalUI
import TOMLKit

/// The interface's settings: their defaults, what they do, and the values they accept. The config file,
/// `:set`, the Settings view and `hum config --defaults` all read this one list.
public struct InterfaceSetting: Sendable {
    public var key: String
    public var defaultValue: String
    public var summary: String
    /// Allowed values (cycled by Enter in the Settings view); empty for free values (numbers).
    public var choices: [String]

    public static let all: [InterfaceSetting] = [
        InterfaceSetting(key: "theme", defaultValue: "default", summary: "colors: a file in themes/ or ~/.config/hum/themes/, or a cmus colorscheme (cmus:NAME)", choices: []),
        InterfaceSetting(key: "replaygain", defaultValue: "auto", summary: "loudness: off, track, album, auto (album gain for albums in order)",
                         choices: ["off", "track", "album", "auto"]),
        InterfaceSetting(key: "replaygain_preamp", defaultValue: "0", summary: "dB added to tagged gain (-30 to 30)", choices: []),
        InterfaceSetting(key: "replaygain_limit", defaultValue: "on", summary: "the tagged peak limits the gain, so nothing clips (cmus's replaygain_limit)",
                         choices: ["on", "off"]),
        InterfaceSetting(key: "volume_step", defaultValue: "5", summary: "percent that + and - change the volume by", choices: []),
        InterfaceSetting(key: "mouse", defaultValue: "on", summary: "click selects, wheel scrolls (from the next start)", choices: ["on", "off"]),
        InterfaceSetting(key: "restore_session", defaultValue: "on", summary: "queue, track, position, view and filter come back on restart",
                         choices: ["on", "off"]),
        InterfaceSetting(key: "playlist_paths", defaultValue: "relative", summary: "exported M3U/PLS name files relative to the playlist, or absolute",
                         choices: ["relative", "absolute"]),
        InterfaceSetting(key: "collect_history", defaultValue: "on", summary: "record listens, skips, seeks and pauses (kept in the library file)",
                         choices: ["on", "off"]),
        InterfaceSetting(key: "personalization", defaultValue: "on",
                         summary: "smart shuffle, radio and suggestions by the taste model (off: plain shuffle, nothing learned is used)",
                         choices: ["on", "off"]),
        InterfaceSetting(key: "exploration", defaultValue: "1",
                         summary: "how much smart picks try what hum knows little about: 0 never, 1 as uncertain as the model is, up to 3",
                         choices: []),
        InterfaceSetting(key: "status_program", defaultValue: "",
                         summary: "a program run when playback changes, with status playing file … title … (as cmus's status_display_program); none in a private session",
                         choices: []),
        InterfaceSetting(key: "mpris", defaultValue: "on",
                         summary: "media keys, playerctl and desktop widgets control hum over the session bus (MPRIS; from the next start); a private session names no track there",
                         choices: ["on", "off"]),
        InterfaceSetting(key: "analyze_in_background", defaultValue: "on",
                         summary: "analyse unanalysed tracks at low priority while the interface is open (for smart shuffle)",
                         choices: ["on", "off"]),
    ]

    public static func named(_ key: String) -> InterfaceSetting? { all.first { $0.key == key } }

    /// The settings that decide ReplayGain.
    static let replayGainKeys: Set<String> = ["replaygain", "replaygain_preamp", "replaygain_limit"]

    /// ReplayGain as the engine takes it, from the settings' values (`value(key)`).
    static func replayGain(_ value: (String) -> String) -> ReplayGainSettings {
        ReplayGainSettings(mode: ReplayGainMode(rawValue: value("replaygain")) ?? .auto,
                           preampDB: Double(value("replaygain_preamp")) ?? 0,
                           preventClipping: value("replaygain_limit") != "off")
    }

    /// The canonical value, or a one-line reason it is refused.
    public static func validate(_ key: String, _ raw: String) -> Result<String, ConfigError> {
        guard let setting = named(key) else { return .failure(ConfigError("unknown setting: \(key)")) }
        var value = raw
        if !setting.choices.isEmpty {
            let aliases = ["true": "on", "yes": "on", "1": "on", "false": "off", "no": "off", "0": "off"]
            if setting.choices == ["on", "off"], let alias = aliases[raw.lowercased()] { value = alias }
            guard setting.choices.contains(value) else {
                return .failure(ConfigError("\(key) must be one of \(setting.choices.joined(separator: ", ")), not \(raw)"))
            }
        }
        switch key {
        case "replaygain_preamp":
            guard let number = Double(raw), number.isFinite, abs(number) <= 30 else {
                return .failure(ConfigError("replaygain_preamp must be a number of dB from -30 to 30, not \(raw)"))
            }
        case "exploration":
            guard let number = Double(raw), number.isFinite, (0...3).contains(number) else {
                return .failure(ConfigError("exploration must be a number from 0 to 3, not \(raw)"))
            }
        case "volume_step":
            guard let number = Int(raw), (1...50).contains(number) else {
                return .failure(ConfigError("volume_step must be a whole number from 1 to 50, not \(raw)"))
            }
        default: break
        }
        return .success(value)
    }
}

public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// `~/.config/hum/config.toml`: settings at the top level, key bindings under `[keys]`.
public struct InterfaceConfig: Sendable, Equatable {
    public var settings: [String: String] = [:]
    /// Key name → command line, in file order.
    public var keys: [(key: String, command: String)] = []
    /// One line per problem found; the rest of the file still applies.
    public var problems: [String] = []

    public init() {}

    public static func == (a: InterfaceConfig, b: InterfaceConfig) -> Bool {
        a.settings == b.settings && a.keys.map(\.key) == b.keys.map(\.key) && a.keys.map(\.command) == b.keys.map(\.command)
            && a.problems == b.problems
    }

    public func value(_ key: String) -> String { settings[key] ?? InterfaceSetting.named(key)?.defaultValue ?? "" }

    /// The config file's path: `$XDG_CONFIG_HOME/hum/config.toml`, default `~/.config/hum/config.toml`.
    public static func defaultPath(environment: [String: String]) -> String {
        configDirectory(environment: environment) + "/config.toml"
    }

    public static func configDirectory(environment: [String: String]) -> String {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/hum" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/hum"
    }

    /// Reads the file at `path`; a missing file is no error (every setting keeps its default).
    public static func load(path: String) -> InterfaceConfig {
        guard FileManager.default.fileExists(atPath: path) else { return InterfaceConfig() }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            var config = InterfaceConfig()
            config.problems = ["\(path): cannot be read as UTF-8 text; using the defaults"]
            return config
        }
        return parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) -> InterfaceConfig {
        var config = InterfaceConfig()
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            config.problems = ["\(path): line \(error.source.begin.line): \(error.description); using the defaults"]
            return config
        } catch {
            config.problems = ["\(path): \(error); using the defaults"]
            return config
        }
        for key in table.keys {
            guard let value = table[key] else { continue }
            if key == "keys" {
                guard let keys = value.table else {
                    config.problems.append("\(path): keys must be a table ([keys])")
                    continue
                }
                for name in keys.keys {
                    guard let command = keys[name]?.string else {
                        config.problems.append("\(path): [keys] \(name) must be a command in quotes")
                        continue
                    }
                    config.keys.append((name, command))
                }
                continue
            }
            let raw: String
            if let string = value.string { raw = string } else if let bool = value.bool { raw = bool ? "on" : "off" }
            else if let int = value.int { raw = String(int) } else if let double = value.double { raw = String(double) }
            else {
                config.problems.append("\(path): \(key) has a value of the wrong kind")
                continue
            }
            switch InterfaceSetting.validate(key, raw) {
            case .success(let valid): config.settings[key] = valid
            case .failure(let error): config.problems.append("\(path): \(error)")
            }
        }
        return config
    }

    /// Every setting with its default and what it does, as a config file: `hum config --defaults`.
    public static func defaultsText() -> String {
        var lines = ["# hum's configuration: ~/.config/hum/config.toml (every setting below is the default).", ""]
        for setting in InterfaceSetting.all {
            lines.append("# \(setting.summary)")
            let numeric = setting.choices.isEmpty && Double(setting.defaultValue) != nil
            lines.append("\(setting.key) = \(numeric ? setting.defaultValue : "\"\(setting.defaultValue)\"")")
            lines.append("")
        }
        lines.append("# Keys: a key name, then any command of the : line. Defaults are listed by ? in hum.")
        lines.append("[keys]")
        let map = KeyMap.defaults
        for binding in map.bindings {
            guard let line = commandLine(for: binding.command) else { continue }
            lines.append("\"\(binding.key.name)\" = \"\(line)\"")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `:` line that means `command`, checked by parsing it back; nil for one the line cannot say.
    static func commandLine(for command: Command) -> String? {
        var candidates: [String] = []
        switch command {
        case .showView(let view): candidates = ["view \(view.name)"]
        case .seek(let seconds, let relative): candidates = ["seek \(relative && seconds >= 0 ? "+" : "")\(Int(seconds))"]
        case .volume(let percent, let relative): candidates = ["vol \(relative && percent >= 0 ? "+" : "")\(percent)"]
        default: candidates = CommandLineParser.specs.flatMap { [$0.name] + $0.aliases }
        }
        return candidates.first { (try? CommandLineParser.parse($0)) == command }
    }
}
