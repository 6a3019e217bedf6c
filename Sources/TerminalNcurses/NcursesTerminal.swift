import CNcursesw
import Glibc
import TerminalUI

/// What the terminal reports to the run loop.
public enum TerminalEvent: Sendable, Equatable {
    case key(Key)
    case resized(rows: Int, columns: Int)
}

/// Why the terminal could not be set up.
public struct TerminalError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A pipe another thread writes one byte to, to wake the UI thread out of `NcursesTerminal.wait`.
///
/// A pipe rather than a condition variable because the UI thread sleeps in poll(2) on the keyboard too.
/// Both ends are non-blocking: a full pipe already means "wake up", so `wake` never blocks a producer.
public final class WakePipe: Sendable {
    public let readDescriptor: Int32
    fileprivate let writeDescriptor: Int32

    public init() throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw TerminalError("cannot make a wake-up pipe (errno \(errno))") }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        (readDescriptor, writeDescriptor) = (fds[0], fds[1])
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    public func wake() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }
}

/// The screen and keyboard through ncurses. ncurses is not thread-safe: one thread owns this object.
public final class NcursesTerminal {
    public struct Options: Sendable {
        public var mouse: Bool
        /// Read for TERM, NO_COLOR and COLORTERM, so that tests can pass their own.
        public var environment: [String: String]

        public init(mouse: Bool = true, environment: [String: String]) {
            self.mouse = mouse
            self.environment = environment
        }
    }

    public private(set) var rows: Int
    public private(set) var columns: Int
    public let colorDepth: ColorDepth

    private let resizeDescriptor: Int32
    private let hasColors: Bool
    private let defaultColors: Bool
    /// xterm-direct and the like: a color number is 0xRRGGBB (below 8 still the ANSI colors).
    private let directColor: Bool
    private var pairs: [Int64: Int32] = [:]
    /// The last style drawn and its attribute bits and pair: the cells of a run nearly always share one
    /// (pairs, once made, never change, so the cache never goes stale).
    private var lastLook: (style: Style, bits: Int32, pair: Int32)?
    private var nextPair: Int32 = 1
    /// The grid on screen; nil when everything must be drawn again.
    public private(set) var lastGrid: CellGrid?
    private var clearNext = false
    private var cursorShown = false
    private var inputClosed = false
    private var ended = false
    private var scalars: [wchar_t] = []

    public init(options: Options) throws {
        guard isatty(STDIN_FILENO) == 1 else {
            throw TerminalError("hum's interface needs a terminal; use hum play for headless playback")
        }
        setlocale(LC_ALL, "")
        // Before newterm changes it: the crash handlers put back the terminal as the shell had it.
        _ = hum_save_terminal()
        let started = options.environment["TERM"].map { hum_newterm($0) } ?? hum_newterm(nil)
        guard started == 0 else {
            throw TerminalError("cannot start the terminal interface (TERM=\(options.environment["TERM"] ?? "unset"))")
        }
        hum_set_active(1)
        let screen = hum_stdscr()
        raw()
        noecho()
        nonl()
        keypad(screen, true)
        nodelay(screen, true)
        intrflush(screen, false)
        scrollok(screen, false)
        _ = set_escdelay(25)
        _ = curs_set(0)
        hasColors = has_colors()
        defaultColors = hasColors && start_color() == OK && use_default_colors() == OK
        if options.mouse { _ = hum_enable_mouse(1) }
        resizeDescriptor = hum_watch_resize()
        guard resizeDescriptor >= 0 else {
            endwin()
            hum_set_active(0)
            throw TerminalError("cannot watch for terminal resizes (errno \(errno))")
        }
        let colors = hasColors ? Int(hum_colors()) : 0
        directColor = colors >= 1 << 24
        colorDepth = ColorDepth.detect(environment: options.environment, terminalColors: colors)
        rows = Int(hum_lines())
        columns = Int(hum_cols())
    }

    deinit { restore() }

    /// Sleeps in poll(2) rather than in get_wch with a timeout, so that an idle player costs no CPU and another
    /// thread can wake it at once. An interrupted poll (EINTR) returns what is there, possibly nothing.
    public func wait(timeout: Double?, wake: WakePipe) -> [TerminalEvent] {
        var fds = [pollfd(fd: ended || inputClosed ? -1 : STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wake.readDescriptor, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: resizeDescriptor, events: Int16(POLLIN), revents: 0)]
        var milliseconds: Int32 = -1 // forever
        if let timeout, timeout != .infinity {
            milliseconds = timeout > 0 ? Int32(min((timeout * 1000).rounded(.up), Double(Int32.max))) : 0 // NaN too
        }
        _ = poll(&fds, nfds_t(fds.count), milliseconds)
        // Drained before reading anything, so that a wake-up written from now on is seen by the next wait.
        _ = hum_drain(wake.readDescriptor)
        if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
            inputClosed = true // else poll would report the dead terminal forever: a busy loop
        }
        guard !ended else { return [] }
        var events: [TerminalEvent] = []
        var resized = false
        if hum_drain(resizeDescriptor) > 0 {
            var r: Int32 = 0, c: Int32 = 0
            if hum_window_size(&r, &c) == 0 { _ = resizeterm(r, c) }
            resized = true
        }
        // Always read: besides the keyboard, ncurses' queue holds the KEY_RESIZE resizeterm put there and
        // what an escape sequence that did not match left behind.
        var character: wint_t = 0
        while true {
            let status = wget_wch(hum_stdscr(), &character)
            if status == ERR { break }
            let code = Int32(bitPattern: character)
            if status == KEY_CODE_YES && code == KEY_RESIZE {
                resized = true
            } else if let key = status == KEY_CODE_YES ? Self.functionKey(code) : Self.characterKey(code) {
                events.append(.key(key))
            }
        }
        if resized {
            lastGrid = nil
            let (r, c) = (Int(hum_lines()), Int(hum_cols()))
            if (r, c) != (rows, columns) {
                (rows, columns) = (r, c)
                events.append(.resized(rows: r, columns: c))
            }
        }
        return events
    }

    private static func characterKey(_ code: Int32) -> Key? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 8, 127: return .backspace
        case 27: return .escape
        case 1...26: return .control(Character(Unicode.Scalar(UInt8(code) + 0x60)))
        case 0..<32, 0x80..<0xA0: return nil
        default: return Unicode.Scalar(UInt32(bitPattern: code)).map { .character(Character($0)) }
        }
    }

    private static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_DC: return .delete
        case KEY_IC: return .insert
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_MOUSE:
            var row: Int32 = 0, column: Int32 = 0
            switch hum_read_mouse(&row, &column) {
            case 1: return .click(row: Int(row), column: Int(column))
            case 2: return .wheelUp(row: Int(row), column: Int(column))
            case 3: return .wheelDown(row: Int(row), column: Int(column))
            default: return nil
            }
        default:
            let n = code - hum_key_f(0)
            return (1...63).contains(n) ? .function(Int(n)) : nil
        }
    }

    /// Hands ncurses only the cells that changed: ncurses diffs again against what it believes is on
    /// screen, but building its window from the whole grid every frame would cost the same as a redraw.
    public func draw(_ grid: CellGrid, cursor: (row: Int, column: Int)?) {
        guard !ended else { return }
        let screen = hum_stdscr()
        let diff = GridDiff(from: lastGrid, to: grid)
        if diff.isFullRedraw { werase(screen) } // what the grid does not cover is blank, not stale
        if clearNext {
            clearok(screen, true)
            clearNext = false
        }
        let (height, width) = (Int(hum_lines()), Int(hum_cols()))
        drawRuns(diff.runs, of: grid, from: 0, height: height, width: width)
        lastGrid = grid
        place(cursor, height: height, width: width)
    }

    /// Draws `part` over the rows from `row` of the screen last drawn, comparing only those rows, and
    /// keeps the rest as it is: a tick of the clock costs the bar's cells, not a copy and a comparison of
    /// the whole screen. False (nothing drawn) when there is no such screen: draw a whole one instead.
    public func draw(rows part: CellGrid, from row: Int, cursor: (row: Int, column: Int)?) -> Bool {
        guard !ended, var grid = lastGrid, part.columns == grid.columns, row >= 0, row + part.rows <= grid.rows else {
            return false
        }
        lastGrid = nil // the only other reference: the rows below are changed in place, not copied
        let range = row..<(row + part.rows)
        let diff = GridDiff(from: grid.rows(range), to: part)
        grid.replaceRows(from: row, with: part)
        let (height, width) = (Int(hum_lines()), Int(hum_cols()))
        drawRuns(diff.runs, of: part, from: row, height: height, width: width)
        lastGrid = grid
        place(cursor, height: height, width: width)
        return true
    }

    /// Draws the cells of `runs`, a diff of `grid`, whose first row is the screen's row `top`.
    private func drawRuns(_ runs: [GridDiff.Run], of grid: CellGrid, from top: Int, height: Int, width: Int) {
        for run in runs where top + run.row < height {
            for (offset, cell) in run.cells.enumerated() where !cell.isContinuation {
                let column = run.column + offset
                guard column < width else { break }
                let wide = column + 1 < grid.columns && grid[run.row, column + 1].isContinuation
                drawCell(cell, row: top + run.row, column: column, width: wide && column + 1 < width ? 2 : 1)
            }
        }
    }

    /// Moves the cursor (or hides it) and sends what changed to the terminal.
    private func place(_ cursor: (row: Int, column: Int)?, height: Int, width: Int) {
        let screen = hum_stdscr()
        if let cursor, (0..<height).contains(cursor.row), (0..<width).contains(cursor.column) {
            if !cursorShown { _ = curs_set(1) }
            cursorShown = true
            wmove(screen, Int32(cursor.row), Int32(cursor.column))
        } else if cursorShown {
            _ = curs_set(0)
            cursorShown = false
        }
        wnoutrefresh(screen)
        doupdate()
    }

    private func drawCell(_ cell: Cell, row: Int, column: Int, width: Int) {
        scalars.removeAll(keepingCapacity: true)
        cell.glyph.forEachScalar { scalars.append(wchar_t(bitPattern: $0.value)) }
        if scalars.isEmpty { scalars.append(0x20) }
        let (bits, pair) = look(of: cell.style)
        _ = scalars.withUnsafeBufferPointer { text in
            hum_draw_cell(Int32(row), Int32(column), text.baseAddress, Int32(text.count), Int32(width), bits, pair)
        }
    }

    /// The ncurses attribute bits and color pair of `style`.
    private func look(of style: Style) -> (bits: Int32, pair: Int32) {
        if let lastLook, lastLook.style == style { return (lastLook.bits, lastLook.pair) }
        let attributes = style.attributes
        var bits: Int32 = 0
        for (flag, bit) in Self.attributeBits where attributes.contains(flag) { bits |= Int32(bit) }
        let pair = pair(for: style)
        lastLook = (style, bits, pair)
        return (bits, pair)
    }

    private static let attributeBits: [(TextAttributes, Int32)] = [
        (.bold, Int32(HUM_ATTR_BOLD)), (.dim, Int32(HUM_ATTR_DIM)), (.italic, Int32(HUM_ATTR_ITALIC)),
        (.underline, Int32(HUM_ATTR_UNDERLINE)), (.reverse, Int32(HUM_ATTR_REVERSE)),
    ]

    /// Pairs are made on first use: a theme has a handful of color combinations, the terminal up to 65536
    /// pairs. When they run out (an 8-color terminal has 64), the rest are drawn in the default colors.
    private func pair(for style: Style) -> Int32 {
        guard hasColors else { return 0 }
        var foreground = colorNumber(style.foreground), background = colorNumber(style.background)
        if foreground == -1 && background == -1 { return 0 }
        if !defaultColors {
            if foreground == -1 { foreground = 7 }
            if background == -1 { background = 0 }
        }
        let key = Int64(foreground) << 32 | Int64(UInt32(bitPattern: background))
        if let known = pairs[key] { return known }
        var pair: Int32 = 0
        if nextPair < hum_color_pairs(), hum_init_pair(nextPair, foreground, background) == OK {
            pair = nextPair
            nextPair += 1
        }
        pairs[key] = pair
        return pair
    }

    /// Adapting again is cheap insurance: a color the terminal does not have would make init_extended_pair
    /// fail, and the cell lose all its colors.
    private func colorNumber(_ color: TerminalColor) -> Int32 {
        if directColor {
            switch color {
            case .default: return -1
            case .ansi(let n) where n < 8: return Int32(n)
            case .rgb(let r, let g, let b): return max(8, Int32(r) << 16 | Int32(g) << 8 | Int32(b))
            case .ansi(let n), .palette(let n): return max(8, Self.xtermRGB(Int(n)))
            }
        }
        let colors = hum_colors()
        let depth: ColorDepth = colors >= 256 ? .palette256 : colors >= 16 ? .ansi16 : colors >= 8 ? .ansi8 : .monochrome
        switch color.adapted(to: depth) {
        case .ansi(let n), .palette(let n): return Int32(n) < colors ? Int32(n) : -1
        case .default, .rgb: return -1
        }
    }

    /// A palette color as 0xRRGGBB, for direct-color terminals, which have no palette above the first 8.
    private static func xtermRGB(_ index: Int) -> Int32 {
        let system: [Int32] = [0x000000, 0xCD0000, 0x00CD00, 0xCDCD00, 0x0000EE, 0xCD00CD, 0x00CDCD, 0xE5E5E5,
                               0x7F7F7F, 0xFF0000, 0x00FF00, 0xFFFF00, 0x5C5CFF, 0xFF00FF, 0x00FFFF, 0xFFFFFF]
        if index < 16 { return system[index] }
        if index >= 232 {
            let gray = Int32(8 + 10 * (index - 232))
            return gray << 16 | gray << 8 | gray
        }
        let levels: [Int32] = [0, 95, 135, 175, 215, 255], cube = index - 16
        return levels[cube / 36] << 16 | levels[cube / 6 % 6] << 8 | levels[cube % 6]
    }

    public func invalidate() {
        lastGrid = nil
        clearNext = true
    }

    /// endwin puts back the modes ncurses saved, leaves the alternate screen and stops mouse reports; the
    /// crash handlers are disarmed after it, so a later crash does not write escape codes into the shell.
    /// Not async-signal-safe: a signal handler calls `restoreAfterSignal` instead.
    public func restore() {
        guard !ended else { return }
        ended = true
        endwin()
        hum_set_active(0)
    }

    /// Makes a crash leave a usable shell: the handlers write the reset codes and the saved termios, then
    /// pass the signal on to the Swift runtime's backtracer (or the default action), so the crash report
    /// and core dump still happen, now readable. Install once, after the runtime's own handlers (any time
    /// in main does).
    public static func installCrashRestore() {
        hum_install_crash_restore()
    }

    /// Async-signal-safe, for a SIGTERM or SIGHUP handler: the same reset as after a crash.
    public static func restoreAfterSignal() {
        hum_restore_after_signal()
    }

    /// From now on SIGINT, SIGTERM and SIGHUP wake `wake` (the run loop then reads `quitSignalsSeen`); a
    /// second one restores the terminal and exits with 128 + its number. Call it before ncurses starts
    /// (which takes these signals for itself when they are at their defaults) and before other threads.
    public static func watchQuitSignals(wake: WakePipe) {
        _ = hum_watch_quit_signals(wake.writeDescriptor)
    }

    /// How many quit signals came, and the last one's number (0: none).
    public static var quitSignalsSeen: Int { Int(hum_quit_signals_seen()) }
    public static var lastQuitSignal: Int32 { hum_last_quit_signal() }
}
