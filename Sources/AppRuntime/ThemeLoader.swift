import Foundation
import TerminalUI

/// Finds themes: the listener's own in `~/.config/hum/themes/NAME.theme` first, then the shipped ones.
/// A theme that does not parse is refused with its file and line, and the theme in use stays.
struct ThemeLoader: Sendable {
    let userDirectory: String

    var names: [String] {
        let user = (try? FileManager.default.contentsOfDirectory(atPath: userDirectory)) ?? []
        let own = user.filter { $0.hasSuffix(".theme") }.map { String($0.dropLast(".theme".count)) }
        return Array(Set(own + BuiltInThemes.files.map(\.name))).sorted()
    }

    func load(_ name: String) -> Result<Theme, ConfigError> {
        guard !name.isEmpty, !name.contains("/") else { return .failure(ConfigError("bad theme name: \(name)")) }
        let path = userDirectory + "/" + name + ".theme"
        if FileManager.default.fileExists(atPath: path) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                return .failure(ConfigError("theme \(path) cannot be read as UTF-8 text"))
            }
            do {
                return .success(try Theme.parse(text, name: name))
            } catch {
                return .failure(ConfigError("theme \(path): \(error)"))
            }
        }
        guard let builtIn = BuiltInThemes.files.first(where: { $0.name == name }) else {
            return .failure(ConfigError("no theme named \(name) (themes: \(names.joined(separator: ", ")))"))
        }
        do {
            return .success(try Theme.parse(builtIn.text, name: name))
        } catch {
            return .failure(ConfigError("built-in theme \(name): \(error)"))
        }
    }
}
