/// A path as a dictionary key, compared and hashed by its UTF-8 bytes.
///
/// Swift's `String` hashes and compares by Unicode canonical equivalence, which normalises every non-ASCII
/// path on each lookup (most of a rescan's time with 100,000 CJK or accented names), and which would
/// take two different files — "é" composed and "e" + combining accent — for the same one. File systems
/// compare bytes; so does this.
struct PathKey: Hashable {
    let bytes: [UInt8]

    init(_ path: String) { bytes = Array(path.utf8) }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
