import AppCore
import TerminalUI

/// Draws the whole screen from the state: title bar, the current view (or Help), the "Why this song?"
/// panel, the now-playing bar and the command line. Pure: the same state gives the same grid.
public enum Screen {
    public static func render(_ state: AppState, theme: Theme) -> CellGrid {
        var grid = CellGrid(rows: state.rows, columns: state.columns, fill: Cell(style: theme[.text]))
        guard !state.isTooSmall else {
            drawTooSmall(&grid, state: state, theme: theme)
            return grid
        }
        var canvas = Canvas(grid: grid, theme: theme)
        let full = Rect(row: 0, column: 0, height: state.rows, width: state.columns)
        let (titleBar, rest) = full.splitTop(1)
        let (body, bottom) = rest.splitBottom(3)
        let (nowPlaying, commandLine) = bottom.splitBottom(1)
        TitleBar.draw(&canvas, state: state, in: titleBar)
        if state.help.isShown {
            HelpView.draw(&canvas, state: state, in: body)
        } else {
            switch state.view {
            case .library: LibraryView.draw(&canvas, state: state, in: body)
            case .tracks: TracksView.draw(&canvas, state: state, in: body)
            case .playlists: PlaylistsView.draw(&canvas, state: state, in: body)
            case .queue: QueueView.draw(&canvas, state: state, in: body)
            case .browser: BrowserView.draw(&canvas, state: state, in: body)
            case .settings: SettingsView.draw(&canvas, state: state, in: body)
            case .privacy: PrivacyView.draw(&canvas, state: state, in: body)
            }
            if state.showingWhy { WhyPanel.draw(&canvas, state: state, in: body) }
            if state.showingLyrics { LyricsPanel.draw(&canvas, state: state, in: body) }
        }
        NowPlayingBar.draw(&canvas, state: state, in: nowPlaying)
        CommandLineBar.draw(&canvas, state: state, in: commandLine)
        return canvas.grid
    }

    /// The rows the now-playing bar occupies: when only the clock moved, only these need comparing.
    public static func nowPlayingRows(rows: Int) -> Range<Int> { max(0, rows - 3)..<max(0, rows - 1) }

    /// The now-playing bar alone, as a grid of its rows (`nowPlayingRows`): what a tick of the clock
    /// changes, drawn without the rest of the screen. Nil when the screen is too small to show it.
    public static func renderNowPlaying(_ state: AppState, theme: Theme) -> CellGrid? {
        // The lyrics panel follows the clock too: the whole screen is drawn then.
        guard !state.isTooSmall, !state.showingLyrics else { return nil }
        let rows = nowPlayingRows(rows: state.rows)
        var canvas = Canvas(grid: CellGrid(rows: rows.count, columns: state.columns, fill: Cell(style: theme[.text])), theme: theme)
        NowPlayingBar.draw(&canvas, state: state, in: Rect(row: 0, column: 0, height: rows.count, width: state.columns))
        return canvas.grid
    }

    /// Where the terminal's cursor goes: in the command line while one is open, else hidden.
    public static func cursor(_ state: AppState) -> (row: Int, column: Int)? {
        guard let prompt = state.prompt, !state.isTooSmall else { return nil }
        let prefix = CommandLineBar.promptPrefix(prompt.kind)
        let before = String(prompt.text.prefix(prompt.cursor))
        let column = DisplayWidth.of(prefix) + DisplayWidth.of(DisplayWidth.sanitized(before))
        return (state.rows - 1, min(column, state.columns - 1))
    }

    static func drawTooSmall(_ grid: inout CellGrid, state: AppState, theme: Theme) {
        let lines = ["hum needs at least", "\(AppState.minimumColumns)×\(AppState.minimumRows)",
                     "(now \(state.columns)×\(state.rows))"]
        let top = max(0, (state.rows - lines.count) / 2)
        for (offset, line) in lines.enumerated() where top + offset < state.rows {
            let width = DisplayWidth.of(line)
            grid.put(line, row: top + offset, column: max(0, (state.columns - width) / 2), style: theme[.message])
        }
    }
}

/// A grid and the theme it is drawn with, with the few drawing moves the views share.
struct Canvas {
    var grid: CellGrid
    let theme: Theme

    mutating func text(_ text: String, row: Int, column: Int, width: Int, role: ThemeRole, pad: Bool = false) {
        grid.put(text, row: row, column: column, width: width, style: theme[role], pad: pad)
    }

    mutating func fill(_ rect: Rect, role: ThemeRole) { grid.fill(rect, style: theme[role]) }

    /// Columns laid out left to right in a row: each cell text with its width (the last takes the rest).
    mutating func columns(_ cells: [(String, Int)], row: Int, in rect: Rect, role: ThemeRole) {
        var column = rect.column
        for (index, cell) in cells.enumerated() {
            let remaining = rect.maxColumn - column
            guard remaining > 0 else { break }
            let width = index == cells.count - 1 ? remaining : min(cell.1, remaining)
            text(cell.0, row: row, column: column, width: max(0, width - 1), role: role, pad: true)
            if width > 0 { text(" ", row: row, column: column + width - 1, width: 1, role: role) }
            column += width
        }
    }

    /// Paints a whole row of `rect` in `role` (selection, marks), keeping its text.
    mutating func highlight(row: Int, in rect: Rect, role: ThemeRole) {
        let style = theme[role]
        grid.restyle(row: row, columns: rect.column..<rect.maxColumn) { _ in style }
    }
}

/// Draws a list of rows with its cursor: the shape every view's list shares.
struct ListDrawer {
    /// Draws rows `cursor.top…` into `rect` (a heading row first when `heading` is given).
    static func draw(_ canvas: inout Canvas, rect: Rect, heading: [(String, Int)]?, count: Int, cursor: ListCursor,
                     focused: Bool, empty: String, row: (Int, Rect) -> (cells: [(String, Int)], role: ThemeRole)) {
        var area = rect
        if let heading {
            let (top, rest) = area.splitTop(1)
            canvas.fill(top, role: .header)
            canvas.columns(heading, row: top.row, in: top, role: .header)
            area = rest
        }
        guard count > 0 else {
            if area.height > 0 { canvas.text(empty, row: area.row, column: area.column + 1, width: area.width - 1, role: .dim) }
            return
        }
        for offset in 0..<area.height {
            let index = cursor.top + offset
            guard index < count else { break }
            let line = row(index, area)
            let r = area.row + offset
            canvas.columns(line.cells, row: r, in: area, role: line.role)
            if index == cursor.index {
                canvas.highlight(row: r, in: area, role: focused ? .selection : .selectionInactive)
            }
        }
    }
}

/// Durations as players show them: 3:07, 1:02:03, or blank when unknown.
func clock(_ seconds: Double?) -> String {
    guard let seconds, seconds.isFinite, seconds >= 0 else { return "" }
    let total = Int(seconds)
    let h = total / 3600, m = (total / 60) % 60, s = total % 60
    let ss = s < 10 ? "0\(s)" : "\(s)"
    if h > 0 { return "\(h):\(m < 10 ? "0" : "")\(m):\(ss)" }
    return "\(m):\(ss)"
}

func rightAligned(_ text: String, _ width: Int) -> String {
    let w = DisplayWidth.of(text)
    return w >= width ? text : String(repeating: " ", count: width - w) + text
}
