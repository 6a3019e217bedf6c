// Themes: which Style each screen role uses, read from small hand-written files (themes/README.md
// describes the format), and brought down to what the terminal can show (ColorDepth).

/// The roles screens draw with; every theme gives each one a Style.
public enum ThemeRole: String, CaseIterable, Sendable {
    /// Ordinary text.
    case text
    /// Secondary text: numbers, durations, hints.
    case dim
    /// A screen's title.
    case title
    /// Column headings and section headings.
    case header
    /// Lines around and between panes.
    case border
    /// The cursor row of the focused list.
    case selection
    /// The cursor row of a list that does not have the focus.
    case selectionInactive
    /// Rows marked for an action.
    case marked
    /// The track that is playing.
    case playing
    /// What a search or filter matched.
    case match
    /// The status bar.
    case statusBar
    /// The title on the status bar.
    case statusTitle
    /// Secondary text on the status bar.
    case statusDim
    /// The played part of the progress bar.
    case progressDone
    /// The part of the progress bar still to play.
    case progressLeft
    /// The `:` command line.
    case commandLine
    /// A message to the user.
    case message
    /// An error message.
    case error
    /// A panel drawn over the screen (help, dialogs).
    case panel
    /// A panel's title.
    case panelTitle
    /// Whatever should stand out a little: key names, counts.
    case accent

    /// The role a theme file names: case-insensitive, and `-` or `_` may separate words
    /// (`statusBar`, `statusbar`, `status-bar` and `status_bar` are one role).
    public init?(fileName: some StringProtocol) {
        let key = Self.key(fileName)
        guard let role = Self.allCases.first(where: { Self.key($0.rawValue) == key }) else { return nil }
        self = role
    }

    private static func key(_ name: some StringProtocol) -> String {
        String(name.lowercased().filter { $0 != "-" && $0 != "_" })
    }
}

/// A theme file that cannot be read: where, and why, in one line.
public struct ThemeError: Error, Equatable, CustomStringConvertible {
    /// The 1-based line of the file, when the error is on one.
    public var line: Int?
    public var message: String

    public init(line: Int?, message: String) {
        self.line = line
        self.message = message
    }

    /// "line 7: unknown color 'bleu' (colors: …)".
    public var description: String {
        if let line { "line \(line): \(message)" } else { message }
    }
}

/// A Style for every `ThemeRole`.
public struct Theme: Sendable, Equatable {
    public var name: String
    /// Complete: every role present.
    public var styles: [ThemeRole: Style]

    /// A theme with these styles; a role `styles` leaves out gets `Style.plain`.
    public init(name: String, styles: [ThemeRole: Style]) {
        self.name = name
        var complete = styles
        for role in ThemeRole.allCases where complete[role] == nil { complete[role] = .plain }
        self.styles = complete
    }

    public subscript(role: ThemeRole) -> Style {
        styles[role] ?? .plain
    }

    /// The built-in dark theme, identical to themes/default.theme (a test checks the two agree), used as
    /// the base and the fallback.
    public static let builtInDefault = Theme(name: "default", styles: [
        .text: Style(),
        .dim: Style(foreground: .ansi(8)),
        .title: Style(foreground: .ansi(15), attributes: .bold),
        .header: Style(foreground: .cyan, attributes: .bold),
        .border: Style(foreground: .ansi(8)),
        .selection: Style(foreground: .black, background: .cyan),
        .selectionInactive: Style(foreground: .ansi(15), background: .ansi(8)),
        .marked: Style(foreground: .magenta),
        .playing: Style(foreground: .yellow, attributes: .bold),
        .match: Style(foreground: .black, background: .yellow),
        .statusBar: Style(foreground: .white, background: .blue),
        .statusTitle: Style(foreground: .ansi(15), background: .blue, attributes: .bold),
        .statusDim: Style(foreground: .cyan, background: .blue),
        .progressDone: Style(foreground: .black, background: .cyan),
        .progressLeft: Style(foreground: .white, background: .ansi(8)),
        .commandLine: Style(),
        .message: Style(foreground: .green),
        .error: Style(foreground: .ansi(9), attributes: .bold),
        .panel: Style(background: .black),
        .panelTitle: Style(foreground: .ansi(15), background: .black, attributes: .bold),
        .accent: Style(foreground: .cyan),
    ])

    /// Parses a theme file's text. Roles the file does not set come from `base` (default: builtInDefault).
    /// The first error found is thrown, with its line.
    public static func parse(_ text: String, name: String, base: Theme = .builtInDefault) throws(ThemeError) -> Theme {
        var styles: [ThemeRole: Style] = [:]
        for role in ThemeRole.allCases { styles[role] = base[role] }
        var setOnLine: [ThemeRole: Int] = [:]
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            var line = rawLine
            if lineNumber == 1, line.first == "\u{FEFF}" { line = line.dropFirst() }
            let setting = trimmed(withoutComment(line))
            if setting.isEmpty { continue }
            guard let equals = setting.firstIndex(of: "=") else {
                throw ThemeError(line: lineNumber, message: "missing '=' (write 'role = color [on color] [attributes]', e.g. 'selection = black on cyan bold')")
            }
            let roleName = trimmed(setting[..<equals])
            let value = setting[setting.index(after: equals)...]
            guard !roleName.isEmpty else {
                throw ThemeError(line: lineNumber, message: "missing role name before '='")
            }
            guard let role = ThemeRole(fileName: roleName) else {
                let roles = ThemeRole.allCases.map(\.rawValue).joined(separator: ", ")
                throw ThemeError(line: lineNumber, message: "unknown role '\(shown(roleName))' (roles: \(roles))")
            }
            if let first = setOnLine[role] {
                throw ThemeError(line: lineNumber, message: "duplicate role '\(role.rawValue)' (already set on line \(first))")
            }
            guard !trimmed(value).isEmpty else {
                throw ThemeError(line: lineNumber, message: "missing style after '\(shown(roleName)) =' (e.g. '\(role.rawValue) = default')")
            }
            styles[role] = try parseStyle(value, line: lineNumber)
            setOnLine[role] = lineNumber
        }
        return Theme(name: name, styles: styles)
    }

    /// Parses one style as a theme file writes it after `role =`: `FOREGROUND [on BACKGROUND] [attribute...]`,
    /// e.g. `black on cyan bold`, `bright-black`, `default on #303030`, `bold`.
    public static func parseStyle(_ text: String) throws(ThemeError) -> Style {
        try parseStyle(text[...], line: nil)
    }

    /// The theme as a terminal of `depth` can show it: rgb → nearest 256-palette color → nearest of 16 → of 8.
    /// `.monochrome` drops all colors and keeps attributes, and gives the roles that must stand out
    /// (selection, selectionInactive, marked, playing, match, statusBar, progressDone, error, and dim)
    /// attributes of their own when their colors were all that set them apart from `text`, or when they had
    /// a background: selection, statusBar and progressDone reverse (statusTitle and statusDim follow the
    /// bar), selectionInactive reverse and dim, marked underline, playing and error bold, match bold and
    /// underline, dim dim. With 256, 16 or 8 colors those roles get the same attributes where two of their
    /// colors became one and they would look like `text` (or progressDone like progressLeft).
    public func adapted(to depth: ColorDepth) -> Theme {
        var result = Theme(name: name, styles: [:])
        for role in ThemeRole.allCases { result.styles[role] = self[role].adapted(to: depth) }
        if depth != .trueColor { result.keepDistinguishable(from: self, withoutColor: depth == .monochrome) }
        return result
    }

    /// The theme in the file format, one line a role, every role set: `parse` reads it back to this theme.
    public var fileText: String {
        let width = ThemeRole.allCases.map(\.rawValue.count).max() ?? 0
        return ThemeRole.allCases.map { role in
            role.rawValue + String(repeating: " ", count: width - role.rawValue.count) + " = " + Self.fileValue(self[role])
        }.joined(separator: "\n") + "\n"
    }

    // MARK: Standing out with fewer colors

    /// What a role that must stand out gets when, with fewer colors, it would look like `text` (or
    /// progressDone like progressLeft).
    private static let standingOut: [(role: ThemeRole, attributes: TextAttributes)] = [
        (.selection, .reverse), (.selectionInactive, [.reverse, .dim]), (.marked, .underline), (.playing, .bold),
        (.match, [.bold, .underline]), (.statusBar, .reverse), (.progressDone, .reverse), (.error, .bold), (.dim, .dim),
    ]

    /// Gives the roles of `standingOut` their attributes where the adapted theme lost what set them apart:
    /// without colors always, with colors only where two styles that differed in `original` became one.
    private mutating func keepDistinguishable(from original: Theme, withoutColor: Bool) {
        for (role, fallback) in Self.standingOut {
            let before = self[role]
            let rivalRoles: [ThemeRole] = role == .progressDone ? [.text, .progressLeft] : [.text]
            let rivals = rivalRoles.filter { withoutColor || original[$0] != original[role] }.map { self[$0] }
            // Alike, or (without colors) a bar that had a background and would no longer look like one.
            let barLost = withoutColor && original[role].background != .default && !before.attributes.isSuperset(of: fallback)
            guard rivals.contains(before) || barLost else { continue }
            // The fallback; or, when `text` has it already, one more attribute (dim text can only get dimmer).
            let extras: [TextAttributes] = role == .dim ? [] : [.bold, .underline, .reverse, .italic]
            let candidates = [before.attributes.union(fallback)] + extras.map { before.attributes.union(fallback).union($0) }
            guard let after = candidates.first(where: { attributes in
                !rivals.contains(Style(foreground: before.foreground, background: before.background, attributes: attributes))
            }) else { continue }
            styles[role]?.attributes = after
            guard role == .statusBar else { continue }
            // What sits on the status bar goes with it, so that the bar stays one bar.
            let gained = after.subtracting(before.attributes)
            for onBar in [ThemeRole.statusTitle, .statusDim] {
                let attributes = self[onBar].attributes.union(gained)
                styles[onBar]?.attributes = attributes
            }
        }
    }

    // MARK: Reading

    private static let colorNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
    private static let attributeNames: [(name: String, attribute: TextAttributes)] = [
        ("bold", .bold), ("dim", .dim), ("italic", .italic), ("underline", .underline), ("reverse", .reverse),
    ]
    private static let colorHelp = "colors: default, black…white, bright-black…bright-white, color0…color255, #rrggbb"
    private static let attributeHelp = "attributes: bold, dim, italic, underline, reverse"

    private static func parseStyle(_ value: Substring, line: Int?) throws(ThemeError) -> Style {
        let words = value.split(whereSeparator: \.isWhitespace)
        var style = Style()
        var foregroundSet = false, backgroundSet = false, attributeSeen = false
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            if word.lowercased() == "on" {
                guard index < words.count else {
                    throw ThemeError(line: line, message: "'on' needs a background color after it (\(colorHelp))")
                }
                let colorWord = words[index]
                index += 1
                guard let color = color(colorWord) else {
                    throw ThemeError(line: line, message: "unknown color '\(shown(colorWord))' (\(colorHelp))")
                }
                guard !backgroundSet else {
                    throw ThemeError(line: line, message: "second background color 'on \(shown(colorWord))'")
                }
                style.background = color
                backgroundSet = true
            } else if let attribute = attribute(word) {
                style.attributes.insert(attribute)
                attributeSeen = true
            } else if let color = color(word) {
                guard !foregroundSet else {
                    throw ThemeError(line: line, message: "second foreground color '\(shown(word))' (write 'on \(shown(word))' for a background)")
                }
                style.foreground = color
                foregroundSet = true
            } else if looksLikeAttribute(word, afterColors: foregroundSet || backgroundSet || attributeSeen) {
                throw ThemeError(line: line, message: "unknown attribute '\(shown(word))' (\(attributeHelp))")
            } else {
                throw ThemeError(line: line, message: "unknown color '\(shown(word))' (\(colorHelp))")
            }
        }
        return style
    }

    private static func color(_ word: Substring) -> TerminalColor? {
        let word = word.lowercased()
        if word == "default" { return .default }
        if let index = colorNames.firstIndex(of: word) { return .ansi(UInt8(index)) }
        for prefix in ["bright-", "bright_", "bright"] where word.hasPrefix(prefix) {
            if let index = colorNames.firstIndex(of: String(word.dropFirst(prefix.count))) { return .ansi(UInt8(index + 8)) }
        }
        if word.hasPrefix("color") {
            let digits = word.dropFirst("color".count)
            guard (1...3).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let number = Int(digits), number <= 255 else { return nil }
            return .palette(UInt8(number))
        }
        if word.hasPrefix("#") {
            let hex = Array(word.dropFirst())
            guard hex.count == 6, hex.allSatisfy({ $0.isASCII && $0.isHexDigit }) else { return nil }
            func byte(_ at: Int) -> UInt8 { UInt8(String(hex[at..<at + 2]), radix: 16) ?? 0 }
            return .rgb(byte(0), byte(2), byte(4))
        }
        return nil
    }

    private static func attribute(_ word: Substring) -> TextAttributes? {
        let word = word.lowercased()
        return attributeNames.first { $0.name == word }?.attribute
    }

    /// Whether an unknown word was more likely meant as an attribute than a color: closer to an attribute's
    /// name, or as close to both and written where attributes go.
    private static func looksLikeAttribute(_ word: Substring, afterColors: Bool) -> Bool {
        let word = word.lowercased()
        if word.hasPrefix("#") || word.hasPrefix("color") || word.hasPrefix("bright") { return false }
        let toColor = (["default"] + colorNames).map { editDistance(word, $0) }.min() ?? .max
        let toAttribute = attributeNames.map { editDistance(word, $0.name) }.min() ?? .max
        return toAttribute < toColor || (toAttribute == toColor && afterColors)
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.prefix(64)), b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// A line without its comment: the whole line when it starts with `#`, else from a `#` that stands alone
    /// as a word (` # `, or ` #` at the end), so that `#rrggbb` colors are never taken for comments.
    private static func withoutComment(_ line: Substring) -> Substring {
        if line.drop(while: \.isWhitespace).first == "#" { return "" }
        var previousIsBlank = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            let next = line.index(after: index)
            if character == "#", previousIsBlank, next == line.endIndex || line[next].isWhitespace {
                return line[..<index]
            }
            previousIsBlank = character.isWhitespace
            index = next
        }
        return line
    }

    private static func trimmed(_ text: Substring) -> Substring {
        let start = text.drop(while: \.isWhitespace)
        return start[..<(start.lastIndex(where: { !$0.isWhitespace }).map { start.index(after: $0) } ?? start.startIndex)]
    }

    /// A word from the file as an error message can show it: control characters replaced, at most 40 characters.
    static func shown(_ word: Substring) -> String {
        var safe = String.UnicodeScalarView()
        for scalar in word.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned: safe.append("\u{FFFD}")
            default: safe.append(scalar)
            }
        }
        let text = String(safe)
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }

    // MARK: Writing

    private static func fileValue(_ style: Style) -> String {
        var words: [String] = []
        // Only attributes: the foreground goes without saying.
        if style.foreground != .default || style.background != .default || style.attributes.isEmpty {
            words.append(fileName(style.foreground))
        }
        if style.background != .default { words += ["on", fileName(style.background)] }
        words += attributeNames.filter { style.attributes.contains($0.attribute) }.map(\.name)
        return words.joined(separator: " ")
    }

    private static func fileName(_ color: TerminalColor) -> String {
        switch color {
        case .default: return "default"
        case .ansi(let n) where n < 8: return colorNames[Int(n)]
        case .ansi(let n) where n < 16: return "bright-" + colorNames[Int(n) - 8]
        case .ansi(let n), .palette(let n): return "color\(n)"
        case .rgb(let r, let g, let b):
            return "#" + [r, g, b].map { byte in
                let hex = String(byte, radix: 16)
                return hex.count == 1 ? "0" + hex : hex
            }.joined()
        }
    }
}

// MARK: - Colors brought down to the terminal's depth

extension TerminalColor {
    /// The color as a terminal of `depth` can show it. `.trueColor` keeps every color; `.palette256` turns
    /// rgb into the nearest palette color (16–255, by squared distance); `.ansi16` takes that, or a palette
    /// color, to the nearest of the 16 (by squared distance and difference in chroma, so that colors stay
    /// colors rather than grays); `.ansi8` folds bright colors to their normal ones (bright-black, a gray, to white: black would
    /// vanish on a dark background); `.monochrome` gives `.default`.
    /// An `.ansi` number over 15 is taken as the palette color of that number.
    public func adapted(to depth: ColorDepth) -> TerminalColor {
        switch depth {
        case .trueColor: return self
        case .monochrome: return .default
        case .palette256:
            if case .rgb(let r, let g, let b) = self { return .palette(XtermPalette.nearestPaletteColor(XtermPalette.RGB(r, g, b))) }
            if case .ansi(let n) = self, n > 15 { return .palette(n) }
            return self
        case .ansi16:
            guard let index = paletteIndex else { return .default }
            return .ansi(XtermPalette.nearestOf16(index))
        case .ansi8:
            guard let index = paletteIndex else { return .default }
            return .ansi(XtermPalette.foldedTo8(XtermPalette.nearestOf16(index)))
        }
    }

    /// The color as an xterm palette number (rgb through the nearest palette color), nil for `.default`.
    var paletteIndex: UInt8? {
        switch self {
        case .default: nil
        case .ansi(let n), .palette(let n): n
        case .rgb(let r, let g, let b): XtermPalette.nearestPaletteColor(XtermPalette.RGB(r, g, b))
        }
    }

    /// The color's red, green and blue as xterm shows them, nil for `.default`.
    var xtermRGB: XtermPalette.RGB? {
        if case .rgb(let r, let g, let b) = self { return XtermPalette.RGB(r, g, b) }
        return paletteIndex.map(XtermPalette.rgb)
    }
}

extension Style {
    /// The style as a terminal of `depth` can show it: its colors adapted (`TerminalColor.adapted(to:)`),
    /// except that with 8 colors a gray foreground becomes the terminal's own with `dim` (or black or white
    /// on a background), and that two different colors that became one get a readable foreground instead.
    /// `.monochrome` keeps the attributes only.
    public func adapted(to depth: ColorDepth) -> Style {
        switch depth {
        case .trueColor: return self
        case .monochrome: return Style(attributes: attributes)
        case .palette256, .ansi16, .ansi8:
            var result = self
            result.background = background.adapted(to: depth)
            if depth == .ansi8, foreground.adapted(to: .ansi16) == .ansi(8) {
                if result.background == .default {
                    result.foreground = .default
                    result.attributes.insert(.dim)
                } else if Self.isLight(result.background) {
                    result.foreground = .black
                } else {
                    result.foreground = .white
                    result.attributes.insert(.dim)
                }
            } else {
                result.foreground = foreground.adapted(to: depth)
            }
            if result.foreground != .default, result.foreground == result.background, foreground != background {
                result.foreground = Self.isLight(result.background) ? .black : (depth == .ansi8 ? .white : .ansi(15))
            }
            return result
        }
    }

    private static func isLight(_ color: TerminalColor) -> Bool {
        guard let rgb = color.xtermRGB else { return false }
        return 299 * rgb.r + 587 * rgb.g + 114 * rgb.b > 110_000
    }
}

// MARK: - The xterm palette

/// The xterm 256-color palette and the nearest color in it.
enum XtermPalette {
    struct RGB: Equatable {
        var r: Int, g: Int, b: Int
        init(_ r: Int, _ g: Int, _ b: Int) { (self.r, self.g, self.b) = (r, g, b) }
        init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.init(Int(r), Int(g), Int(b)) }
    }

    /// The 16 system colors as xterm shows them unless told otherwise.
    static let system: [RGB] = [
        RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
        RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
        RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
        RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
    ]
    /// The levels of the 6×6×6 color cube (16–231).
    static let cubeLevels = [0, 95, 135, 175, 215, 255]

    static func rgb(_ index: UInt8) -> RGB {
        let index = Int(index)
        if index < 16 { return system[index] }
        if index < 232 {
            let cube = index - 16
            return RGB(cubeLevels[cube / 36], cubeLevels[cube / 6 % 6], cubeLevels[cube % 6])
        }
        let gray = 8 + 10 * (index - 232)
        return RGB(gray, gray, gray)
    }

    /// The squared distance; `weighingChroma` adds the squared difference in chroma (max − min), so that a
    /// color that is clearly a color is not taken for a gray (the 16 have no muted colors to offer).
    static func distance(_ a: RGB, _ b: RGB, weighingChroma: Bool = false) -> Int {
        let (dr, dg, db) = (a.r - b.r, a.g - b.g, a.b - b.b)
        let dc = weighingChroma ? (max(a.r, a.g, a.b) - min(a.r, a.g, a.b)) - (max(b.r, b.g, b.b) - min(b.r, b.g, b.b)) : 0
        return dr * dr + dg * dg + db * db + dc * dc
    }

    /// The nearest of `indices`; the lowest number on a tie.
    static func nearest(to color: RGB, in indices: ClosedRange<UInt8>, weighingChroma: Bool = false) -> UInt8 {
        var best = indices.lowerBound, bestDistance = Int.max
        for index in indices {
            let d = distance(color, rgb(index), weighingChroma: weighingChroma)
            if d < bestDistance { (best, bestDistance) = (index, d) }
        }
        return best
    }

    /// The nearest palette color, 16–255: the system colors are left out, as terminals let users change them.
    static func nearestPaletteColor(_ color: RGB) -> UInt8 { nearest(to: color, in: 16...255) }

    /// The nearest of the 16 system colors to palette color `index` (itself when under 16).
    static func nearestOf16(_ index: UInt8) -> UInt8 {
        index < 16 ? index : nearest(to: rgb(index), in: 0...15, weighingChroma: true)
    }

    /// One of the 8 normal colors for one of the 16: bright ones fold to their normal ones, bright-black to white.
    static func foldedTo8(_ index: UInt8) -> UInt8 {
        switch index {
        case 0..<8: index
        case 8: 7
        default: index & 7
        }
    }
}
