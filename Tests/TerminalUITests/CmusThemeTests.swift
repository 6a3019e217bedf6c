import Foundation
import Testing
import TerminalUI

/// cmus's shipped colorschemes (the Debian cmus package, installed by scripts/install-deps).
private let cmusThemes = "/usr/share/cmus"

private func cmusTheme(_ name: String) throws -> String {
    try String(contentsOfFile: cmusThemes + "/\(name).theme", encoding: .utf8)
}

private func cmusError(_ text: String) -> ThemeError? {
    do throws(ThemeError) {
        _ = try CmusTheme.parse(text, name: "test")
        return nil
    } catch {
        return error
    }
}

@Suite("cmus colorschemes read as hum themes")
struct CmusThemeTests {
    @Test("cmus's default.theme is exactly what an empty file gives: hum knows cmus's defaults")
    func defaults() throws {
        let empty = try CmusTheme.parse("", name: "cmus:default")
        #expect(try CmusTheme.parse(try cmusTheme("default"), name: "cmus:default") == empty)
        // cmus's look: white on blue cursor, light yellow playing track, black on gray status line.
        #expect(empty[.selection] == Style(foreground: .ansi(15), background: .blue))
        #expect(empty[.playing] == Style(foreground: .ansi(11)))
        #expect(empty[.statusBar] == Style(foreground: .black, background: .white))
        #expect(empty[.accent] == Style(foreground: .ansi(12)))
    }

    @Test("Every colorscheme cmus ships loads, fits every depth and keeps what must stand out apart without colors")
    func everyShippedColorscheme() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: cmusThemes).filter { $0.hasSuffix(".theme") }
        #expect(names.count >= 17, "\(names)")
        for file in names {
            let text = try String(contentsOfFile: cmusThemes + "/" + file, encoding: .utf8)
            #expect(CmusTheme.isCmusTheme(text), "\(file)")
            let theme = try CmusTheme.parse(text, name: file)
            #expect(Set(theme.styles.keys) == Set(ThemeRole.allCases))
            let monochrome = theme.adapted(to: .monochrome)
            for role in [ThemeRole.selection, .playing, .statusBar, .error] {
                #expect(monochrome[role] != monochrome[.text], "\(file): \(role.rawValue)")
            }
            for depth in [ColorDepth.ansi8, .ansi16, .palette256] {
                for style in theme.adapted(to: depth).styles.values {
                    for color in [style.foreground, style.background] {
                        switch (depth, color) {
                        case (_, .default), (.palette256, .palette): break
                        case (.ansi8, .ansi(let n)): #expect(n < 8, "\(file) at \(depth)")
                        case (.ansi16, .ansi(let n)), (.palette256, .ansi(let n)): #expect(n < 16, "\(file) at \(depth)")
                        default: Issue.record("\(file) at \(depth): \(color)")
                        }
                    }
                }
            }
        }
    }

    @Test("zenburn's colors land on the roles that paint the same parts")
    func zenburn() throws {
        let theme = try CmusTheme.parse(try cmusTheme("zenburn"), name: "zenburn")
        #expect(theme[.text] == Style(foreground: .palette(188), background: .palette(237)))
        #expect(theme[.selection] == Style(foreground: .palette(223), background: .palette(235)))
        #expect(theme[.selectionInactive] == Style(foreground: .palette(116), background: .palette(238)))
        #expect(theme[.playing] == Style(foreground: .palette(172), background: .palette(237)))
        #expect(theme[.accent] == Style(foreground: .palette(108), background: .palette(237)))
        #expect(theme[.border] == Style(foreground: .palette(246), background: .palette(237)))
        #expect(theme[.header] == Style(foreground: .palette(174), background: .palette(235)))
        #expect(theme[.statusBar] == Style(foreground: .palette(142), background: .palette(237)))
        #expect(theme[.statusTitle] == Style(foreground: .palette(144), background: .palette(235)))
        #expect(theme[.commandLine] == Style(foreground: .palette(108), background: .palette(237)))
        #expect(theme[.error] == Style(foreground: .ansi(9), background: .palette(237), attributes: .bold))
        #expect(theme[.message] == Style(foreground: .ansi(10), background: .palette(237)))
    }

    @Test("Colors: default and -1, cmus's 16 names, 0…255; attributes joined by |")
    func values() throws {
        let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "gray",
                     "darkgray", "lightred", "lightgreen", "lightyellow", "lightblue", "lightmagenta", "lightcyan", "white"]
        for (index, name) in names.enumerated() {
            #expect(try CmusTheme.parse("set color_win_cur=\(name)\n", name: "t")[.playing].foreground == .ansi(UInt8(index)), "\(name)")
        }
        #expect(try CmusTheme.parse("set color_win_cur=-1", name: "t")[.playing].foreground == .default)
        #expect(try CmusTheme.parse("set color_win_cur = default", name: "t")[.playing].foreground == .default)
        #expect(try CmusTheme.parse("set color_win_cur=7", name: "t")[.playing].foreground == .ansi(7))
        #expect(try CmusTheme.parse("set color_win_cur=255\r\n", name: "t")[.playing].foreground == .palette(255))
        let attributes = try CmusTheme.parse("set color_win_sel_attr=bold|underline\nset color_win_cur_attr=standout\n", name: "t")
        #expect(attributes[.selection].attributes == [.bold, .underline])
        #expect(attributes[.playing].attributes == [.reverse, .bold])
        // Options that are not colors, and colors of parts hum does not draw, are passed over.
        let other = try CmusTheme.parse("set softvol=true\nset color_trackwin_album_attr=bold\nset color_win_cur=red\n", name: "t")
        #expect(other[.playing].foreground == .red)
    }

    @Test("A value cmus would refuse is reported with its line; a hum theme is not taken for a cmus one")
    func errors() {
        #expect(cmusError("# zen\n\nset color_win_fg=purple\n") == ThemeError(line: 3, message:
            "color_win_fg: unknown color 'purple' (cmus colors: -1…255, black, red, green, yellow, blue, magenta, cyan, gray, "
            + "darkgray, lightred, lightgreen, lightyellow, lightblue, lightmagenta, lightcyan, white)"))
        #expect(cmusError("set color_win_fg=256")?.line == 1)
        #expect(cmusError("set color_win_sel_attr=bold|shiny")?.message.contains("unknown cmus attribute 'shiny'") == true)
        #expect(cmusError("set color_win_fg=red\nselection = black on cyan\n")?.line == 2)
        #expect(CmusTheme.isCmusTheme("# a cmus theme\n\nset color_win_fg=red\n"))
        #expect(!CmusTheme.isCmusTheme("# a hum theme\nselection = black on cyan\n"))
        #expect(!CmusTheme.isCmusTheme(""))
    }
}
