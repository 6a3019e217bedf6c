import AppCore
import TerminalUI

/// `t`: the playing track's lyrics, in a box over the right of the view. Timed lyrics keep the line
/// being sung in the middle, in the `playing` style; untimed ones scroll with the track, so the part
/// being sung is about in view without a key.
enum LyricsPanel {
    static func draw(_ canvas: inout Canvas, state: AppState, in rect: Rect) {
        let width = rect.width < 60 ? rect.width : max(40, min(rect.width / 2, 80))
        let box = Rect(row: rect.row, column: rect.maxColumn - width, height: rect.height, width: width)
        guard box.height >= 3, box.width >= 6 else { return }
        canvas.fill(box, role: .panel)
        let inner = box.width - 4
        canvas.text("┌" + String(repeating: "─", count: box.width - 2) + "┐", row: box.row, column: box.column, width: box.width, role: .border)
        for row in box.row + 1..<box.maxRow - 1 {
            canvas.text("│", row: row, column: box.column, width: 1, role: .border)
            canvas.text("│", row: row, column: box.maxColumn - 1, width: 1, role: .border)
        }
        canvas.text("└" + String(repeating: "─", count: box.width - 2) + "┘", row: box.maxRow - 1, column: box.column, width: box.width, role: .border)

        let (heading, body) = content(state)
        let rows = box.height - 2
        // A short box keeps the title alone, so the line being sung still shows.
        var lines = rows < 8 ? Array(heading.prefix(1)) : heading
        let room = max(0, rows - (rows < 8 ? 1 : heading.count))
        let start: Int
        if let lyrics = state.lyrics?.lyrics, state.lyrics?.entryID == state.queue.currentEntry?.id,
           let current = lyrics.currentLine(at: state.player.position) {
            start = max(0, min(current - room / 2, body.count - room))
        } else if state.lyrics?.lyrics?.isTimed == false, let duration = state.player.duration, duration > 0, body.count > room {
            start = Int((Double(body.count - room) * min(1, state.player.position / duration)).rounded(.down))
        } else {
            start = 0
        }
        lines += body.dropFirst(start).prefix(room)
        for (offset, line) in lines.enumerated() {
            canvas.text(line.text, row: box.row + 1 + offset, column: box.column + 2, width: inner, role: line.role)
        }
    }

    /// The title lines, and the lyrics (or why there are none) as rows with their roles.
    static func content(_ state: AppState) -> (heading: [(text: String, role: ThemeRole)], body: [(text: String, role: ThemeRole)]) {
        let closes = state.keyMap.keyName(for: .toggleLyrics).map { " — \($0) closes" } ?? ""
        guard let entry = state.queue.currentEntry else {
            return ([("Lyrics\(closes)", .panelTitle)], [("", .panel), ("Nothing is playing.", .dim)])
        }
        let title = ("Lyrics of “\(entry.track.title)”\(closes)", ThemeRole.panelTitle)
        guard let loaded = state.lyrics, loaded.entryID == entry.id else {
            return ([title], [("", .panel), ("Looking…", .dim)])
        }
        guard let lyrics = loaded.lyrics else {
            return ([title], [("", .panel), ("No lyrics: no .lrc file of the same name beside", .dim),
                              ("the track, and no LYRICS tag in it.", .dim)])
        }
        let current = lyrics.currentLine(at: state.player.position)
        let body = lyrics.lines.enumerated().map { index, line in
            (text: line.text, role: index == current ? ThemeRole.playing : .panel)
        }
        return ([title, (lyrics.source, .dim), ("", .panel)], body)
    }
}
