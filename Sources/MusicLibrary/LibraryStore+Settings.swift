import GRDB

/// The settings hum keeps in the library file, each with a default and a check of its values.
public enum LibrarySetting: String, Sendable, CaseIterable {
    /// Whether listens and listening events are recorded at all ("off": no rows, ever).
    case collectHistory = "collect_history"

    public var defaultValue: String {
        switch self {
        case .collectHistory: "on"
        }
    }

    public var help: String {
        switch self {
        case .collectHistory: "record listens, skips, seeks and pauses (on/off); off records nothing"
        }
    }

    /// The canonical form of `value`, or nil when it is not allowed.
    public func normalize(_ value: String) -> String? {
        switch self {
        case .collectHistory:
            switch value.lowercased() {
            case "on", "true", "yes", "1": "on"
            case "off", "false", "no", "0": "off"
            default: nil
            }
        }
    }
}

extension LibraryStore {
    public func setting(_ setting: LibrarySetting) throws -> String {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [setting.rawValue])
        } ?? setting.defaultValue
    }

    /// Stores `value` for `setting`.
    /// - Throws: `LibraryError.invalidValue` naming the setting and the value when it is not allowed.
    public func changeSetting(_ setting: LibrarySetting, to value: String) throws {
        guard let normalized = setting.normalize(value) else {
            throw LibraryError.invalidValue("\(setting.rawValue) cannot be \"\(value)\": \(setting.help)")
        }
        try pool.write { db in
            try db.execute(sql: "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [setting.rawValue, normalized])
        }
    }

    /// Whether listening history is recorded (`collect_history`).
    public func collectsHistory() throws -> Bool { try setting(.collectHistory) == "on" }

    /// Every setting with its current value.
    public func allSettings() throws -> [(LibrarySetting, String)] {
        try LibrarySetting.allCases.map { ($0, try setting($0)) }
    }
}
