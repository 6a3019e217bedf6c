/// cmus's colorscheme files (`set color_win_sel_bg=blue` lines, as /usr/share/cmus/*.theme and
/// ~/.config/cmus/*.theme hold them), read as hum themes: a cmus user's colors come along unchanged.
///
/// cmus colors its windows, not roles, so each hum role takes the cmus setting that paints the same
/// thing: the list text `color_win_fg`/`_bg`, the cursor `color_win_sel_*`, the playing track
/// `color_win_cur`, the top and bottom bars `color_statusline_*` and `color_titleline_*`, column heads
/// `color_win_title_*`, folders `color_win_dir`, the command line and its messages `color_cmdline_*`,
/// `color_info` and `color_error`. A setting the file leaves out has cmus's own default (cmus(1)), so a
/// file that sets three colors looks as it does in cmus.
public enum CmusTheme {
    /// Whether `text` is written in cmus's format: its first setting is a `set` line.
    public static func isCmusTheme(_ text: String) -> Bool {
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" })
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            return trimmed.hasPrefix("set ") || trimmed.hasPrefix("set\t")
        }
        return false
    }

    /// The hum theme a cmus colorscheme file gives. A value cmus would refuse is an error with its line;
    /// settings that are not colors, and colors of parts hum does not have (cmus's track window album
    /// rows, its progress bar on older versions…), are passed over, as a theme from another cmus
    /// version must still load.
    public static func parse(_ text: String, name: String) throws(ThemeError) -> Theme {
        var colors = defaults
        var attributes: [String: TextAttributes] = [:]
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let line = rawLine.drop(while: { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" })
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard line.hasPrefix("set "), let equals = line.firstIndex(of: "=") else {
                throw ThemeError(line: lineNumber, message: "a cmus theme has only 'set color_NAME=VALUE' lines")
            }
            let option = line[line.index(line.startIndex, offsetBy: 4)..<equals].trimmingSpaces
            let value = line[line.index(after: equals)...].trimmingSpaces.lowercased()
            guard option.hasPrefix("color_") else { continue }
            if option.hasSuffix("_attr") {
                attributes[String(option)] = try parseAttributes(value, line: lineNumber)
            } else {
                guard let color = parseColor(value) else {
                    throw ThemeError(line: lineNumber, message: "\(Theme.shown(option)): unknown color '\(Theme.shown(value[...]))' (cmus colors: -1…255, "
                                     + colorNames.joined(separator: ", ") + ")")
                }
                colors[String(option)] = color
            }
        }
        func style(_ foreground: String, _ background: String, _ attribute: String?, adding extra: TextAttributes = []) -> Style {
            Style(foreground: colors[foreground] ?? .default, background: colors[background] ?? .default,
                  attributes: (attribute.flatMap { attributes[$0] } ?? []).union(extra))
        }
        let list = "color_win_bg", bar = "color_statusline_bg", line = "color_cmdline_bg"
        let titleLine = style("color_titleline_fg", "color_titleline_bg", "color_titleline_attr")
        let progress = colors["color_statusline_progress_bg"] == nil ? titleLine
            : style("color_statusline_progress_fg", "color_statusline_progress_bg", "color_statusline_progress_attr")
        return Theme(name: name, styles: [
            .text: style("color_win_fg", list, "color_win_attr"),
            .dim: style("color_win_fg", list, "color_win_attr", adding: .dim),
            .title: style("color_win_fg", list, "color_win_attr", adding: .bold),
            .header: style("color_win_title_fg", "color_win_title_bg", "color_win_title_attr"),
            .border: style("color_separator", list, nil),
            .selection: style("color_win_sel_fg", "color_win_sel_bg", "color_win_sel_attr"),
            .selectionInactive: style("color_win_inactive_sel_fg", "color_win_inactive_sel_bg", "color_win_inactive_sel_attr"),
            .marked: style("color_win_dir", list, nil, adding: .underline),
            .playing: style("color_win_cur", list, "color_win_cur_attr"),
            .match: style("color_win_cur_sel_fg", "color_win_cur_sel_bg", "color_win_cur_sel_attr"),
            .statusBar: style("color_statusline_fg", bar, "color_statusline_attr"),
            .statusTitle: titleLine,
            .statusDim: style("color_statusline_fg", bar, "color_statusline_attr"),
            .progressDone: progress,
            .progressLeft: style("color_statusline_fg", bar, "color_statusline_attr"),
            .commandLine: style("color_cmdline_fg", line, "color_cmdline_attr"),
            .message: style("color_info", line, nil),
            .error: style("color_error", line, nil, adding: .bold),
            .panel: style("color_win_fg", list, "color_win_attr"),
            .panelTitle: style("color_win_title_fg", "color_win_title_bg", "color_win_title_attr"),
            .accent: style("color_win_dir", list, nil),
        ])
    }

    /// cmus's defaults for the colors hum uses (cmus(1), and /usr/share/cmus/default.theme: a test
    /// reads that file and finds the same theme).
    static let defaults: [String: TerminalColor] = [
        "color_cmdline_bg": .default, "color_cmdline_fg": .default, "color_error": .ansi(9), "color_info": .ansi(11),
        "color_separator": .blue, "color_statusline_bg": .white, "color_statusline_fg": .black,
        "color_titleline_bg": .blue, "color_titleline_fg": .ansi(15), "color_win_bg": .default, "color_win_cur": .ansi(11),
        "color_win_cur_sel_bg": .blue, "color_win_cur_sel_fg": .ansi(11), "color_win_dir": .ansi(12), "color_win_fg": .default,
        "color_win_inactive_cur_sel_bg": .white, "color_win_inactive_cur_sel_fg": .ansi(11),
        "color_win_inactive_sel_bg": .white, "color_win_inactive_sel_fg": .black, "color_win_sel_bg": .blue,
        "color_win_sel_fg": .ansi(15), "color_win_title_bg": .blue, "color_win_title_fg": .ansi(15),
    ]

    /// cmus's names for the 16 colors, 0…15 in order (`gray` is 7, `darkgray` 8, `white` 15).
    static let colorNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "gray",
                             "darkgray", "lightred", "lightgreen", "lightyellow", "lightblue", "lightmagenta", "lightcyan", "white"]

    /// `default`, a name, or a number from -1 (the terminal's own) to 255.
    static func parseColor(_ value: String) -> TerminalColor? {
        if value == "default" || value == "-1" { return .default }
        if let index = colorNames.firstIndex(of: value) { return .ansi(UInt8(index)) }
        guard let number = UInt8(value) else { return nil }
        return number < 16 ? .ansi(number) : .palette(number)
    }

    /// `bold|underline`: cmus's attribute names joined by `|`. `standout` is shown as reverse and bold
    /// (what terminals draw for it); `blink` has no counterpart in hum and is dropped.
    static func parseAttributes(_ value: String, line: Int) throws(ThemeError) -> TextAttributes {
        var result: TextAttributes = []
        for word in value.split(separator: "|") {
            switch word.trimmingSpaces {
            case "default", "blink": break
            case "bold": result.insert(.bold)
            case "reverse": result.insert(.reverse)
            case "underline": result.insert(.underline)
            case "standout": result.formUnion([.reverse, .bold])
            case "dim": result.insert(.dim)
            case "italic": result.insert(.italic)
            default:
                throw ThemeError(line: line, message: "unknown cmus attribute '\(Theme.shown(word))' (default, bold, reverse, underline, standout, blink, dim, italic)")
            }
        }
        return result
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var trimmed = self
        while let first = trimmed.first, first == " " || first == "\t" { trimmed.removeFirst() }
        while let last = trimmed.last, last == " " || last == "\t" || last == "\r" { trimmed.removeLast() }
        return trimmed
    }
}
