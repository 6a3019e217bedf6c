import Testing
@testable import TerminalUI

/// What is wrong with a grid's wide characters: a wide cell whose right neighbour is not its continuation, or
/// a continuation that does not follow a wide cell. Empty for a grid a terminal can show as it is.
private func halfGlyphs(in grid: CellGrid) -> [String] {
    var problems: [String] = []
    for row in 0..<grid.rows {
        for column in 0..<grid.columns {
            let cell = grid[row, column]
            if cell.isContinuation {
                let left = column > 0 ? grid[row, column - 1] : nil
                if left == nil || left!.isContinuation || DisplayWidth.of(left!.text) != 2 {
                    problems.append("(\(row), \(column)): continuation without its left half")
                }
            } else if DisplayWidth.of(cell.text) == 2 {
                if column + 1 >= grid.columns || !grid[row, column + 1].isContinuation {
                    problems.append("(\(row), \(column)): \(cell.text) without its right half")
                }
            }
        }
    }
    return problems
}

/// `grid` with `diff`'s runs drawn over it, as the terminal does.
private func applying(_ diff: GridDiff, to grid: CellGrid) -> CellGrid {
    var result = grid
    for run in diff.runs {
        for (offset, cell) in run.cells.enumerated() { result[run.row, run.column + offset] = cell }
    }
    return result
}

private func grid(_ lines: [String], columns: Int) -> CellGrid {
    var grid = CellGrid(rows: lines.count, columns: columns)
    for (row, line) in lines.enumerated() { grid.put(line, row: row, column: 0) }
    return grid
}

@Suite("Text put into a cell grid")
struct CellGridPutTests {
    @Test("Wide text takes two cells a character, the right one a continuation")
    func wideText() {
        var grid = CellGrid(rows: 2, columns: 10)
        #expect(grid.put("日本語", row: 0, column: 0) == 6)
        #expect(grid[0, 0].text == "日")
        #expect(grid[0, 1].isContinuation)
        #expect(grid[0, 1].text == "")
        #expect(grid[0, 4].text == "語")
        #expect(grid[0, 5].isContinuation)
        #expect(grid[0, 6] == .blank)
        #expect(grid.text(row: 0) == "日本語")
        // The ZWJ sequence keeps its first emoji (DisplayWidth.simplifiedEmoji); the flag stays whole.
        #expect(grid.put("a👩‍💻b🇯🇵", row: 1, column: 1) == 6)
        #expect(grid.text(row: 1) == " a👩b🇯🇵")
        #expect(grid.text == "日本語\n a👩b🇯🇵")
        #expect(halfGlyphs(in: grid).isEmpty)
    }

    @Test("Text wider than the room is cut with an ellipsis, and padding fills the room")
    func cutAndPadded() {
        var grid = CellGrid(rows: 3, columns: 5)
        #expect(grid.put("日本語", row: 0, column: 0) == 5)
        #expect(grid.text(row: 0) == "日本…")
        #expect(grid.put("日本語", row: 1, column: 0, width: 4) == 3)
        #expect(grid.text(row: 1) == "日…")
        #expect(grid[1, 3] == .blank)
        let style = Style(foreground: .red)
        #expect(grid.put("ab", row: 2, column: 1, width: 3, style: style, pad: true) == 3)
        #expect(grid[2, 3] == Cell(text: " ", style: style))
        #expect(grid[2, 4] == .blank)
        #expect(halfGlyphs(in: grid).isEmpty)
    }

    @Test("Text is sanitized before it reaches a cell")
    func sanitized() {
        var grid = CellGrid(rows: 1, columns: 20)
        grid.put("\u{1B}[2J\u{202E}x\ty", row: 0, column: 0)
        #expect(grid.text(row: 0) == "\u{FFFD}[2J\u{FFFD}x y")
        #expect(!grid.cells.contains { $0.text.unicodeScalars.contains("\u{1B}") })
    }

    @Test("A row's text skips continuations and drops trailing blanks only")
    func rowText() {
        var grid = CellGrid(rows: 1, columns: 12)
        grid.put("a日b", row: 0, column: 3)
        #expect(grid.text(row: 0) == "   a日b")
        #expect(CellGrid(rows: 1, columns: 4).text(row: 0) == "")
    }

    @Test("Writing over the right half of a wide character blanks its left half")
    func overwriteRightHalf() {
        var grid = grid(["日本"], columns: 6)
        grid.put("x", row: 0, column: 1)
        #expect(grid.text(row: 0) == " x本")
        #expect(halfGlyphs(in: grid).isEmpty)
    }

    @Test("Writing over the left half of a wide character blanks its right half")
    func overwriteLeftHalf() {
        var grid = grid(["日本"], columns: 6)
        grid.put("x", row: 0, column: 2)
        #expect(grid.text(row: 0) == "日x")
        #expect(grid[0, 3] == .blank)
        #expect(halfGlyphs(in: grid).isEmpty)
    }

    @Test("A wide character written one column off a row of wide characters leaves no half glyph")
    func overwriteShifted() {
        var grid = grid(["日本語"], columns: 6)
        grid.put("中", row: 0, column: 1)
        #expect(grid.text(row: 0) == " 中 語")
        #expect(halfGlyphs(in: grid).isEmpty)
    }

    @Test("Padding that ends on the left half of a wide character blanks its right half")
    func paddingOverLeftHalf() {
        var grid = grid(["日本語"], columns: 6)
        grid.put("a", row: 0, column: 0, width: 3, pad: true)
        #expect(grid.text(row: 0) == "a   語")
        #expect(halfGlyphs(in: grid).isEmpty)
    }

    @Test("Writing nothing at the right half of a wide character leaves no half glyph")
    func emptyOverRightHalf() {
        var grid = grid(["日本"], columns: 6)
        grid.put("", row: 0, column: 1)
        #expect(halfGlyphs(in: grid).isEmpty)
        #expect(grid.text(row: 0) == "日本", "writing nothing changes nothing")
    }

    @Test("Filling a rectangle that cuts a wide character leaves no half glyph")
    func fillCuttingWide() {
        var grid = grid(["日本語"], columns: 6)
        grid.fill(Rect(row: 0, column: 1, height: 1, width: 2))
        #expect(halfGlyphs(in: grid).isEmpty)
        #expect(grid.text(row: 0) == "    語")
    }
}

@Suite("Differences between two grids")
struct GridDiffTests {
    @Test("Identical grids give no runs")
    func identical() {
        let old = grid(["hello", "日本語"], columns: 8)
        let diff = GridDiff(from: old, to: old)
        #expect(diff.runs.isEmpty)
        #expect(!diff.isFullRedraw)
    }

    @Test("Only the changed cells are drawn, in separate runs when apart")
    func changedRuns() {
        let old = grid(["hello world"], columns: 12)
        let new = grid(["jelly worlD"], columns: 12)
        let diff = GridDiff(from: old, to: new)
        #expect(!diff.isFullRedraw)
        #expect(diff.runs.map(\.column) == [0, 4, 10])
        #expect(diff.runs.map { $0.cells.map(\.text).joined() } == ["j", "y", "D"])
        #expect(applying(diff, to: old) == new)
    }

    @Test("Neighbouring changed cells make one run")
    func neighbours() {
        let diff = GridDiff(from: grid(["abcdef"], columns: 6), to: grid(["aXYZef"], columns: 6))
        #expect(diff.runs.count == 1)
        #expect(diff.runs.first?.row == 0)
        #expect(diff.runs.first?.column == 1)
        #expect(diff.runs.first?.cells == [Cell(text: "X"), Cell(text: "Y"), Cell(text: "Z")])
    }

    @Test("A changed wide character is drawn whole")
    func wideChange() {
        let old = grid(["日本語"], columns: 6)
        let new = grid(["日本人"], columns: 6)
        let diff = GridDiff(from: old, to: new)
        #expect(diff.runs.count == 1)
        #expect(diff.runs.first?.column == 4)
        #expect(diff.runs.first?.cells == [Cell(text: "人"), Cell(text: "", isContinuation: true)])
    }

    @Test("A change to a continuation cell alone starts the run at its left half")
    func continuationOnly() {
        let old = grid(["x日本"], columns: 6)
        var new = old
        new.restyle(row: 0, columns: 2..<3) { $0.with(.bold) }
        let diff = GridDiff(from: old, to: new)
        #expect(diff.runs.count == 1)
        #expect(diff.runs.first?.column == 1)
        #expect(diff.runs.first?.cells.first?.isContinuation == false)
        #expect(diff.runs.first?.cells.count == 2)
        #expect(applying(diff, to: old) == new)
    }

    @Test("A first grid, or a grid of another size, is drawn in full", arguments: [nil, (3, 7), (2, 6), (1, 1)])
    func fullRedraw(_ size: (Int, Int)?) {
        let new = grid(["ab日", "", "x"], columns: 6)
        let old = size.map { CellGrid(rows: $0.0, columns: $0.1) }
        let diff = GridDiff(from: old, to: new)
        #expect(diff.isFullRedraw)
        #expect(diff.runs.map(\.row) == [0, 1, 2])
        #expect(diff.runs.allSatisfy { $0.column == 0 && $0.cells.count == 6 })
        #expect(applying(diff, to: CellGrid(rows: 3, columns: 6, fill: Cell(text: "?"))) == new)
    }

    @Test("Any diff turns the old grid into the new one, with runs of changed cells that never start on a continuation")
    func randomEdits() {
        var random = SplitMix(seed: 0x5EED)
        let texts = ["hello", "日本語", "a日b本", "👩‍💻x", "🇯🇵🇺🇸", "e\u{301}te\u{301}", "ＡＢ", "-", "", "中文歌曲", "😀😀😀"]
        var current = CellGrid(rows: 4, columns: 11)
        for _ in 0..<300 {
            var next = current
            for _ in 0..<random.next(below: 4) {
                let text = texts[random.next(below: texts.count)]
                let width: Int? = random.next(below: 3) == 0 ? nil : random.next(below: 8)
                next.put(text, row: random.next(below: 4), column: random.next(below: 11), width: width,
                         style: random.next(below: 4) == 0 ? Style(attributes: .bold) : .plain, pad: random.next(below: 2) == 0)
            }
            let diff = GridDiff(from: current, to: next)
            #expect(!diff.isFullRedraw)
            #expect(applying(diff, to: current) == next)
            var previousEnd = (row: -1, column: 0)
            for run in diff.runs {
                #expect(!run.cells.isEmpty)
                #expect(run.cells.first?.isContinuation == false, "run at (\(run.row), \(run.column))")
                #expect(run.row > previousEnd.row || run.column > previousEnd.column, "runs out of order or touching")
                previousEnd = (run.row, run.column + run.cells.count)
                // Every cell of a run changed, or is the other half of a wide character that did.
                for (offset, cell) in run.cells.enumerated() {
                    let column = run.column + offset
                    let changed = current[run.row, column] != cell
                    let nextHalfChanged = column + 1 < next.columns && next[run.row, column + 1].isContinuation
                        && current[run.row, column + 1] != next[run.row, column + 1]
                    #expect(changed || cell.isContinuation || nextHalfChanged, "unchanged cell (\(run.row), \(column)) drawn")
                }
            }
            current = next
        }
    }

    @Test("Rows taken out of a grid and put back over another give the first grid's rows, and nothing else changes")
    func rowsReplaced() {
        var source = CellGrid(rows: 4, columns: 6, fill: Cell(text: "s"))
        source.put("日本", row: 2, column: 1)
        var target = CellGrid(rows: 4, columns: 6, fill: Cell(text: "t"))
        let part = source.rows(1..<3)
        #expect(part.rows == 2 && part.columns == 6)
        #expect(part.text == "ssssss\ns日本s")
        target.replaceRows(from: 1, with: part)
        #expect(target.text == "tttttt\nssssss\ns日本s\ntttttt")
        // Rows past the bottom are left out; a range past the grid is cut to it.
        target.replaceRows(from: 3, with: part)
        #expect(target.text == "tttttt\nssssss\ns日本s\nssssss")
        #expect(source.rows(3..<9).rows == 1)
    }
}

/// A small seeded generator, so that random cases are the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }
}

@Suite("Glyphs: a cell's text kept as plain bytes")
struct GlyphTests {
    @Test("Every cluster comes back as it went in, inline (up to 15 bytes) or interned (longer)", arguments: [
        "", " ", "a", "é", "e\u{301}", "界", "👍🏽", "🇯🇵", "123456789012345", "1234567890123456",
        "a\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}\u{307}\u{308}",
    ])
    func roundTrip(text: String) {
        let glyph = Glyph(text)
        #expect(glyph.string == text)
        #expect(glyph.isEmpty == text.isEmpty)
        var scalars: [Unicode.Scalar] = []
        glyph.forEachScalar { scalars.append($0) }
        #expect(scalars == Array(text.unicodeScalars))
    }

    @Test("Equal clusters are equal glyphs and different ones differ, interned ones included")
    func equality() {
        let long = "x" + String(repeating: "\u{301}", count: 12)
        #expect(Glyph(long) == Glyph(String(long)))
        #expect(Glyph(long) != Glyph("x" + String(repeating: "\u{301}", count: 13)))
        #expect(Glyph("a") != Glyph("b"))
        #expect(Glyph("é") != Glyph("e\u{301}")) // as the terminal gets them: different scalars
        #expect(Cell(text: "界") == Cell(glyph: Glyph("界")))
    }
}

@Suite("The byte-level path of put writes what the Character-by-Character one writes")
struct SimplePutTests {
    static let texts = [
        "", "Hello", "Zoë & Chloé", "서울 밴드", "東京バンド", "✨ Lonely 💔", "e\u{301}\u{302}x", "\u{301}lead",
        "a\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}\u{307}\u{308}\u{309}b", "Ｆｕｌｌ ｗｉｄｔｈ", "ｶﾞｷ", "Ελληνικά",
        "Русский рок", "עברית", "العربية", "界a界b界", "a\tb", "👩‍💻 dev", "🇯🇵 flag", "❤️ love", "👍🏽", "ᄀᄀ jamo",
        "\u{200F}rtl", "Sigur Rós — Ágætis byrjun (1999)", String(repeating: "x", count: 300),
    ]

    @Test("Same cells for every text, width and padding, over a row of wide characters", arguments: texts)
    func sameCells(text: String) {
        for width in [0, 1, 2, 3, 4, 5, 7, 10, 13, 40] {
            for pad in [false, true] {
                for column in [0, 1, 2] {
                    var base = CellGrid(rows: 1, columns: 20)
                    base.put("界界界界界界界界界界", row: 0, column: 0)
                    var fast = base, reference = base
                    let wrote = fast.put(text, row: 0, column: column, width: width, pad: pad)
                    let expected = reference.putByCharacter(text, row: 0, start: column,
                                                            available: min(width, 20 - column), style: .plain, pad: pad)
                    #expect(fast == reference, "\(text.debugDescription) width \(width) pad \(pad) column \(column): \(fast.text) vs \(reference.text)")
                    if min(width, 20 - column) > 0 { #expect(wrote == expected) }
                }
            }
        }
    }
}
