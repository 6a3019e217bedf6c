import TerminalUI

/// Where things are on the screen: shared by the screens that draw them and by `handle`, which maps a
/// mouse click back to what was drawn there.
public enum Layout {
    /// The left pane of the Library and Playlists views: a third of the screen, at least 16 columns.
    public static func leftPaneWidth(columns: Int) -> Int { max(16, min(columns / 3, 50)) }

    /// The view tabs of the title bar: each view's label and its columns.
    public static func viewTabs(columns: Int) -> [(view: ViewKind, label: String, start: Int)] {
        // Wide screens name every view; narrow ones show numbers only.
        let wide = columns >= 100
        var start = 5  // after " hum "
        return ViewKind.allCases.map { view in
            let label = wide ? "\(view.rawValue) \(view.title)" : "\(view.rawValue)"
            defer { start += DisplayWidth.of(label) + (wide ? 2 : 1) }
            return (view, label, start)
        }
    }

    public static func viewTab(atColumn column: Int, columns: Int) -> ViewKind? {
        viewTabs(columns: columns).first { column >= $0.start && column < $0.start + DisplayWidth.of($0.label) }?.view
    }
}
