import Foundation
import Testing
import TerminalUI

/// The shipped themes: Tests/TerminalUITests/ThemeTests.swift → ../../themes.
private let themesFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("themes")

private func shippedTheme(_ name: String) throws -> String {
    try String(contentsOf: themesFolder.appendingPathComponent("\(name).theme"), encoding: .utf8)
}

private func shippedThemeNames() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: themesFolder.path)
        .filter { $0.hasSuffix(".theme") }
        .map { String($0.dropLast(".theme".count)) }
        .sorted()
}

/// A base no shipped file could match: a role left out of a file keeps this style.
private let sentinel = Theme(name: "sentinel", styles: Dictionary(uniqueKeysWithValues: ThemeRole.allCases.map {
    ($0, Style(foreground: .rgb(1, 2, 3), background: .rgb(4, 5, 6), attributes: [.bold, .dim, .italic, .underline, .reverse]))
}))

/// The error `text` gives, or nil when it parses.
private func parseError(_ text: String) -> ThemeError? {
    do throws(ThemeError) {
        _ = try Theme.parse(text, name: "test")
        return nil
    } catch {
        return error
    }
}

private let colorList = "(colors: default, black…white, bright-black…bright-white, color0…color255, #rrggbb)"

@Suite("Themes: the file format, the shipped themes, and colors brought down to the terminal")
struct ThemeTests {
    // MARK: Shipped themes

    @Test("The six themes are shipped")
    func shippedNames() throws {
        #expect(try shippedThemeNames() == ["default", "gruvbox", "high-contrast", "light", "monochrome", "solarized"])
    }

    @Test("Every shipped theme parses and sets every role itself")
    func shippedThemesAreComplete() throws {
        for name in try shippedThemeNames() {
            let theme = try Theme.parse(try shippedTheme(name), name: name, base: sentinel)
            #expect(theme.name == name)
            for role in ThemeRole.allCases {
                #expect(theme[role] != sentinel[role], "\(name).theme does not set \(role.rawValue)")
            }
            #expect(theme.styles.count == ThemeRole.allCases.count)
        }
    }

    @Test("The built-in default is exactly themes/default.theme")
    func builtInDefaultMatchesFile() throws {
        let file = try Theme.parse(try shippedTheme("default"), name: "default", base: sentinel)
        for role in ThemeRole.allCases {
            #expect(file[role] == Theme.builtInDefault[role], "\(role.rawValue)")
        }
        #expect(file == Theme.builtInDefault)
    }

    @Test("The default theme has the agreed look: black on cyan selection, bold yellow playing, magenta marks")
    func defaultLook() {
        let theme = Theme.builtInDefault
        #expect(theme[.selection] == Style(foreground: .black, background: .cyan))
        #expect(theme[.playing] == Style(foreground: .yellow, attributes: .bold))
        #expect(theme[.marked] == Style(foreground: .magenta))
        #expect(theme[.dim] == Style(foreground: .ansi(8)))
        #expect(theme[.statusBar] == Style(foreground: .white, background: .blue))
    }

    @Test("The monochrome theme has no colors at all, and no depth changes it")
    func monochromeHasNoColors() throws {
        let theme = try Theme.parse(try shippedTheme("monochrome"), name: "monochrome")
        for role in ThemeRole.allCases {
            #expect(theme[role].foreground == .default && theme[role].background == .default, "\(role.rawValue)")
        }
        for depth in [ColorDepth.monochrome, .ansi8, .ansi16, .palette256, .trueColor] {
            #expect(theme.adapted(to: depth) == theme)
        }
        for role in [ThemeRole.selection, .selectionInactive, .marked, .playing, .match, .statusBar, .progressDone, .error] {
            #expect(theme[role] != theme[.text], "\(role.rawValue)")
        }
    }

    @Test("Solarized and gruvbox use their real palettes")
    func realPalettes() throws {
        let solarized = try Theme.parse(try shippedTheme("solarized"), name: "solarized")
        #expect(solarized[.text].foreground == .rgb(0x83, 0x94, 0x96))  // base0
        #expect(solarized[.statusBar].background == .rgb(0x07, 0x36, 0x42))  // base02
        #expect(solarized[.playing].foreground == .rgb(0xb5, 0x89, 0x00))  // yellow
        let gruvbox = try Theme.parse(try shippedTheme("gruvbox"), name: "gruvbox")
        #expect(gruvbox[.text].foreground == .rgb(0xeb, 0xdb, 0xb2))  // fg1
        #expect(gruvbox[.statusBar].background == .rgb(0x3c, 0x38, 0x36))  // bg1
        #expect(gruvbox[.error].foreground == .rgb(0xfb, 0x49, 0x34))  // red
    }

    @Test("Every shipped theme, at every depth, keeps to the depth's colors and never hides text in its background")
    func shippedThemesAtEveryDepth() throws {
        for name in try shippedThemeNames() {
            let theme = try Theme.parse(try shippedTheme(name), name: name)
            for depth in [ColorDepth.monochrome, .ansi8, .ansi16, .palette256] {
                let adapted = theme.adapted(to: depth)
                #expect(adapted.name == name)
                for role in ThemeRole.allCases {
                    let style = adapted[role]
                    for color in [style.foreground, style.background] {
                        #expect(fits(color, depth), "\(name) \(role.rawValue) at \(depth): \(color)")
                    }
                    if style.foreground != .default {
                        #expect(style.foreground != style.background, "\(name) \(role.rawValue) at \(depth)")
                    }
                }
            }
        }
    }

    private func fits(_ color: TerminalColor, _ depth: ColorDepth) -> Bool {
        switch (depth, color) {
        case (_, .default): true
        case (.monochrome, _): false
        case (.ansi8, .ansi(let n)): n < 8
        case (.ansi16, .ansi(let n)): n < 16
        case (.palette256, .ansi(let n)): n < 16
        case (.palette256, .palette): true
        case (.trueColor, _): true
        default: false
        }
    }

    @Test("Without colors, every shipped theme keeps the roles that must stand out apart from text")
    func monochromeAdaptationOfShippedThemes() throws {
        for name in try shippedThemeNames() {
            let theme = try Theme.parse(try shippedTheme(name), name: name).adapted(to: .monochrome)
            for role in [ThemeRole.selection, .selectionInactive, .marked, .playing, .match, .statusBar, .progressDone, .error] {
                #expect(theme[role] != theme[.text], "\(name): \(role.rawValue)")
            }
            #expect(theme[.selection] != theme[.playing], "\(name)")
            #expect(theme[.progressDone] != theme[.progressLeft], "\(name)")
        }
    }

    @Test("The README's examples are valid theme text")
    func readmeExamples() throws {
        let readme = try String(contentsOf: themesFolder.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```theme\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(blocks.count == 2)
        for block in blocks {
            _ = try Theme.parse(block, name: "readme")
        }
        let example = try Theme.parse(try #require(blocks.first), name: "readme")
        #expect(example[.selection] == Style(foreground: .black, background: .green, attributes: .bold))
        #expect(example[.statusBar] == Style(background: .rgb(0x30, 0x30, 0x30)))
        #expect(example[.text] == Theme.builtInDefault[.text])
    }

    // MARK: The format

    @Test("A setting is FOREGROUND [on BACKGROUND] [attribute...], and roles a file leaves out come from the base")
    func settings() throws {
        let theme = try Theme.parse("""
            selection = black on cyan bold
            dim = bright-black
            statusBar = default on #303030
            border = color240
            title = bold
            panel = on blue
            match = Bright-Yellow ON Color17 UNDERLINE italic
            error = red reverse dim bold
            """, name: "mine")
        #expect(theme.name == "mine")
        #expect(theme[.selection] == Style(foreground: .black, background: .cyan, attributes: .bold))
        #expect(theme[.dim] == Style(foreground: .ansi(8)))
        #expect(theme[.statusBar] == Style(foreground: .default, background: .rgb(0x30, 0x30, 0x30)))
        #expect(theme[.border] == Style(foreground: .palette(240)))
        #expect(theme[.title] == Style(attributes: .bold))
        #expect(theme[.panel] == Style(background: .blue))
        #expect(theme[.match] == Style(foreground: .ansi(11), background: .palette(17), attributes: [.underline, .italic]))
        #expect(theme[.error] == Style(foreground: .red, attributes: [.reverse, .dim, .bold]))
        #expect(theme[.playing] == Theme.builtInDefault[.playing])
        #expect(try Theme.parse("", name: "empty") == Theme(name: "empty", styles: Theme.builtInDefault.styles))
        let onSentinel = try Theme.parse("text = red", name: "x", base: sentinel)
        #expect(onSentinel[.text] == Style(foreground: .red))
        #expect(onSentinel[.playing] == sentinel[.playing])
    }

    @Test("Every color name: default, the 8, their bright variants, color0…color255, #rrggbb")
    func colors() throws {
        let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
        for (index, name) in names.enumerated() {
            #expect(try Theme.parseStyle(name) == Style(foreground: .ansi(UInt8(index))))
            #expect(try Theme.parseStyle("bright-" + name) == Style(foreground: .ansi(UInt8(index + 8))))
            #expect(try Theme.parseStyle("default on " + name.uppercased()) == Style(background: .ansi(UInt8(index))))
        }
        #expect(try Theme.parseStyle("default") == Style())
        #expect(try Theme.parseStyle("color0") == Style(foreground: .palette(0)))
        #expect(try Theme.parseStyle("color255") == Style(foreground: .palette(255)))
        #expect(try Theme.parseStyle("#FFa500 on #000000") == Style(foreground: .rgb(255, 165, 0), background: .rgb(0, 0, 0)))
        for bad in ["color256", "color", "color-1", "color+5", "colour1", "#12345", "#1234567", "#gg0000", "#+f0000", "bright-", "bright-orange", "bleu"] {
            #expect(throws: ThemeError.self, "\(bad)") { try Theme.parseStyle(bad) }
        }
    }

    @Test("Role names are case-insensitive and take - or _ between words")
    func roleNames() throws {
        for spelling in ["statusBar", "statusbar", "STATUSBAR", "status-bar", "status_bar", "Status-Bar"] {
            let theme = try Theme.parse("\(spelling) = red", name: "x")
            #expect(theme[.statusBar] == Style(foreground: .red), "\(spelling)")
        }
        #expect(ThemeRole(fileName: "selection-inactive") == .selectionInactive)
        #expect(ThemeRole(fileName: "progress_done") == .progressDone)
        #expect(ThemeRole(fileName: "status bar") == nil)
        for role in ThemeRole.allCases {
            #expect(ThemeRole(fileName: role.rawValue) == role)
        }
    }

    @Test("Comments: # at the start of a line, or alone as a word after a setting; #rrggbb is never a comment")
    func comments() throws {
        let theme = try Theme.parse("""
            # a comment
               # an indented comment
            #
            ## a heading
            #303030

            statusBar = default on #303030 # a trailing comment
            border = #ff0000\t#\ttab-separated
            title = bold #
            text = red # comment with = and #ffffff and on blue
            \t
            """, name: "x")
        #expect(theme[.statusBar] == Style(background: .rgb(0x30, 0x30, 0x30)))
        #expect(theme[.border] == Style(foreground: .rgb(255, 0, 0)))
        #expect(theme[.title] == Style(attributes: .bold))
        #expect(theme[.text] == Style(foreground: .red))
        #expect(parseError("text = red #comment")?.description == "line 1: unknown color '#comment' \(colorList)")
    }

    @Test("Windows and old Mac line ends and a byte-order mark are read as usual")
    func lineEnds() throws {
        let theme = try Theme.parse("\u{FEFF}text = red\r\ndim = blue\rtitle = bold\r\n", name: "x")
        #expect(theme[.text] == Style(foreground: .red))
        #expect(theme[.dim] == Style(foreground: .blue))
        #expect(theme[.title] == Style(attributes: .bold))
        #expect(parseError("text = red\r\n\r\nbogus = red")?.line == 3)
    }

    // MARK: Errors

    @Test("An unknown color is reported with its line and the colors there are")
    func unknownColor() {
        let text = "# comment\n\ntext = red\ndim = bright-black\n\ntitle = bold\nborder = bleu\n"
        let error = parseError(text)
        #expect(error?.line == 7)
        #expect(error?.description == "line 7: unknown color 'bleu' \(colorList)")
        #expect(parseError("panel = default on grey")?.description == "line 1: unknown color 'grey' \(colorList)")
        #expect(parseError("panel = red on")?.description == "line 1: 'on' needs a background color after it (colors: default, black…white, bright-black…bright-white, color0…color255, #rrggbb)")
        #expect(parseError("panel = color300")?.message == "unknown color 'color300' \(colorList)")
    }

    @Test("An unknown attribute is reported with its line and the attributes there are")
    func unknownAttribute() {
        let attributes = "(attributes: bold, dim, italic, underline, reverse)"
        #expect(parseError("text = red\ntitle = red blod")?.description == "line 2: unknown attribute 'blod' \(attributes)")
        #expect(parseError("title = bolt")?.description == "line 1: unknown attribute 'bolt' \(attributes)")
        #expect(parseError("\n\ntitle = black on white underlined")?.description == "line 3: unknown attribute 'underlined' \(attributes)")
    }

    @Test("An unknown role is reported with its line and the roles there are")
    func unknownRole() {
        let roles = ThemeRole.allCases.map(\.rawValue).joined(separator: ", ")
        #expect(parseError("text = red\n\nselecton = black on cyan")?.description == "line 3: unknown role 'selecton' (roles: \(roles))")
        #expect(parseError("inherit = light")?.description == "line 1: unknown role 'inherit' (roles: \(roles))")
        #expect(roles.hasPrefix("text, dim, title, header, border, selection, selectionInactive"))
    }

    @Test("A line without '=' is reported with its line")
    func missingEquals() {
        let error = parseError("text = red\n# fine\nselection black on cyan\n")
        #expect(error?.line == 3)
        #expect(error?.description == "line 3: missing '=' (write 'role = color [on color] [attributes]', e.g. 'selection = black on cyan bold')")
        #expect(parseError("= bold")?.description == "line 1: missing role name before '='")
        #expect(parseError("text =   # nothing")?.description == "line 1: missing style after 'text =' (e.g. 'text = default')")
    }

    @Test("A role set twice is reported on its second line, with the first")
    func duplicateRole() {
        let error = parseError("playing = yellow bold\ntext = default\n\nPlaying = red")
        #expect(error?.line == 4)
        #expect(error?.description == "line 4: duplicate role 'playing' (already set on line 1)")
        #expect(parseError("statusBar = red\nstatus-bar = blue")?.description == "line 2: duplicate role 'statusBar' (already set on line 1)")
    }

    @Test("Two foregrounds or two backgrounds are errors; the first error of a file is the one thrown")
    func otherErrors() {
        #expect(parseError("text = red blue")?.description == "line 1: second foreground color 'blue' (write 'on blue' for a background)")
        #expect(parseError("text = red on blue on green")?.description == "line 1: second background color 'on green'")
        #expect(parseError("text = bleu\nbogus = red\ntext")?.line == 1)
        #expect(ThemeError(line: nil, message: "no such theme").description == "no such theme")
    }

    @Test("An error message shows control characters harmlessly and cuts long words")
    func errorMessagesAreSafe() throws {
        let error = try #require(parseError("text = \u{1B}[31m"))
        #expect(!error.description.unicodeScalars.contains { $0.properties.generalCategory == .control })
        let long = try #require(parseError("text = " + String(repeating: "x", count: 10_000)))
        #expect(long.description.count < 200)
        #expect(!long.description.contains("\n"))
    }

    @Test("A broken file never crashes: it parses or throws an error on one of its lines")
    func brokenFilesNeverCrash() {
        let pieces = ["text", "=", "on", "#", "# ", "#303030", "#zz", "bold", "red", "bright-", "color", "color999",
                      "statusBar", "status-bar", "\n", "\r\n", "\r", " ", "\t", "\u{0}", "\u{1B}", "\u{FEFF}", "é", "👩‍👩‍👧",
                      "\u{301}", "==", "inherit", "dim", "selection", "x", "\u{2028}", "on on", "=#"]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<3000 {
            var text = ""
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            for _ in 0..<(Int(seed >> 59) + 1) {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                text += pieces[Int(seed >> 33) % pieces.count]
            }
            do throws(ThemeError) {
                let theme = try Theme.parse(text, name: "fuzz")
                #expect(theme.styles.count == ThemeRole.allCases.count)
                _ = theme.adapted(to: .monochrome)
                _ = theme.adapted(to: .ansi8)
            } catch {
                let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).count
                let line = error.line ?? 0
                #expect((1...lines).contains(line), "\(error) in \(text.debugDescription)")
                #expect(!error.description.contains("\n"))
            }
        }
        for text in ["", "=", "\u{0}", String(repeating: "=", count: 100_000), String(repeating: "text = red\n", count: 2) ,
                     String(repeating: "# \n", count: 10_000) + "bogus", "text = " + String(repeating: "bold ", count: 10_000)] {
            _ = parseError(text)
        }
    }

    @Test("A theme written out as a file reads back the same")
    func fileTextRoundTrip() throws {
        for name in try shippedThemeNames() {
            let theme = try Theme.parse(try shippedTheme(name), name: name)
            #expect(try Theme.parse(theme.fileText, name: name, base: sentinel) == theme)
        }
        let odd = Theme(name: "odd", styles: [.text: Style(foreground: .palette(7), background: .rgb(0, 10, 255), attributes: .italic),
                                              .dim: Style(attributes: [.dim, .underline]), .title: Style(background: .ansi(12))])
        #expect(try Theme.parse(odd.fileText, name: "odd", base: sentinel) == odd)
        #expect(odd.fileText.contains("text              = color7 on #000aff italic\n"))
        #expect(odd.fileText.contains("dim               = dim underline\n"))
        #expect(odd.fileText.contains("title             = default on bright-blue\n"))
    }

    // MARK: Colors at each depth

    @Test("Nearest colors: #ff0000 is palette 196, ANSI 9 with 16 colors and ANSI 1 with 8")
    func nearestRed() {
        let red = TerminalColor.rgb(255, 0, 0)
        #expect(red.adapted(to: .trueColor) == red)
        #expect(red.adapted(to: .palette256) == .palette(196))
        #expect(red.adapted(to: .ansi16) == .ansi(9))
        #expect(red.adapted(to: .ansi8) == .ansi(1))
        #expect(TerminalColor.palette(196).adapted(to: .ansi16) == .ansi(9))
        #expect(TerminalColor.ansi(9).adapted(to: .ansi8) == .ansi(1))
        #expect(red.adapted(to: .monochrome) == .default)
        #expect(TerminalColor.default.adapted(to: .ansi8) == .default)
    }

    @Test("Nearest colors: a mid gray is a palette gray, and bright-black with 16")
    func nearestGray() {
        #expect(TerminalColor.rgb(0x80, 0x80, 0x80).adapted(to: .palette256) == .palette(244))
        #expect(TerminalColor.rgb(0x80, 0x80, 0x80).adapted(to: .ansi16) == .ansi(8))
        #expect(TerminalColor.rgb(0x30, 0x30, 0x30).adapted(to: .palette256) == .palette(236))
        #expect(TerminalColor.rgb(0x0a, 0x0a, 0x0b).adapted(to: .palette256) == .palette(232))
        #expect(TerminalColor.rgb(0xf0, 0xf0, 0xf0).adapted(to: .ansi16) == .ansi(7))
        #expect(TerminalColor.rgb(0xfa, 0xfa, 0xfa).adapted(to: .ansi16) == .ansi(15))
    }

    @Test("Nearest colors: every cube and gray palette color maps to itself")
    func exactPaletteColors() {
        let levels: [UInt8] = [0, 95, 135, 175, 215, 255]
        for (r, red) in levels.enumerated() {
            for (g, green) in levels.enumerated() {
                for (b, blue) in levels.enumerated() {
                    let index = UInt8(16 + 36 * r + 6 * g + b)
                    #expect(TerminalColor.rgb(red, green, blue).adapted(to: .palette256) == .palette(index))
                }
            }
        }
        for n in 0..<24 {
            let gray = UInt8(8 + 10 * n)
            #expect(TerminalColor.rgb(gray, gray, gray).adapted(to: .palette256) == .palette(UInt8(232 + n)))
        }
    }

    @Test("Palette colors come down to 16 and 8: system colors stay, bright ones fold, bright-black to white")
    func paletteToFewerColors() {
        for n in UInt8(0)..<16 {
            #expect(TerminalColor.palette(n).adapted(to: .ansi16) == .ansi(n))
            #expect(TerminalColor.ansi(n).adapted(to: .palette256) == .ansi(n))
        }
        #expect(TerminalColor.palette(21).adapted(to: .ansi16) == .ansi(4))  // #0000ff, nearer #0000ee than #5c5cff
        #expect(TerminalColor.palette(63).adapted(to: .ansi16) == .ansi(12))  // #5f5fff
        #expect(TerminalColor.palette(46).adapted(to: .ansi16) == .ansi(10))  // #00ff00
        #expect(TerminalColor.palette(231).adapted(to: .ansi16) == .ansi(15))  // white
        #expect(TerminalColor.palette(16).adapted(to: .ansi16) == .ansi(0))  // black
        for n in UInt8(9)..<16 {
            #expect(TerminalColor.ansi(n).adapted(to: .ansi8) == .ansi(n - 8))
        }
        #expect(TerminalColor.ansi(8).adapted(to: .ansi8) == .ansi(7))
        #expect(TerminalColor.rgb(0xb5, 0x89, 0x00).adapted(to: .ansi8) == .ansi(3))  // Solarized yellow stays yellow
    }

    @Test("With 8 colors gray text becomes dim, and colors that meet get readable text")
    func eightColorStyles() {
        #expect(Style(foreground: .ansi(8)).adapted(to: .ansi8) == Style(attributes: .dim))
        #expect(Style(foreground: .ansi(8), background: .white).adapted(to: .ansi8) == Style(foreground: .black, background: .white))
        #expect(Style(foreground: .ansi(8), background: .blue).adapted(to: .ansi8) == Style(foreground: .white, background: .blue, attributes: .dim))
        #expect(Style(foreground: .white, background: .ansi(8)).adapted(to: .ansi8) == Style(foreground: .black, background: .white))
        #expect(Style(foreground: .ansi(15), background: .white).adapted(to: .ansi8) == Style(foreground: .black, background: .white))
        #expect(Style(foreground: .red, background: .red).adapted(to: .ansi8) == Style(foreground: .red, background: .red))
        #expect(Style(foreground: .rgb(1, 2, 3), background: .rgb(4, 5, 6), attributes: .bold).adapted(to: .monochrome) == Style(attributes: .bold))
    }

    @Test("With 16 colors a clearly colored color stays a color: Solarized magenta is magenta, not gray")
    func chromaKept() {
        #expect(TerminalColor.rgb(0xd3, 0x36, 0x82).adapted(to: .ansi16) == .ansi(5))
        #expect(TerminalColor.rgb(0x85, 0x99, 0x00).adapted(to: .ansi16) == .ansi(3))  // Solarized green, an olive
        #expect(TerminalColor.rgb(0x83, 0x94, 0x96).adapted(to: .ansi16) == .ansi(8))  // base0, a gray, stays gray
    }

    @Test("A theme of ANSI colors is shown as it is with 16 colors or more")
    func ansiThemesUnchanged() {
        for depth in [ColorDepth.trueColor, .palette256, .ansi16] {
            #expect(Theme.builtInDefault.adapted(to: depth) == Theme.builtInDefault)
        }
    }

    @Test("With fewer colors, roles whose colors became one get attributes to stay apart")
    func fewerColorsKeepRolesApart() throws {
        // Two grays that both become bright-black with 16 colors.
        let theme = try Theme.parse("""
            text = #8a8a8a
            dim = #7a7a7a
            progressDone = #202020 on #909090
            progressLeft = #202020 on #7f7f7f
            selection = #202020 on #8a8a8a
            """, name: "grays")
        let sixteen = theme.adapted(to: .ansi16)
        #expect(sixteen[.text] == Style(foreground: .ansi(8)))
        #expect(sixteen[.dim] == Style(foreground: .ansi(8), attributes: .dim))
        #expect(sixteen[.progressLeft] == Style(foreground: .black, background: .ansi(8)))
        #expect(sixteen[.progressDone] == Style(foreground: .black, background: .ansi(8), attributes: .reverse))
        #expect(sixteen[.selection] == Style(foreground: .black, background: .ansi(8)))
        // The same styles, set alike on purpose, are left alike.
        let alike = try Theme.parse("text = red\nplaying = red", name: "alike").adapted(to: .ansi8)
        #expect(alike[.playing] == alike[.text])
    }

    @Test("Without colors, a theme set apart by colors alone gets attributes: selection reverse, playing bold, marked underline")
    func monochromeAdaptation() throws {
        let theme = try Theme.parse("""
            text = white
            selection = black on cyan
            selectionInactive = black on white
            marked = magenta
            playing = yellow
            match = black on yellow
            statusBar = white on blue
            statusTitle = bright-white on blue bold
            statusDim = cyan on blue
            progressDone = on cyan
            progressLeft = on bright-black
            error = red
            message = green italic
            """, name: "colors only").adapted(to: .monochrome)
        #expect(theme[.text] == Style())
        #expect(theme[.selection] == Style(attributes: .reverse))
        #expect(theme[.selectionInactive] == Style(attributes: [.reverse, .dim]))
        #expect(theme[.marked] == Style(attributes: .underline))
        #expect(theme[.playing] == Style(attributes: .bold))
        #expect(theme[.match] == Style(attributes: [.bold, .underline]))
        #expect(theme[.statusBar] == Style(attributes: .reverse))
        #expect(theme[.statusTitle] == Style(attributes: [.reverse, .bold]))
        #expect(theme[.statusDim] == Style(attributes: .reverse))
        #expect(theme[.progressDone] == Style(attributes: .reverse))
        #expect(theme[.error] == Style(attributes: .bold))
        #expect(theme[.message] == Style(attributes: .italic))

        // Attributes the theme gave are kept as they are.
        let given = try Theme.parse("selection = red underline\nplaying = yellow italic", name: "x").adapted(to: .monochrome)
        #expect(given[.selection] == Style(attributes: .underline))
        #expect(given[.playing] == Style(attributes: .italic))

        // A bar keeps looking like a bar even when the theme made it bold too.
        let bars = try Theme.parse("selection = black on cyan bold\nplaying = yellow bold\nmatch = black on cyan bold", name: "x")
            .adapted(to: .monochrome)
        #expect(bars[.selection] == Style(attributes: [.bold, .reverse]))
        #expect(bars[.match] == Style(attributes: [.bold, .underline]))
        #expect(bars[.playing] == Style(attributes: .bold))

        // Even when text itself is bold, playing stands apart.
        let boldText = try Theme.parse("text = bold\nplaying = yellow bold\nselection = reverse\ntitle = red", name: "x").adapted(to: .monochrome)
        #expect(boldText[.playing] != boldText[.text])
        #expect(boldText[.selection] == Style(attributes: .reverse))
        let reversedLeft = try Theme.parse("progressLeft = reverse\nprogressDone = on red", name: "x").adapted(to: .monochrome)
        #expect(reversedLeft[.progressDone] != reversedLeft[.progressLeft])
        #expect(reversedLeft[.progressDone] != reversedLeft[.text])
    }
}
