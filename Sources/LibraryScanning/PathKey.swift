import Glibc

/// A path as a dictionary key, compared and hashed by its UTF-8 bytes.
///
/// Swift's `String` hashes and compares by Unicode canonical equivalence, which normalises every non-ASCII
/// path on each lookup (most of a rescan's time with 100,000 CJK or accented names), and which would
/// take two different files — "é" composed and "e" + combining accent — for the same one. File systems
/// compare bytes; so does this. It holds the path itself, not a copy of its bytes: a scan keeps a key
/// for every file it walks (copies cost 25 MiB for 100,000 files).
struct PathKey: Hashable {
    let path: String

    init(_ path: String) { self.path = path }

    static func == (a: PathKey, b: PathKey) -> Bool {
        var left = a.path, right = b.path
        return left.withUTF8 { l in
            right.withUTF8 { r in l.count == r.count && (l.isEmpty || memcmp(l.baseAddress!, r.baseAddress!, l.count) == 0) }
        }
    }

    func hash(into hasher: inout Hasher) {
        var text = path
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
