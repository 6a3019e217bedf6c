import AppCore
import TerminalUI

/// The top row: hum, the view tabs (the current one stands out) and the filter in force.
enum TitleBar {
    static func draw(_ canvas: inout Canvas, state: AppState, in rect: Rect) {
        canvas.fill(rect, role: .statusBar)
        canvas.text(" hum ", row: rect.row, column: rect.column, width: 5, role: .statusTitle)
        var end = 5
        for tab in Layout.viewTabs(columns: rect.width) {
            let current = tab.view == state.view && !state.help.isShown
            canvas.text(tab.label, row: rect.row, column: tab.start, width: rect.width - tab.start,
                        role: current ? .statusTitle : .statusDim)
            end = tab.start + DisplayWidth.of(tab.label)
        }
        if rect.width < 100 {
            let name = state.help.isShown ? "Help" : state.view.title
            canvas.text(" " + name, row: rect.row, column: end + 1, width: rect.width - end - 1, role: .statusTitle)
            end += 2 + DisplayWidth.of(name)
        }
        guard !state.filter.text.isEmpty else { return }
        let shown = state.filter.isPending ? "…" : state.filter.visible.map { "\($0.count)" } ?? "all"
        let label = "filter: \(state.filter.text) (\(shown)) "
        let width = min(DisplayWidth.of(label), rect.width - end - 2)
        guard width > 8 else { return }
        canvas.text(label, row: rect.row, column: rect.maxColumn - width, width: width, role: .statusDim)
    }
}

/// Two rows: what plays (title — artist — album), then a progress bar, the clock and the modes.
enum NowPlayingBar {
    static func draw(_ canvas: inout Canvas, state: AppState, in rect: Rect) {
        canvas.fill(rect, role: .statusBar)
        let player = state.player
        let symbol: String
        switch player.status {
        case .playing: symbol = "▶"
        case .paused: symbol = "⏸"
        case .stopped: symbol = "■"
        }
        let titleRow = rect.row, barRow = rect.row + 1
        if let entry = state.queue.currentEntry {
            let track = entry.track
            let parts = [track.title, track.artist, track.album].filter { !$0.isEmpty }
            canvas.text(" \(symbol) ", row: titleRow, column: rect.column, width: 3, role: .statusTitle)
            canvas.text(parts.joined(separator: " — "), row: titleRow, column: rect.column + 3, width: rect.width - 3, role: .statusTitle)
        } else {
            canvas.text(" \(symbol) nothing playing — Enter plays the track under the cursor", row: titleRow,
                        column: rect.column, width: rect.width, role: .statusDim)
        }
        var modes: [String] = []
        if player.repeatCurrent { modes.append("repeat track") } else if player.repeatAll { modes.append("repeat") }
        if !player.continues && !player.repeatCurrent { modes.append("stop after") }
        if player.shuffle { modes.append("shuffle") }
        if player.smart { modes.append("smart") }
        modes.append("RG \(player.replayGain)")
        modes.append("vol \(player.volume)%")
        if player.outputLost != nil { modes.append("no sound server") }
        if let analysis = state.analysis, analysis.total > 0, analysis.done < analysis.total {
            modes.insert("analysing \(analysis.done * 100 / analysis.total)%", at: 0)
        }
        let clockText = state.queue.currentEntry == nil ? "" : "\(clock(player.position)) / \(clock(player.duration))"
        let right = (clockText.isEmpty ? "" : clockText + "  ") + modes.joined(separator: "  ") + " "
        let rightWidth = DisplayWidth.of(right)
        let barWidth = rect.width - rightWidth - 3
        if barWidth >= 10 {
            let fraction = player.duration.map { $0 > 0 ? min(max(player.position / $0, 0), 1) : 0 } ?? 0
            let done = Int((Double(barWidth) * fraction).rounded(.down))
            canvas.text(" ", row: barRow, column: rect.column, width: 1, role: .statusBar)
            canvas.text(String(repeating: "━", count: done), row: barRow, column: rect.column + 1, width: done, role: .progressDone)
            canvas.text(String(repeating: "─", count: barWidth - done), row: barRow, column: rect.column + 1 + done,
                        width: barWidth - done, role: .progressLeft)
            canvas.text(right, row: barRow, column: rect.maxColumn - rightWidth, width: rightWidth, role: .statusDim)
        } else {
            canvas.text(" " + right, row: barRow, column: rect.column, width: rect.width, role: .statusDim)
        }
    }
}

/// The last row: the open prompt, a question, or the last message.
enum CommandLineBar {
    static func promptPrefix(_ kind: PromptKind) -> String {
        switch kind {
        case .command: ":"
        case .search(let backward): backward ? "?" : "/"
        case .filter: "filter: "
        }
    }

    static func draw(_ canvas: inout Canvas, state: AppState, in rect: Rect) {
        canvas.fill(rect, role: .commandLine)
        if let prompt = state.prompt {
            let prefix = promptPrefix(prompt.kind)
            var line = prefix + prompt.text
            if prompt.kind == .filter, let error = state.filter.error { line += "   (\(error))" }
            if prompt.kind == .command, prompt.completions.count > 1 {
                let others = prompt.completions.map { $0.split(separator: " ").last.map(String.init) ?? $0 }
                line += "   " + others.prefix(8).joined(separator: " ")
            }
            canvas.text(line, row: rect.row, column: rect.column, width: rect.width, role: .commandLine)
            return
        }
        if let confirmation = state.confirmation {
            canvas.text(confirmation.question, row: rect.row, column: rect.column, width: rect.width, role: .message)
            return
        }
        if let message = state.message {
            canvas.text(message.text, row: rect.row, column: rect.column, width: rect.width, role: message.isError ? .error : .message)
            return
        }
        let marks = state.marks.isEmpty ? "" : "\(state.marks.count) marked · "
        canvas.text(marks + "? help  : command  / search  F filter  q quit", row: rect.row, column: rect.column,
                    width: rect.width, role: .dim)
    }
}
