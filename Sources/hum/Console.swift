import Foundation
import MusicCore
import Playback

/// Shows playback in the terminal: one status line redrawn in place when standard output is a terminal,
/// plain lines (one per event, no progress) when it is a pipe or a file, so logs stay readable.
final class Console {
    private let interactive: Bool
    private let queueCount: Int
    private var status = StatusLine()

    init(interactive: Bool, queueCount: Int) {
        self.interactive = interactive
        self.queueCount = queueCount
    }

    func show(_ event: PlaybackEvent, volume: Int) {
        status.volume = volume
        if let line = PlainLog.line(for: event, queueCount: queueCount) {
            if interactive {
                if line.isProblem { message(line.text) }
            } else if line.isProblem {
                printError(line.text)
            } else {
                writeOut(line.text + "\n")
            }
        }
        status.update(with: event)
        if interactive { redraw() }
    }

    /// Prints a message above the status line.
    func message(_ text: String) {
        if interactive {
            writeOut("\r\u{1B}[K")
            printError(text)
            redraw()
        } else {
            printError(text)
        }
    }

    /// Ends the status line so the shell prompt starts on a fresh line.
    func finish() {
        if interactive { writeOut("\n") }
    }

    private func redraw() {
        let text = TerminalText.fit(status.text(queueCount: queueCount), columns: TerminalText.columns())
        writeOut("\r\u{1B}[K\(text)")
    }
}

/// What the status line shows, updated from events.
struct StatusLine {
    var item: PlaybackItem?
    var queueIndex = 0
    var position = 0.0
    var duration: Double?
    var paused = false
    var volume = 100

    mutating func update(with event: PlaybackEvent) {
        switch event {
        case .started(let item, let index, let duration):
            self.item = item; queueIndex = index; position = 0; self.duration = duration; paused = false
        case .progressed(_, let position, let duration):
            self.position = position; self.duration = duration
        case .paused(_, let position):
            paused = true; self.position = position
        case .resumed(_, let position):
            paused = false; self.position = position
        case .seeked(_, _, let to):
            position = to
        default:
            break
        }
    }

    func text(queueCount: Int) -> String {
        guard let item else { return "" }
        let symbol = paused ? "⏸" : "▶"
        let clock = "\(TimeFormat.clock(position)) / \(duration.map { TimeFormat.clock($0) } ?? "--:--")"
        let volumeText = volume == 100 ? "" : "  vol \(volume)%"
        return "\(symbol) \(queueIndex + 1)/\(queueCount)  \(item.displayName)  \(clock)\(volumeText)"
    }
}

/// The plain-text form of events, as printed when output is not a terminal (and for errors always).
enum PlainLog {
    struct Line: Equatable {
        var text: String
        /// Errors and warnings go to standard error.
        var isProblem = false
    }

    static func line(for event: PlaybackEvent, queueCount: Int) -> Line? {
        func ms(_ seconds: Double) -> String { TimeFormat.clock(seconds, milliseconds: true) }
        switch event {
        case .started(let item, let index, let duration):
            return Line(text: "playing \(index + 1)/\(queueCount): \(item.displayName) [\(duration.map(ms) ?? "unknown length")]")
        case .finished(let item, let position):
            return Line(text: "finished: \(item.displayName) at \(ms(position))")
        case .skipped(let item, let position):
            return Line(text: "skipped: \(item.displayName) at \(ms(position))")
        case .stopped(let item, let position):
            return Line(text: "stopped: \(item.displayName) at \(ms(position))")
        case .failed(_, let message, let position):
            return Line(text: message + (position.map { " (at \(ms($0)))" } ?? ""), isProblem: true)
        case .paused(_, let position):
            return Line(text: "paused at \(ms(position))")
        case .resumed(_, let position):
            return Line(text: "resumed at \(ms(position))")
        case .seeked(_, let from, let to):
            return Line(text: "seeked from \(ms(from)) to \(ms(to))")
        case .outputLost(let why):
            return Line(text: "warning: audio output lost (\(why)); reconnecting", isProblem: true)
        case .outputRestored:
            return Line(text: "audio output restored", isProblem: true)
        case .outputFailed(let why):
            return Line(text: why, isProblem: true)
        case .queueFinished:
            return Line(text: "end of queue")
        case .progressed:
            return nil
        }
    }
}

/// Fitting text into a terminal line by display width.
enum TerminalText {
    /// The terminal's width, or 80 when it cannot be known.
    static func columns() -> Int {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    /// Cuts `text` to at most `columns - 1` display columns (the last column is left free so the cursor
    /// never wraps), ending with "…" when cut. Control characters in tags become "?".
    static func fit(_ text: String, columns: Int) -> String {
        let limit = max(columns - 1, 1)
        let cleaned = text.map { character -> Character in
            character.unicodeScalars.contains { $0.properties.generalCategory == .control } ? "?" : character
        }
        if cleaned.reduce(0, { $0 + displayWidth($1) }) <= limit { return String(cleaned) }
        var result = ""
        var width = 0
        for character in cleaned {
            let w = displayWidth(character)
            if width + w > limit - 1 { break }
            result.append(character)
            width += w
        }
        return result + "…"
    }

    /// Columns a character takes in a terminal: 0 for combining marks, 2 for East Asian wide characters
    /// and emoji, 1 otherwise. (A close approximation of wcwidth; the full-screen UI has its own table.)
    static func displayWidth(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if first.properties.isEmojiPresentation || character.unicodeScalars.contains("\u{FE0F}") { return 2 }
        let wideRanges: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x20000...0x2FFFD, 0x30000...0x3FFFD,
        ]
        return wideRanges.contains { $0.contains(first.value) } ? 2 : 1
    }
}
