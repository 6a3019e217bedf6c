import Synchronization

/// What one cell shows: a grapheme cluster, held as plain bytes so that a `Cell` is a trivial value.
///
/// Why: a screen is 12,000 cells at 200×60 and every frame makes, compares and copies all of them. With
/// a `String` inside, each copy and each comparison went through Swift's reference counting (a third of
/// a keystroke's CPU in perf, though nearly every cell held a small, inline string). A glyph keeps up to
/// 15 bytes of UTF-8 in two words — every character a screen normally shows — and interns longer
/// clusters (a letter under many combining marks) in a table that lives as long as the process, so two
/// cells compare by their two words alone.
public struct Glyph: Sendable, Hashable {
    /// Bytes 0–7 of the UTF-8, little end first.
    private var low: UInt64
    /// Bytes 8–14, and in the top byte the byte count, or `interned` with the table index in `low`.
    private var high: UInt64

    private static let interned: UInt64 = 0xFF
    private static let table = Mutex(Table())

    private struct Table {
        var texts: [String] = []
        var indices: [String: UInt64] = [:]
    }

    public init(_ text: String) {
        var text = text
        self = text.utf8.count <= 15 ? text.withUTF8 { Glyph(utf8: $0) } : Glyph(interning: text)
    }

    public init(_ character: Character) { self.init(String(character)) }

    /// The cluster whose UTF-8 is `bytes` (valid UTF-8, one cluster).
    public init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count <= 15 else {
            self.init(interning: String(decoding: bytes, as: UTF8.self))
            return
        }
        var low: UInt64 = 0, high: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 { low |= UInt64(byte) << (8 * UInt64(index)) } else { high |= UInt64(byte) << (8 * UInt64(index - 8)) }
        }
        self.init(low: low, high: high | UInt64(bytes.count) << 56)
    }

    private init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// A cluster too long to keep inline, by its place in the table. (The table is keyed by String,
    /// so canonically equivalent long clusters share the first one's entry: the same on screen.)
    private init(interning text: String) {
        let index = Self.table.withLock { table -> UInt64 in
            if let known = table.indices[text] { return known }
            let index = UInt64(table.texts.count)
            table.texts.append(text)
            table.indices[text] = index
            return index
        }
        self.init(low: index, high: Self.interned << 56)
    }

    public static let space = Glyph(" ")
    /// What the right half of a two-column character holds.
    public static let empty = Glyph("")

    /// The cluster as a string.
    public var string: String {
        let count = Int(high >> 56)
        if UInt64(count) == Self.interned { return Self.table.withLock { $0.texts[Int(low)] } }
        return String(unsafeUninitializedCapacity: count) { buffer in
            for index in 0..<count {
                buffer[index] = UInt8(truncatingIfNeeded: index < 8 ? low >> (8 * UInt64(index)) : high >> (8 * UInt64(index - 8)))
            }
            return count
        }
    }

    /// Whether the glyph shows nothing (the right half of a wide character).
    public var isEmpty: Bool { high >> 56 == 0 }

    /// Calls `body` with each Unicode scalar of the cluster, in order: what a terminal is given.
    public func forEachScalar(_ body: (Unicode.Scalar) -> Void) {
        // One byte is one ASCII scalar; anything else (inline or interned) through its string.
        if high >> 56 == 1 {
            body(Unicode.Scalar(UInt8(truncatingIfNeeded: low)))
        } else {
            string.unicodeScalars.forEach(body)
        }
    }
}
