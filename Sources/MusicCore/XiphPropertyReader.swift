/// The property map TagLib 1.13 gives for a FLAC, Ogg Vorbis or Opus file's Vorbis comments, computed
/// from the first bytes the scanner has already read — or nil, meaning "ask TagLib".
///
/// The companion of `ID3PropertyReader` (see there for why). It follows TagLib's own walk to the comment:
/// FLAC metadata blocks from "fLaC" to the last one (each checked as TagLib checks it), Ogg pages from the
/// first, packets reassembled across pages as `Ogg::File::packet` does (serial numbers ignored), then
/// `XiphComment::parse`: keys upper-cased (ASCII 0x20–0x7D but '='), values cut at NUL, empty values and
/// pictures left out. Anything it cannot finish inside `head` (comments behind a large picture, an ID3 tag
/// in front, a truncated file, an ID3v1 tag on a FLAC file) returns nil and TagLib reads the file.
/// `LibraryTests` compares both readers on every file of the corpora and of a generated library.
public enum XiphPropertyReader {
    public static func properties(codec: AudioCodec, head: [UInt8], tail: [UInt8], size: Int64) -> [String: [String]]? {
        switch codec {
        case .flac: flacProperties(head: head, tail: tail, size: size)
        case .vorbis: oggProperties(head, packet: 1, prefix: [3] + Array("vorbis".utf8), identification: nil)
        case .opus: oggProperties(head, packet: 1, prefix: Array("OpusTags".utf8), identification: Array("OpusHead".utf8))
        default: nil
        }
    }

    // MARK: - FLAC

    static func flacProperties(head: [UInt8], tail: [UInt8], size: Int64) -> [String: [String]]? {
        guard size >= 131, tail.count >= 131, head.count >= 8,
              head[0] == 0x66, head[1] == 0x4C, head[2] == 0x61, head[3] == 0x43 else { return nil }
        // An ID3v1 tag would be merged in: TagLib's business (rare on FLAC).
        if tail[tail.count - 128] == 0x54, tail[tail.count - 127] == 0x41, tail[tail.count - 126] == 0x47 { return nil }
        var offset = 4
        var comment: ArraySlice<UInt8>?
        var first = true
        while true {
            guard offset + 4 <= head.count else { return nil }
            let type = head[offset] & 0x7F
            let isLast = head[offset] & 0x80 != 0
            let length = Int(head[offset + 1]) << 16 | Int(head[offset + 2]) << 8 | Int(head[offset + 3])
            // Where TagLib declares the file invalid (it then reads no tags at all): let it say so.
            if first && type != 0 { return nil }
            if length == 0 && type != 1 && type != 3 { return nil }
            guard Int64(offset + 4 + length) <= size else { return nil }
            if type == 4 && comment == nil {
                guard offset + 4 + length <= head.count else { return nil }
                comment = head[(offset + 4)..<(offset + 4 + length)]
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
    static func oggProperties(_ bytes: [UInt8], packet index: Int, prefix: [UInt8], identification: [UInt8]?) -> [String: [String]]? {
        guard bytes.count >= 4, bytes[0] == 0x4F, bytes[1] == 0x67, bytes[2] == 0x67, bytes[3] == 0x53 else { return nil }
        if let identification {
            guard let first = packet(0, in: bytes), first.starts(with: identification) else { return nil }
        }
        guard let data = packet(index, in: bytes), data.starts(with: prefix) else { return nil }
        return parseComment(data[(data.startIndex + prefix.count)...])
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

    static func page(at offset: Int, in bytes: [UInt8], firstPacketIndex: Int) -> Page? {
        guard offset + 27 <= bytes.count, bytes[offset] == 0x4F, bytes[offset + 1] == 0x67, bytes[offset + 2] == 0x67,
              bytes[offset + 3] == 0x53 else { return nil }
        let segments = Int(bytes[offset + 26])
        guard segments >= 1, offset + 27 + segments <= bytes.count else { return nil }
        var sizes: [Int] = []
        var size = 0
        for lacing in bytes[(offset + 27)..<(offset + 27 + segments)] {
            size += Int(lacing)
            if lacing < 255 {
                sizes.append(size)
                size = 0
            }
        }
        let completed = size == 0
        if !completed { sizes.append(size) }
        return Page(offset: offset, headerSize: 27 + segments, packetSizes: sizes, lastPacketCompleted: completed,
                    lastOfStream: bytes[offset + 5] & 0x04 != 0, firstPacketIndex: firstPacketIndex)
    }

    /// TagLib's `Ogg::File::packet`: read pages until one begins past `index`, then join the packet's parts.
    static func packet(_ index: Int, in bytes: [UInt8]) -> ArraySlice<UInt8>? {
        var pages: [Page] = []
        var offset = 0, packetIndex = 0
        while packetIndex <= index {
            // A page TagLib cannot read, or the end of the stream before the packet: TagLib finds no packet.
            guard let next = page(at: offset, in: bytes, firstPacketIndex: packetIndex), !next.lastOfStream else { return nil }
            pages.append(next)
            packetIndex = next.nextPacketIndex
            offset = next.offset + next.headerSize + next.dataSize
        }
        guard var position = pages.firstIndex(where: { index >= $0.firstPacketIndex && index < $0.firstPacketIndex + $0.packetSizes.count })
        else { return nil }
        func part(_ page: Page, _ number: Int) -> ArraySlice<UInt8>? {
            let start = page.offset + page.headerSize + page.packetSizes[..<number].reduce(0, +)
            let end = start + page.packetSizes[number]
            return end <= bytes.count ? bytes[start..<end] : nil  // a short read at the end: TagLib's business
        }
        guard var data = part(pages[position], index - pages[position].firstPacketIndex) else { return nil }
        while pages[position].nextPacketIndex <= index {
            position += 1
            guard position < pages.count, let more = part(pages[position], 0) else { return nil }
            data = ArraySlice(Array(data) + more)
        }
        return data
    }

    // MARK: - Vorbis comments

    /// TagLib's `XiphComment::parse` and `properties()`.
    static func parseComment(_ data: ArraySlice<UInt8>) -> [String: [String]]? {
        guard data.count >= 8 else { return nil }
        func u32(_ at: Int) -> Int? {
            guard at >= data.startIndex, at + 4 <= data.endIndex else { return nil }
            return Int(data[at]) | Int(data[at + 1]) << 8 | Int(data[at + 2]) << 16 | Int(data[at + 3]) << 24
        }
        guard let vendorLength = u32(data.startIndex) else { return nil }
        var position = data.startIndex + 4 + vendorLength
        guard let fields = u32(position) else { return nil }
        position += 4
        var properties: [String: [String]] = [:]
        if fields > (data.count - 8) / 4 { return properties }
        for _ in 0..<fields {
            // A short number, or one so large that TagLib's 32-bit position would wrap: TagLib's business.
            guard let length = u32(position), length <= data.count else { return nil }
            position += 4
            let entry = data[position..<min(position + length, data.endIndex)]
            position += length
            if position > data.endIndex { break }
            guard let separator = entry.firstIndex(of: 0x3D), separator > entry.startIndex else { continue }
            // The key as TagLib's String makes it (cut at a NUL), then its test: not empty, ASCII 0x20–0x7D
            // (a non-ASCII key fails it in TagLib too; '=' cannot occur before the first '=').
            let keyBytes = entry[entry.startIndex..<separator].prefix { $0 != 0 }
            guard !keyBytes.isEmpty, keyBytes.allSatisfy({ $0 >= 0x20 && $0 <= 0x7D }) else { continue }
            let key = String(decoding: keyBytes.map { (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
            if key == "METADATA_BLOCK_PICTURE" || key == "COVERART" { continue }
            let valueBytes = entry[(separator + 1)...]
            guard let text = String(validating: valueBytes, as: UTF8.self) else { continue }
            let value = valueBytes.contains(0) ? String(text.unicodeScalars.prefix { $0 != "\0" }) : text
            if !value.isEmpty { properties[key, default: []].append(value) }
        }
        return properties
    }
}
