/// A terminal color, as a theme names it. How it is shown depends on the terminal (`ColorDepth`).
public enum TerminalColor: Sendable, Hashable {
    /// The terminal's own foreground or background.
    case `default`
    /// One of the 16 ANSI colors: 0–7 normal (black, red, green, yellow, blue, magenta, cyan, white),
    /// 8–15 their bright variants.
    case ansi(UInt8)
    /// One of the 256 xterm palette colors.
    case palette(UInt8)
    /// A 24-bit color.
    case rgb(UInt8, UInt8, UInt8)

    public static let black = TerminalColor.ansi(0), red = TerminalColor.ansi(1), green = TerminalColor.ansi(2),
                      yellow = TerminalColor.ansi(3), blue = TerminalColor.ansi(4), magenta = TerminalColor.ansi(5),
                      cyan = TerminalColor.ansi(6), white = TerminalColor.ansi(7)
}

/// Text attributes, combinable.
public struct TextAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let italic = TextAttributes(rawValue: 1 << 2)
    public static let underline = TextAttributes(rawValue: 1 << 3)
    public static let reverse = TextAttributes(rawValue: 1 << 4)
}

/// How a cell looks: colors and attributes.
public struct Style: Sendable, Hashable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes

    public init(foreground: TerminalColor = .default, background: TerminalColor = .default, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()

    public func with(_ attributes: TextAttributes) -> Style {
        var copy = self
        copy.attributes.formUnion(attributes)
        return copy
    }
}

/// What the terminal can show, from `NO_COLOR`, `COLORTERM` and ncurses' color count.
public enum ColorDepth: Sendable, Equatable {
    /// No colors at all (`NO_COLOR`, or a terminal without colors): attributes only.
    case monochrome
    case ansi8
    case ansi16
    case palette256
    case trueColor

    /// Picks the depth from the environment and the number of colors the terminal reports.
    public static func detect(environment: [String: String], terminalColors: Int) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        if terminalColors < 8 { return .monochrome }
        let colorTerm = environment["COLORTERM"]?.lowercased() ?? ""
        if colorTerm == "truecolor" || colorTerm == "24bit" { return terminalColors >= 256 ? .trueColor : .palette256 }
        if terminalColors >= 256 { return .palette256 }
        if terminalColors >= 16 { return .ansi16 }
        return .ansi8
    }
}
