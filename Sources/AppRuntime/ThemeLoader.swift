import Foundation
import TerminalUI

/// Finds themes: the listener's own in `~/.config/hum/themes/NAME.theme` first, then the shipped ones,
/// then cmus's colorschemes (`~/.config/cmus/NAME.theme`, /usr/share/cmus), so `:colorscheme zenburn`
/// does in hum what it does in cmus. `cmus:NAME` asks for cmus's file where hum has a theme of that
/// name (`cmus:default`). A file in the listener's folder may be in either format: a cmus one is known
/// by its `set` lines. A theme that does not parse is refused with its file and line, and the theme in
/// use stays.
struct ThemeLoader: Sendable {
    let userDirectory: String
    /// Where cmus's colorschemes are looked for, in order.
    var cmusDirectories: [String] = []

    static let cmusPrefix = "cmus:"

    /// cmus's own order: `$CMUS_HOME` or `$XDG_CONFIG_HOME/cmus` or `~/.config/cmus`, then the shipped
    /// colorschemes of a Debian (/usr/share) or source (/usr/local/share) install.
    static func cmusDirectories(environment: [String: String]) -> [String] {
        let own: String
        if let home = environment["CMUS_HOME"], home.hasPrefix("/") {
            own = home
        } else if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            own = config + "/cmus"
        } else {
            own = (environment["HOME"] ?? NSHomeDirectory()) + "/.config/cmus"
        }
        return [own, "/usr/share/cmus", "/usr/local/share/cmus"]
    }

    /// Every theme `:theme` can switch to: hum's, then cmus's (as `cmus:NAME` where hum has the name).
    var names: [String] {
        let hum = Set(Self.themeFiles(in: userDirectory) + BuiltInThemes.files.map(\.name))
        let cmus = Set(cmusDirectories.flatMap(Self.themeFiles(in:)))
        return hum.sorted() + cmus.map { hum.contains($0) ? Self.cmusPrefix + $0 : $0 }.sorted()
    }

    func load(_ name: String) -> Result<Theme, ConfigError> {
        guard !name.isEmpty, !name.contains("/") else { return .failure(ConfigError("bad theme name: \(name)")) }
        if name.hasPrefix(Self.cmusPrefix) {
            return loadCmus(String(name.dropFirst(Self.cmusPrefix.count)), as: name)
                ?? .failure(ConfigError("no cmus colorscheme named \(name.dropFirst(Self.cmusPrefix.count)) in \(cmusDirectories.joined(separator: ", "))"))
        }
        let path = userDirectory + "/" + name + ".theme"
        if FileManager.default.fileExists(atPath: path) { return Self.parseFile(path, name: name) }
        if let builtIn = BuiltInThemes.files.first(where: { $0.name == name }) {
            do {
                return .success(try Theme.parse(builtIn.text, name: name))
            } catch {
                return .failure(ConfigError("built-in theme \(name): \(error)"))
            }
        }
        return loadCmus(name, as: name) ?? .failure(ConfigError("no theme named \(name) (themes: \(names.joined(separator: ", ")))"))
    }

    /// cmus's colorscheme `name` from the first of `cmusDirectories` that has it; nil when none does.
    private func loadCmus(_ name: String, as shownName: String) -> Result<Theme, ConfigError>? {
        guard !name.isEmpty else { return nil }
        for directory in cmusDirectories {
            let path = directory + "/" + name + ".theme"
            if FileManager.default.fileExists(atPath: path) { return Self.parseFile(path, name: shownName) }
        }
        return nil
    }

    private static func parseFile(_ path: String, name: String) -> Result<Theme, ConfigError> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .failure(ConfigError("theme \(path) cannot be read as UTF-8 text"))
        }
        do {
            return .success(CmusTheme.isCmusTheme(text) ? try CmusTheme.parse(text, name: name) : try Theme.parse(text, name: name))
        } catch {
            return .failure(ConfigError("theme \(path): \(error)"))
        }
    }

    private static func themeFiles(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".theme") && $0.count > ".theme".count }
            .map { String($0.dropLast(".theme".count)) }
    }
}
