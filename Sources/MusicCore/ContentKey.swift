/// Identifies a file's content wherever it moves: its size and a hash of its first and last 64 KiB.
///
/// Reading 128 KiB instead of the whole file keeps a 100,000-file scan fast, and the ends of an audio file
/// (tags and the first frames, the last frames and trailing tags) tell different files apart in practice.
/// A file whose tags are rewritten in place gets a new key: it is found as changed at the same path, so it
/// keeps its history, but a file both moved and retagged between two scans starts afresh.
public enum ContentKey {
    /// How much of each end is hashed.
    public static let edgeLength = 64 * 1024

    /// The key of a file of `size` bytes whose first bytes are `head` and last bytes `tail` (each up to
    /// `edgeLength`; a small file's head and tail overlap or are the same bytes).
    public static func make(size: Int64, head: UnsafeRawBufferPointer, tail: UnsafeRawBufferPointer) -> String {
        let h1 = hash(head, seed: 0x9E37_79B9_7F4A_7C15)
        let h2 = hash(tail, seed: h1)
        return "\(size)-" + hex(h1) + hex(h2)
    }

    /// A fast 64-bit hash (multiply-and-fold of 8-byte words, the same idea as wyhash). Stable across
    /// versions and machines: it is stored in the library.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let p0: UInt64 = 0xA076_1D64_78BD_642F, p1: UInt64 = 0xE703_7ED1_A0B4_28DB
        var state = seed ^ p0
        var index = 0
        let count = bytes.count
        while index + 16 <= count {
            let a = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let b = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self))
            state = fold(a ^ p1, b ^ state)
            index += 16
        }
        var last: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            last |= UInt64(bytes[index]) << shift
            shift += 8
            if shift == 64 {
                state = fold(last ^ p1, state)
                last = 0
                shift = 0
            }
            index += 1
        }
        return fold(last ^ p1 ^ UInt64(count), state ^ p0)
    }

    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    private static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
