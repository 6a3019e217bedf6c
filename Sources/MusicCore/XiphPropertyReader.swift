/// The property map TagLib 1.13 gives for a FLAC, Ogg Vorbis or Opus file's Vorbis comments, computed
/// from the first bytes the scanner has already read — or nil, meaning "ask TagLib".
///
/// The companion of `ID3PropertyReader` (see there for why). It follows TagLib's own walk to the comment:
/// FLAC metadata blocks from "fLaC" to the last one (each checked as TagLib checks it), Ogg pages from the
/// first, packets reassembled across pages as `Ogg::File::packet` does (serial numbers ignored), then
/// `XiphComment::parse`: keys upper-cased (ASCII 0x20–0x7D but '='), values cut at NUL, empty values and
/// pictures left out. What lies past `head` (a comment behind a large picture) is read from the file when
/// the caller gives a `ByteReader`; anything else it cannot finish (an ID3 tag in front, a truncated file,
/// an ID3v1 tag on a FLAC file) returns nil and TagLib reads the file.
/// `LibraryTests` compares both readers on every file of the corpora and of a generated library.
public enum XiphPropertyReader {
    /// Reads `count` bytes at `offset` of the file (fewer at its end), or nil when it cannot.
    public typealias ByteReader = (_ offset: Int64, _ count: Int) -> [UInt8]?

    /// With `readMore`, an Ogg comment packet that does not end inside `head` (a large picture among the
    /// comments), or a FLAC comment block behind a large picture block, is read from the file, and a
    /// picture's bytes are skipped, never held:
    /// TagLib read such a packet whole and copied it (3.5 MiB at the peak of a 10,000-file import, for
    /// one file with a 1.4 MB picture).
    public static func properties(codec: AudioCodec, head: [UInt8], tail: [UInt8], size: Int64,
                                  readMore: ByteReader? = nil) -> [String: [String]]? {
        let view = FileBytes(head: head, size: size, readMore: readMore)
        switch codec {
        case .flac: return flacProperties(view, tail: tail)
        case .vorbis: return oggProperties(view, packet: 1, prefix: [3] + Array("vorbis".utf8), identification: nil)
        case .opus: return oggProperties(view, packet: 1, prefix: Array("OpusTags".utf8), identification: Array("OpusHead".utf8))
        default: return nil
        }
    }

    /// The file's bytes: from `head` where it holds them, else from `readMore`.
    struct FileBytes {
        var head: [UInt8]
        var size: Int64
        var readMore: ByteReader?

        /// `count` bytes at `offset` (fewer only at the end of the file): a slice of `head` when it holds
        /// them, else read; nil when they cannot be read.
        func bytes(at offset: Int, count: Int) -> ArraySlice<UInt8>? {
            guard offset >= 0, count >= 0 else { return nil }
            let available = max(0, min(count, Int(clamping: size) - offset))
            if offset + available <= head.count { return head[offset..<(offset + available)] }
            guard let readMore, let read = readMore(Int64(offset), available), read.count == available else { return nil }
            return read[...]
        }
    }

    // MARK: - FLAC

    /// The metadata blocks are walked through `file`: past the head (a large picture before the comment
    /// block) their headers and the comment block are read from the file, and pictures skipped.
    static func flacProperties(_ file: FileBytes, tail: [UInt8]) -> [String: [String]]? {
        let head = file.head, size = file.size
        guard size >= 131, tail.count >= 131, head.count >= 8,
              head[0] == 0x66, head[1] == 0x4C, head[2] == 0x61, head[3] == 0x43 else { return nil }
        // An ID3v1 tag would be merged in: TagLib's business (rare on FLAC).
        if tail[tail.count - 128] == 0x54, tail[tail.count - 127] == 0x41, tail[tail.count - 126] == 0x47 { return nil }
        var offset = 4
        var comment: ArraySlice<UInt8>?
        var first = true
        var blocks = 0
        while true {
            // Thousands of tiny blocks are no tagger's work: TagLib's business (and each costs a read here).
            blocks += 1
            guard blocks <= 4096, let header = file.bytes(at: offset, count: 4).map(Array.init), header.count == 4 else { return nil }
            let type = header[0] & 0x7F
            let isLast = header[0] & 0x80 != 0
            let length = Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
            // Where TagLib declares the file invalid (it then reads no tags at all): let it say so.
            if first && type != 0 { return nil }
            if length == 0 && type != 1 && type != 3 { return nil }
            guard Int64(offset + 4 + length) <= size else { return nil }
            if type == 4 && comment == nil {
                guard let block = file.bytes(at: offset + 4, count: length), block.count == length else { return nil }
                comment = block
            }
            first = false
            offset += 4 + length
            if isLast { break }
        }
        guard let comment else { return [:] }
        return parseComment(comment)
    }

    // MARK: - Ogg

    /// Packet `index` of the stream (TagLib's page walk), which must start with `prefix`; with
    /// `identification`, packet 0 must start with it too.
    static func oggProperties(_ file: FileBytes, packet index: Int, prefix: [UInt8], identification: [UInt8]?) -> [String: [String]]? {
        guard file.head.count >= 4, file.head[0] == 0x4F, file.head[1] == 0x67, file.head[2] == 0x67, file.head[3] == 0x53 else { return nil }
        if let identification {
            guard let first = packet(0, in: file), first.starts(with: identification) else { return nil }
        }
        guard let data = packet(index, in: file), data.starts(with: prefix) else { return nil }
        return parseComment(data.dropFirst(prefix.count))
    }

    /// One Ogg page's header as TagLib reads it.
    struct Page {
        var offset: Int
        var headerSize: Int
        var packetSizes: [Int]
        var lastPacketCompleted: Bool
        var lastOfStream: Bool
        var firstPacketIndex: Int

        var dataSize: Int { packetSizes.reduce(0, +) }
        var nextPacketIndex: Int { firstPacketIndex + packetSizes.count - (lastPacketCompleted ? 0 : 1) }
    }

    static func page(at offset: Int, in file: FileBytes, firstPacketIndex: Int) -> Page? {
        guard let header = file.bytes(at: offset, count: 27).map(Array.init), header.count == 27, header[0] == 0x4F, header[1] == 0x67,
              header[2] == 0x67, header[3] == 0x53 else { return nil }
        let segments = Int(header[26])
        guard segments >= 1, let lacings = file.bytes(at: offset + 27, count: segments), lacings.count == segments else { return nil }
        var sizes: [Int] = []
        var size = 0
        for lacing in lacings {
            size += Int(lacing)
            if lacing < 255 {
                sizes.append(size)
                size = 0
            }
        }
        let completed = size == 0
        if !completed { sizes.append(size) }
        return Page(offset: offset, headerSize: 27 + segments, packetSizes: sizes, lastPacketCompleted: completed,
                    lastOfStream: header[5] & 0x04 != 0, firstPacketIndex: firstPacketIndex)
    }

    /// TagLib's `Ogg::File::packet`: read pages until one begins past `index`, then join the packet's
    /// parts — here as where they are in the file, read when asked for (`PacketBytes`).
    static func packet(_ index: Int, in file: FileBytes) -> PacketBytes? {
        var pages: [Page] = []
        var offset = 0, packetIndex = 0
        while packetIndex <= index {
            // A page TagLib cannot read, or the end of the stream before the packet: TagLib finds no packet.
            guard let next = page(at: offset, in: file, firstPacketIndex: packetIndex), !next.lastOfStream else { return nil }
            pages.append(next)
            packetIndex = next.nextPacketIndex
            offset = next.offset + next.headerSize + next.dataSize
        }
        guard var position = pages.firstIndex(where: { index >= $0.firstPacketIndex && index < $0.firstPacketIndex + $0.packetSizes.count })
        else { return nil }
        func part(_ page: Page, _ number: Int) -> (offset: Int, count: Int)? {
            let start = page.offset + page.headerSize + page.packetSizes[..<number].reduce(0, +)
            let count = page.packetSizes[number]
            return Int64(start + count) <= file.size ? (start, count) : nil  // a short read at the end: TagLib's business
        }
        guard let first = part(pages[position], index - pages[position].firstPacketIndex) else { return nil }
        var parts = [first]
        while pages[position].nextPacketIndex <= index {
            position += 1
            guard position < pages.count, let more = part(pages[position], 0) else { return nil }
            parts.append(more)
        }
        return PacketBytes(file: file, parts: parts)
    }

    /// A packet's bytes, where they lie in the file (one part per page), read when asked for.
    struct PacketBytes {
        var file: FileBytes
        var parts: [(offset: Int, count: Int)]
        /// Bytes of the packet before `start` that are left out (a prefix already checked).
        var start = 0

        var count: Int { parts.reduce(0) { $0 + $1.count } - start }

        /// Bytes `range` of the packet (relative to `start`); nil when the file cannot give them. A range
        /// inside one part is what `FileBytes` gives (a slice of the head, not a copy, when it is there).
        func bytes(_ range: Range<Int>) -> ArraySlice<UInt8>? {
            var wanted = (range.lowerBound + start)..<(range.upperBound + start)
            var result: [UInt8] = []
            var partStart = 0
            for part in parts where !wanted.isEmpty {
                let partRange = partStart..<(partStart + part.count)
                partStart += part.count
                let overlap = wanted.clamped(to: partRange)
                guard !overlap.isEmpty else { continue }
                guard let read = file.bytes(at: part.offset + overlap.lowerBound - partRange.lowerBound, count: overlap.count),
                      read.count == overlap.count else { return nil }
                if result.isEmpty && overlap.upperBound == wanted.upperBound { return read }
                result += read
                wanted = overlap.upperBound..<wanted.upperBound
            }
            return wanted.isEmpty ? result[...] : nil
        }

        func starts(with prefix: [UInt8]) -> Bool {
            count >= prefix.count && bytes(0..<prefix.count)?.elementsEqual(prefix) == true
        }

        func dropFirst(_ count: Int) -> PacketBytes {
            var rest = self
            rest.start += count
            return rest
        }
    }

    // MARK: - Vorbis comments

    /// TagLib's `XiphComment::parse` and `properties()`, for a comment in memory (FLAC).
    static func parseComment(_ data: ArraySlice<UInt8>) -> [String: [String]]? {
        parseComment(count: data.count) { range in
            data[(data.startIndex + range.lowerBound)..<(data.startIndex + range.upperBound)]
        }
    }

    /// The same for an Ogg packet, read from the file as needed: a picture's value is never read.
    static func parseComment(_ packet: PacketBytes) -> [String: [String]]? {
        parseComment(count: packet.count, read: packet.bytes)
    }

    /// How much of a comment is read to find its key: keys are short, pictures long.
    static let keyWindow = 256

    /// TagLib's `XiphComment::parse` and `properties()` over a comment of `count` bytes, whose byte
    /// ranges `read` gives (nil when they cannot be read: TagLib's business).
    static func parseComment(count: Int, read: (Range<Int>) -> ArraySlice<UInt8>?) -> [String: [String]]? {
        guard count >= 8 else { return nil }
        func u32(_ at: Int) -> Int? {
            guard at >= 0, at + 4 <= count, let b = read(at..<(at + 4)) else { return nil }
            let i = b.startIndex
            return Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24
        }
        guard let vendorLength = u32(0) else { return nil }
        var position = 4 + vendorLength
        guard let fields = u32(position) else { return nil }
        position += 4
        var properties: [String: [String]] = [:]
        if fields > (count - 8) / 4 { return properties }
        for _ in 0..<fields {
            // A short number, or one so large that TagLib's 32-bit position would wrap: TagLib's business.
            guard let length = u32(position), length <= count else { return nil }
            let entryStart = position + 4
            position = entryStart + length
            if position > count { break }
            // The key first (it decides whether the value is wanted): the first bytes, or all of them.
            guard var entry = read(entryStart..<(entryStart + min(length, keyWindow))) else { return nil }
            var separatorAt = entry.firstIndex(of: 0x3D)
            if separatorAt == nil, length > entry.count {
                guard let whole = read(entryStart..<position) else { return nil }
                entry = whole
                separatorAt = entry.firstIndex(of: 0x3D)
            }
            guard let separator = separatorAt, separator > entry.startIndex else { continue }
            // The key as TagLib's String makes it (cut at a NUL), then its test: not empty, ASCII 0x20–0x7D
            // (a non-ASCII key fails it in TagLib too; '=' cannot occur before the first '=').
            let keyBytes = entry[entry.startIndex..<separator].prefix { $0 != 0 }
            guard !keyBytes.isEmpty, keyBytes.allSatisfy({ $0 >= 0x20 && $0 <= 0x7D }) else { continue }
            let key = String(decoding: keyBytes.map { (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
            if key == "METADATA_BLOCK_PICTURE" || key == "COVERART" { continue }
            let valueStart = separator + 1 - entry.startIndex  // where the value begins, in the entry
            if length > entry.count {
                guard let whole = read(entryStart..<position) else { return nil }
                entry = whole
            }
            let valueBytes = entry[(entry.startIndex + valueStart)...]
            guard let text = String(validating: valueBytes, as: UTF8.self) else { continue }
            let value = valueBytes.contains(0) ? String(text.unicodeScalars.prefix { $0 != "\0" }) : text
            if !value.isEmpty { properties[key, default: []].append(value) }
        }
        return properties
    }
}
