/// A key press (or a mouse event) as the terminal reports it, independent of ncurses.
public enum Key: Sendable, Hashable {
    /// A printable character (including space).
    case character(Character)
    /// Ctrl with a letter: `.control("d")` is Ctrl-D.
    case control(Character)
    case enter, tab, backTab, backspace, escape, delete, insert
    case up, down, left, right, home, end, pageUp, pageDown
    case function(Int)
    /// A mouse click (button 1) or wheel movement at a cell.
    case click(row: Int, column: Int)
    case wheelUp(row: Int, column: Int)
    case wheelDown(row: Int, column: Int)

    /// The key's name as key bindings and Help write it: "j", "space", "ctrl-d", "enter", "pgdn", "f5"…
    public var name: String {
        switch self {
        case .character(" "): "space"
        case .character(let c): String(c)
        case .control(let c): "ctrl-\(c)"
        case .enter: "enter"
        case .tab: "tab"
        case .backTab: "shift-tab"
        case .backspace: "backspace"
        case .escape: "escape"
        case .delete: "delete"
        case .insert: "insert"
        case .up: "up"
        case .down: "down"
        case .left: "left"
        case .right: "right"
        case .home: "home"
        case .end: "end"
        case .pageUp: "pgup"
        case .pageDown: "pgdn"
        case .function(let n): "f\(n)"
        case .click: "click"
        case .wheelUp: "wheel-up"
        case .wheelDown: "wheel-down"
        }
    }

    /// Reads a key name as `name` writes it (also "ctrl+d", "^D", "C-d", "return", "esc", "pagedown"…).
    public init?(name raw: String) {
        let name = raw.lowercased()
        let named: [String: Key] = [
            "space": .character(" "), "enter": .enter, "return": .enter, "tab": .tab, "shift-tab": .backTab,
            "backtab": .backTab, "backspace": .backspace, "escape": .escape, "esc": .escape, "delete": .delete,
            "del": .delete, "insert": .insert, "ins": .insert, "up": .up, "down": .down, "left": .left,
            "right": .right, "home": .home, "end": .end, "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown,
            "pagedown": .pageDown,
        ]
        if let key = named[name] { self = key; return }
        for prefix in ["ctrl-", "ctrl+", "c-", "^"] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard rest.count == 1, let letter = rest.first, letter.isLetter else { return nil }
            self = .control(letter)
            return
        }
        if name.hasPrefix("f"), let number = Int(name.dropFirst()), (1...24).contains(number) {
            self = .function(number)
            return
        }
        guard raw.count == 1, let character = raw.first else { return nil }
        self = .character(character)
    }
}
