/// One screen cell: a grapheme cluster (already made safe to show) and its style.
///
/// A character two columns wide occupies its cell and the next; the next holds `continuation` so that
/// the grid stays one entry per column, and drawing skips it. A trivial value (see `Glyph`): copying
/// and comparing grids is copying and comparing bytes.
public struct Cell: Sendable, Equatable {
    public var glyph: Glyph
    public var style: Style
    /// True for the right half of a two-column character.
    public var isContinuation: Bool

    public init(text: String = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.init(glyph: Glyph(text), style: style, isContinuation: isContinuation)
    }

    public init(glyph: Glyph, style: Style = .plain, isContinuation: Bool = false) {
        self.glyph = glyph
        self.style = style
        self.isContinuation = isContinuation
    }

    /// The cluster shown, as a string.
    public var text: String { glyph.string }

    public static let blank = Cell()
}

/// An off-screen screen: rows × columns cells. Screens render into it; the terminal draws only what
/// changed since the last grid it drew (`GridDiff`). Tests compare its text with snapshots.
public struct CellGrid: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public private(set) var cells: [Cell]

    public init(rows: Int, columns: Int, fill: Cell = .blank) {
        self.rows = max(0, rows)
        self.columns = max(0, columns)
        cells = Array(repeating: fill, count: self.rows * self.columns)
    }

    public subscript(row: Int, column: Int) -> Cell {
        get { cells[row * columns + column] }
        set { cells[row * columns + column] = newValue }
    }

    /// Fills a rectangle with blanks of `style`.
    public mutating func fill(_ rect: Rect, style: Style = .plain) {
        let clipped = rect.intersection(Rect(row: 0, column: 0, height: rows, width: columns))
        guard !clipped.isEmpty else { return }
        let blank = Cell(style: style)
        for row in clipped.row..<clipped.maxRow {
            clearCutHalves(row: row, from: clipped.column)
            let start = row * columns
            for column in clipped.column..<clipped.maxColumn { cells[start + column] = blank }
            clearStrandedContinuation(row: row, at: clipped.maxColumn)
        }
    }

    /// Before columns from `column` on are overwritten: when `column` is the right half of a wide
    /// character, its left half (outside the write) would be left alone on screen. Blank it.
    private mutating func clearCutHalves(row: Int, from column: Int) {
        if column > 0, column < columns, self[row, column].isContinuation {
            self[row, column - 1] = Cell(style: self[row, column - 1].style)
        }
    }

    /// After columns before `column` were overwritten: a continuation at `column` lost its left half. Blank it.
    private mutating func clearStrandedContinuation(row: Int, at column: Int) {
        if column > 0, column < columns, self[row, column].isContinuation {
            self[row, column] = Cell(style: self[row, column].style)
        }
    }

    /// Writes `text` at (`row`, `column`) in at most `width` columns (to the grid's edge by default),
    /// sanitized, emoji sequences simplified (see `DisplayWidth.simplifiedEmoji`), and cut with "…" when it
    /// does not fit. Returns the columns written. With `pad`, the rest
    /// of `width` is filled with blanks of `style`.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, width: Int? = nil, style: Style = .plain,
                             pad: Bool = false) -> Int {
        guard row >= 0, row < rows, column < columns else { return 0 }
        let start = max(column, 0)
        let available = min(width ?? (columns - start), columns - start)
        guard available > 0 else { return 0 }
        var text = text
        if let written = text.withUTF8({ putSimple($0, row: row, start: start, available: available, style: style, pad: pad) }) {
            return written
        }
        return putByCharacter(text, row: row, start: start, available: available, style: style, pad: pad)
    }

    /// `put` for text made only of scalars whose clusters can be found scalar by scalar
    /// (`DisplayWidth.simpleScalarWidth`): nearly every tag. Such text needs no sanitizing and holds no
    /// emoji sequence, so it is measured, cut and written from its UTF-8 bytes in two passes, without
    /// making a String or a Character; the cells are those `putByCharacter` writes (a test compares the
    /// two). Nil, having written nothing, for any other text.
    private mutating func putSimple(_ bytes: UnsafeBufferPointer<UInt8>, row: Int, start: Int, available: Int,
                                    style: Style, pad: Bool) -> Int? {
        var total = 0
        var index = 0
        while index < bytes.count {
            let (value, length) = DisplayWidth.decode(bytes, at: index)
            guard let w = DisplayWidth.simpleScalarWidth(value) else { return nil }
            total += w
            index += length
        }
        // Cut as `DisplayWidth.truncated` cuts: when the text does not fit, keep what fits in one column
        // less and end with "…".
        let cut = total > available
        let limit = start + (cut ? available - 1 : available)
        // Nothing written, nothing to repair: the cells around stay as they are. (Text of nonzero width
        // always writes a cluster or the ellipsis.)
        guard pad || total > 0 else { return 0 }
        clearCutHalves(row: row, from: start)
        var position = start
        var clusterStart = 0, clusterWidth = 0
        index = 0
        /// Writes the cluster that ends at `clusterEnd`; false once it does not fit.
        func place(upTo clusterEnd: Int) -> Bool {
            guard clusterWidth > 0 else { return true }
            guard position + clusterWidth <= limit else { return false }
            let glyph = Glyph(utf8: UnsafeBufferPointer(rebasing: bytes[clusterStart..<clusterEnd]))
            self[row, position] = Cell(glyph: glyph, style: style)
            if clusterWidth == 2 { self[row, position + 1] = Cell(glyph: .empty, style: style, isContinuation: true) }
            position += clusterWidth
            return true
        }
        var fits = true
        while index < bytes.count {
            let (value, length) = DisplayWidth.decode(bytes, at: index)
            let w = DisplayWidth.simpleScalarWidth(value) ?? 0
            if w > 0 {
                // A scalar of nonzero width begins a cluster; the zero-width ones after it extend it.
                fits = place(upTo: index)
                if !fits { break }
                clusterStart = index
                clusterWidth = w
            }
            index += length
        }
        if fits { _ = place(upTo: bytes.count) }
        if cut, position < start + available {
            self[row, position] = Cell(glyph: Self.ellipsis, style: style)
            position += 1
        }
        let end = pad ? start + available : position
        let blank = Cell(style: style)
        for c in position..<end { self[row, c] = blank }
        clearStrandedContinuation(row: row, at: end)
        return end - start
    }

    private static let ellipsis = Glyph("…")

    /// `put` for any text: sanitized, emoji sequences simplified, cut, then written Character by Character
    /// (internal for the test that holds `putSimple` to it).
    mutating func putByCharacter(_ text: String, row: Int, start: Int, available: Int, style: Style,
                                         pad: Bool) -> Int {
        let fitted = DisplayWidth.truncated(DisplayWidth.simplifiedEmoji(DisplayWidth.sanitized(text)), to: available)
        var placed: [(column: Int, character: Character, width: Int)] = []
        var position = start
        for character in fitted {
            let w = DisplayWidth.of(character)
            if w == 0 { continue }
            if position + w > start + available { break }
            placed.append((position, character, w))
            position += w
        }
        let end = pad ? start + available : position
        // Nothing written, nothing to repair: the cells around stay as they are.
        guard end > start else { return 0 }
        clearCutHalves(row: row, from: start)
        for (column, character, w) in placed {
            self[row, column] = Cell(glyph: Glyph(character), style: style)
            if w == 2 { self[row, column + 1] = Cell(glyph: .empty, style: style, isContinuation: true) }
        }
        let blank = Cell(style: style)
        for c in position..<end { self[row, c] = blank }
        clearStrandedContinuation(row: row, at: end)
        return end - start
    }

    /// Applies `style` to cells of a row range (keeping their text), e.g. to highlight a selected line.
    public mutating func restyle(row: Int, columns range: Range<Int>, _ transform: (Style) -> Style) {
        guard row >= 0, row < rows else { return }
        for column in max(0, range.lowerBound)..<min(columns, range.upperBound) {
            self[row, column].style = transform(self[row, column].style)
        }
    }

    /// The text of one row, right-trimmed: what a snapshot compares.
    public func text(row: Int) -> String {
        var line = ""
        for column in 0..<columns {
            let cell = self[row, column]
            if !cell.isContinuation { line += cell.text }
        }
        while line.last == " " { line.removeLast() }
        return line
    }

    /// Every row's text, one line each.
    public var text: String { (0..<rows).map(text(row:)).joined(separator: "\n") }

    /// Rows `range` as a grid of their own.
    public func rows(_ range: Range<Int>) -> CellGrid {
        let range = range.clamped(to: 0..<rows)
        return CellGrid(rows: range.count, columns: columns,
                        cells: Array(cells[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }

    /// Puts `part`, a grid as wide as this one, over the rows from `row` (what does not fit is left out).
    public mutating func replaceRows(from row: Int, with part: CellGrid) {
        precondition(part.columns == columns, "rows of another width")
        let range = (row..<(row + part.rows)).clamped(to: 0..<rows)
        guard !range.isEmpty else { return }
        let source = ((range.lowerBound - row) * columns)..<((range.upperBound - row) * columns)
        cells.replaceSubrange((range.lowerBound * columns)..<(range.upperBound * columns), with: part.cells[source])
    }

    private init(rows: Int, columns: Int, cells: [Cell]) {
        self.rows = rows
        self.columns = columns
        self.cells = cells
    }
}

/// A rectangle of cells.
public struct Rect: Sendable, Equatable {
    public var row: Int
    public var column: Int
    public var height: Int
    public var width: Int

    public init(row: Int, column: Int, height: Int, width: Int) {
        self.row = row
        self.column = column
        self.height = max(0, height)
        self.width = max(0, width)
    }

    public var maxRow: Int { row + height }
    public var maxColumn: Int { column + width }
    public var isEmpty: Bool { height == 0 || width == 0 }

    public func intersection(_ other: Rect) -> Rect {
        let top = max(row, other.row), left = max(column, other.column)
        let bottom = min(maxRow, other.maxRow), right = min(maxColumn, other.maxColumn)
        return Rect(row: top, column: left, height: bottom - top, width: right - left)
    }

    /// Splits off `count` rows at the top: (top part, the rest).
    public func splitTop(_ count: Int) -> (Rect, Rect) {
        let n = min(max(count, 0), height)
        return (Rect(row: row, column: column, height: n, width: width),
                Rect(row: row + n, column: column, height: height - n, width: width))
    }

    /// Splits off `count` rows at the bottom: (the rest, bottom part).
    public func splitBottom(_ count: Int) -> (Rect, Rect) {
        let n = min(max(count, 0), height)
        return (Rect(row: row, column: column, height: height - n, width: width),
                Rect(row: row + height - n, column: column, height: n, width: width))
    }

    /// Splits off `count` columns at the left: (left part, the rest).
    public func splitLeft(_ count: Int) -> (Rect, Rect) {
        let n = min(max(count, 0), width)
        return (Rect(row: row, column: column, height: height, width: n),
                Rect(row: row, column: column + n, height: height, width: width - n))
    }
}

/// What changed between two grids of the same size: runs of cells to draw, left to right.
public struct GridDiff: Sendable, Equatable {
    public struct Run: Sendable, Equatable {
        public var row: Int
        public var column: Int
        public var cells: [Cell]
    }

    public var runs: [Run]
    /// True when the grids differ in size: everything must be drawn.
    public var isFullRedraw: Bool

    /// The runs that turn `old` into `new` (all of `new` when the sizes differ or `old` is nil).
    public init(from old: CellGrid?, to new: CellGrid) {
        runs = []
        let full = old == nil || old!.rows != new.rows || old!.columns != new.columns
        isFullRedraw = full
        for row in 0..<new.rows {
            var column = 0
            while column < new.columns {
                let changed = full || old![row, column] != new[row, column]
                guard changed else {
                    column += 1
                    continue
                }
                // A run starts at the leading half of a wide character, never at its continuation.
                var start = column
                if new[row, start].isContinuation && start > 0 { start -= 1 }
                var end = column + 1
                while end < new.columns && (full || old![row, end] != new[row, end] || new[row, end].isContinuation) { end += 1 }
                let cells = Array(new.cells[(row * new.columns + start)..<(row * new.columns + end)])
                if let last = runs.last, last.row == row, last.column + last.cells.count >= start {
                    // Overlapping or touching the previous run (a wide character at its edge): join them.
                    let overlap = last.column + last.cells.count - start
                    runs[runs.count - 1].cells += cells.dropFirst(overlap)
                } else {
                    runs.append(Run(row: row, column: start, cells: cells))
                }
                column = end
            }
        }
    }
}
