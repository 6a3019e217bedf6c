/// What `hum remote status` prints: the player's state as `key value` lines, in the shape of
/// `cmus-remote -Q` (`status`, `file`, `duration`, `position`, `tag NAME VALUE`, `set NAME VALUE`), so
/// that status-bar scripts written for cmus read hum with their field names unchanged.
public enum RemoteStatus {
    public static func lines(_ state: AppState) -> [String] {
        var lines = ["status \(state.player.status.rawValue)"]
        if let entry = state.queue.currentEntry {
            let track = entry.track
            lines.append("file \(oneLine(track.path))")
            if let duration = state.player.duration ?? track.duration { lines.append("duration \(Int(duration.rounded()))") }
            lines.append("position \(Int(state.player.position))")
            let tags: [(String, String?)] = [
                ("title", track.title), ("artist", track.artist), ("albumartist", track.albumArtist),
                ("album", track.album), ("tracknumber", track.trackNumber.map(String.init)),
                ("discnumber", track.discNumber.map(String.init)), ("date", track.year.map(String.init)),
                ("genre", track.genre),
            ]
            for case let (name, value?) in tags where !value.isEmpty { lines.append("tag \(name) \(oneLine(value))") }
        }
        if let current = state.queue.current, !state.queue.entries.isEmpty {
            lines.append("queue \(current + 1)/\(state.queue.entries.count)")
        } else {
            lines.append("queue 0/\(state.queue.entries.count)")
        }
        lines += [
            "set volume \(state.player.volume)",
            "set repeat \(state.player.repeatAll)",
            "set repeat_current \(state.player.repeatCurrent)",
            "set continue \(state.player.continues)",
            "set shuffle \(state.player.shuffle)",
            "set smart \(state.player.smart)",
            "set replaygain \(state.player.replayGain)",
            "set private \(state.privacy.privateSession)",
            "view \(state.view.name)",
        ]
        if !state.filter.text.isEmpty { lines.append("filter \(oneLine(state.filter.text))") }
        return lines
    }

    /// What `status_program` is called with when playback changes, as cmus calls its
    /// `status_display_program`: pairs of words, `status playing file PATH title … artist … duration 60`.
    public static func programArguments(_ state: AppState) -> [String] {
        var arguments = ["status", state.player.status.rawValue]
        for line in lines(state) {
            guard let space = line.firstIndex(of: " ") else { continue }
            let key = line[..<space], value = String(line[line.index(after: space)...])
            switch key {
            case "file", "duration":
                arguments += [String(key), value]
            case "tag":
                guard let tagSpace = value.firstIndex(of: " ") else { continue }
                arguments += [String(value[..<tagSpace]), String(value[value.index(after: tagSpace)...])]
            default: continue
            }
        }
        return arguments
    }

    /// What a change worth telling `status_program` about is: the status, and which queue entry it is of
    /// (the clock moving is not one).
    public struct Moment: Equatable, Sendable {
        public var status: PlayerStatus.Status
        public var entryID: Int?
    }

    public static func moment(_ state: AppState) -> Moment {
        Moment(status: state.player.status, entryID: state.player.status == .stopped ? nil : state.queue.currentEntry?.id)
    }

    /// A tag or path on one line: a line break inside it would start a field of its own for the reader.
    static func oneLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return String(text.map { $0.isNewline ? " " : $0 })
    }
}
