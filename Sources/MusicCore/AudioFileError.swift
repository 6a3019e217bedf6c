/// What can go wrong with one audio file. Every case names the file, and `description` is the one line
/// the user sees.
public enum AudioFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is not in a format hum plays; `found` says what it is instead.
    case unsupportedFormat(path: String, found: String)
    /// The file could not be opened or read at all (missing, a directory, permission denied, I/O error).
    case unreadable(path: String, reason: String)
    /// The file looked like a format hum plays, but its data is broken.
    case corrupt(path: String, reason: String)

    public var path: String {
        switch self {
        case .unsupportedFormat(let path, _), .unreadable(let path, _), .corrupt(let path, _): path
        }
    }

    public var description: String {
        switch self {
        case .unsupportedFormat(let path, let found): "unsupported format: \(path) (\(found))"
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .corrupt(let path, let reason): "broken audio in \(path): \(reason)"
        }
    }
}
