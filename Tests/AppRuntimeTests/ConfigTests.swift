@testable import AppCore
@testable import AppRuntime
import Foundation
import HumTestSupport
import Testing
import TerminalUI

@Suite("config.toml, settings and themes")
struct ConfigTests {
    @Test("Settings and key bindings are read; each wrong value is one line naming it, and the rest applies")
    func parse() {
        let config = InterfaceConfig.parse("""
            theme = "gruvbox"
            replaygain = "loud"
            volume_step = 10
            mouse = false
            nonsense = 1

            [keys]
            "ctrl-x" = "pl-create Mix"
            j = 5
            """, path: "config.toml")
        #expect(config.settings == ["theme": "gruvbox", "volume_step": "10", "mouse": "off"])
        #expect(config.keys.map(\.key) == ["ctrl-x"])
        #expect(config.problems.count == 3, "\(config.problems)")
        #expect(config.problems.contains { $0.contains("replaygain must be one of off, track, album, auto, not loud") })
        #expect(config.problems.contains { $0.contains("unknown setting: nonsense") })
        #expect(config.problems.contains { $0.contains("[keys] j must be a command in quotes") })
    }

    @Test("A file that is not TOML gives one line with its line number, and the defaults")
    func broken() {
        let config = InterfaceConfig.parse("theme = \"a\"\n[keys\n", path: "/x/config.toml")
        #expect(config.settings.isEmpty)
        #expect(config.problems.count == 1)
        #expect(config.problems[0].hasPrefix("/x/config.toml: line 2"), "\(config.problems)")
    }

    @Test("hum config --defaults reads back as itself: every setting at its default, every key bound as it is")
    func defaultsRoundTrip() throws {
        let text = InterfaceConfig.defaultsText()
        let config = InterfaceConfig.parse(text, path: "defaults")
        #expect(config.problems.isEmpty, "\(config.problems)")
        for setting in InterfaceSetting.all { #expect(config.value(setting.key) == setting.defaultValue) }
        var map = KeyMap()
        for binding in config.keys { try map.bind(keyName: binding.key, commandLine: binding.command) }
        let mouse: Set<String> = ["click", "wheel-up", "wheel-down"]
        let expected = KeyMap.defaults.bindings.filter { !mouse.contains($0.key.name) }
        #expect(map.bindings.count == expected.count)
        for binding in expected { #expect(map.command(for: binding.key) == binding.command, "\(binding.key.name)") }
    }

    @Test("Numbers are checked: preamp within ±30 dB, volume_step 1–50")
    func validate() {
        #expect(throws: Never.self) { try InterfaceSetting.validate("replaygain_preamp", "-6.5").get() }
        #expect(InterfaceSetting.validate("replaygain_preamp", "31") != .success("31"))
        #expect(InterfaceSetting.validate("volume_step", "0") != .success("0"))
        #expect(InterfaceSetting.validate("restore_session", "yes") == .success("on"))
        #expect(InterfaceSetting.validate("replaygain_limit", "off") == .success("off"))
        #expect(InterfaceSetting.validate("replaygain_limit", "maybe") != .success("maybe"))
    }

    @Test("ReplayGain comes from replaygain, replaygain_preamp and replaygain_limit (on unless set off)")
    func replayGainSettings() {
        let defaults = InterfaceSetting.replayGain { key in InterfaceSetting.named(key)?.defaultValue ?? "" }
        #expect(defaults.mode == .auto && defaults.preampDB == 0 && defaults.preventClipping)
        let set = ["replaygain": "track", "replaygain_preamp": "-6.5", "replaygain_limit": "off"]
        let chosen = InterfaceSetting.replayGain { set[$0] ?? "" }
        #expect(chosen.mode == .track && chosen.preampDB == -6.5 && !chosen.preventClipping)
        #expect(InterfaceSetting.replayGainKeys == Set(InterfaceSetting.all.map(\.key).filter { $0.hasPrefix("replaygain") }))
    }

    @Test("Every shipped theme parses, and the copy compiled into hum is current")
    func shippedThemes() throws {
        let loader = ThemeLoader(userDirectory: "/nonexistent")
        #expect(Set(loader.names).isSuperset(of: ["default", "light", "high-contrast", "solarized", "gruvbox", "monochrome"]))
        for name in loader.names {
            let theme = try loader.load(name).get()
            for depth in [ColorDepth.monochrome, .ansi8, .ansi16, .palette256, .trueColor] { _ = theme.adapted(to: depth) }
        }
        let check = try ChildProcess.shell("cd \(Repository.root) && scripts/embed-themes --check && echo current")
        #expect(check.contains("current"))
    }

    @Test("A user theme beside the shipped ones wins; a broken one is refused with its file and line")
    func userThemes() throws {
        let folder = Fixtures.scratchDirectory("themes")
        try "selection = black on green bold\n".write(toFile: folder + "/mine.theme", atomically: true, encoding: .utf8)
        try "text = default\nselection = purple\n".write(toFile: folder + "/broken.theme", atomically: true, encoding: .utf8)
        let loader = ThemeLoader(userDirectory: folder)
        #expect(loader.names.contains("mine"))
        let mine = try loader.load("mine").get()
        #expect(mine[.selection] == Style(foreground: .black, background: .green, attributes: .bold))
        guard case .failure(let error) = loader.load("broken") else { Issue.record("a broken theme loaded"); return }
        #expect(error.description.contains("broken.theme: line 2"), "\(error)")
        guard case .failure(let missing) = loader.load("nope") else { Issue.record("a missing theme loaded"); return }
        #expect(missing.description.contains("no theme named nope"))
    }

    @Test("cmus's colorschemes come after hum's themes: by name, as cmus:NAME where hum has the name, and in hum's folder")
    func cmusColorschemes() throws {
        let own = Fixtures.scratchDirectory("themes-own"), cmus = Fixtures.scratchDirectory("themes-cmus")
        try "# mine, cmus style\nset color_win_sel_bg=green\n".write(toFile: own + "/copied.theme", atomically: true, encoding: .utf8)
        try "set color_win_cur=red\n".write(toFile: cmus + "/default.theme", atomically: true, encoding: .utf8)
        try "set color_win_cur=208\n".write(toFile: cmus + "/orange.theme", atomically: true, encoding: .utf8)
        try "set color_win_cur=orange\n".write(toFile: cmus + "/broken.theme", atomically: true, encoding: .utf8)
        let loader = ThemeLoader(userDirectory: own, cmusDirectories: [cmus, "/nonexistent"])
        #expect(Set(loader.names).isSuperset(of: ["default", "copied", "orange", "cmus:default", "broken"]), "\(loader.names)")
        #expect(!loader.names.contains("cmus:orange"))
        #expect(try loader.load("orange").get()[.playing].foreground == .palette(208))
        #expect(try loader.load("default").get() == Theme.builtInDefault, "hum's own default wins the name")
        let cmusDefault = try loader.load("cmus:default").get()
        #expect(cmusDefault.name == "cmus:default" && cmusDefault[.playing].foreground == .red)
        #expect(try loader.load("copied").get()[.selection].background == .green, "a cmus file in hum's folder is read as cmus's")
        guard case .failure(let error) = loader.load("broken") else { Issue.record("a broken colorscheme loaded"); return }
        #expect(error.description.contains(cmus + "/broken.theme: line 1: color_win_cur: unknown color 'orange'"), "\(error)")
        guard case .failure(let missing) = loader.load("cmus:nope") else { Issue.record("a missing colorscheme loaded"); return }
        #expect(missing.description.contains("no cmus colorscheme named nope"), "\(missing)")
        #expect(ThemeLoader.cmusDirectories(environment: ["HOME": "/home/ana"]).first == "/home/ana/.config/cmus")
        #expect(ThemeLoader.cmusDirectories(environment: ["HOME": "/home/ana", "CMUS_HOME": "/srv/cmus"]).first == "/srv/cmus")
        #expect(ThemeLoader.cmusDirectories(environment: ["HOME": "/h", "XDG_CONFIG_HOME": "/x"]).prefix(2) == ["/x/cmus", "/usr/share/cmus"])
    }
}
