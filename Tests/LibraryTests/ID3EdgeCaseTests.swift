import Foundation
import HumTestSupport
import MusicCore
import TagLibTags
import Testing

/// Hand-made ID3 tags with the quirks real files carry, each read by hum's reader and by TagLib from the
/// same file: where hum's reader answers, it must answer what TagLib does.
@Suite("hum's ID3 reader on hand-made edge cases, against TagLib")
struct ID3EdgeCaseTests {
    /// Three silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz): enough audio behind a tag.
    static let audio: [UInt8] = (0..<3).flatMap { _ in [0xFF, 0xFB, 0x90, 0x00] + [UInt8](repeating: 0, count: 413) }

    enum Text { case latin1(String), utf16(String), utf16BE(String), utf8(String), raw([UInt8]) }

    static func encode(_ text: Text) -> [UInt8] {
        switch text {
        case .latin1(let s): [0] + s.unicodeScalars.map { UInt8($0.value) }
        case .utf16(let s): [1] + utf16WithBOMs(s)
        case .utf16BE(let s): [2] + s.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case .utf8(let s): [3] + Array(s.utf8)
        case .raw(let bytes): bytes
        }
    }

    /// Little-endian UTF-16 values, each with its BOM, separated by two NULs.
    static func utf16WithBOMs(_ s: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, part) in s.split(separator: "\0", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { bytes += [0, 0] }
            bytes += [0xFF, 0xFE]
            for unit in part.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        }
        return bytes
    }

    static func frame(_ id: String, _ body: [UInt8], version: UInt8, plainSize: Bool = false) -> [UInt8] {
        let n = body.count
        let size: [UInt8] = version == 3 || plainSize
            ? [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
            : [UInt8(n >> 21 & 0x7F), UInt8(n >> 14 & 0x7F), UInt8(n >> 7 & 0x7F), UInt8(n & 0x7F)]
        return Array(id.utf8) + size + [0, 0] + body
    }

    static func tag(version: UInt8, frames: [[UInt8]], padding: Int = 64) -> [UInt8] {
        let body = frames.flatMap { $0 } + [UInt8](repeating: 0, count: padding)
        let n = body.count
        return Array("ID3".utf8) + [version, 0, 0, UInt8(n >> 21 & 0x7F), UInt8(n >> 14 & 0x7F), UInt8(n >> 7 & 0x7F), UInt8(n & 0x7F)] + body
    }

    static func id3v1(title: String, genre: UInt8, track: UInt8 = 0, year: String = "") -> [UInt8] {
        func field(_ s: String, _ n: Int) -> [UInt8] { Array((Array(s.utf8) + [UInt8](repeating: 0, count: n)).prefix(n)) }
        return Array("TAG".utf8) + field(title, 30) + field("V1 Artist", 30) + field("V1 Album", 30) + field(year, 4)
            + field("v1 comment", 28) + [0, track, genre]
    }

    static let cases: [(String, [UInt8])] = {
        var list: [(String, [UInt8])] = []
        func add(_ name: String, _ version: UInt8, _ frames: [[UInt8]], trailer: [UInt8] = []) {
            list.append((name, tag(version: version, frames: frames) + audio + trailer))
        }
        add("v2.4 UTF-8 with two artists", 4, [frame("TIT2", encode(.utf8("Café")), version: 4),
                                              frame("TPE1", encode(.utf8("A\0B")), version: 4)])
        add("v2.3 UTF-16, second value without a BOM", 3, [frame("TPE1", [1, 0xFF, 0xFE, 0x41, 0, 0, 0, 0x42, 0], version: 3)])
        add("v2.3 UTF-16 with a broken BOM", 3, [frame("TIT2", [1, 0x41, 0, 0x42, 0], version: 3)])
        add("UTF-16BE and trailing NULs", 4, [frame("TALB", encode(.utf16BE("Ωmega")) + [0, 0, 0, 0], version: 4)])
        add("invalid UTF-8", 4, [frame("TIT2", [3, 0x41, 0xC3, 0x28], version: 4), frame("TPE1", encode(.utf8("ok")), version: 4)])
        add("TXXX without description, and with description only", 4,
            [frame("TXXX", encode(.utf8("\0value")), version: 4), frame("TXXX", encode(.utf8("Lonely")), version: 4),
             frame("TXXX", encode(.latin1("MusicBrainz Album Id\0abc")), version: 4)])
        add("COMM with and without description", 3,
            [frame("COMM", [0] + Array("eng".utf8) + Array("iTunNORM\0 0000".utf8), version: 3),
             frame("COMM", [0] + Array("eng".utf8) + [0] + Array("plain".utf8), version: 3),
             frame("COMM", [0, 0x65], version: 3)])
        add("numeric and referenced genres", 4, [frame("TCON", encode(.latin1("(17)\0(13)Pop\0" + "21\0(RX)\0Rock\0(255)")), version: 4)])
        add("genre referencing a name that differs", 3, [frame("TCON", encode(.latin1("(17)Jazz")), version: 3)])
        add("v2.3 year and an ISO date with time", 3, [frame("TYER", encode(.latin1("1999")), version: 3),
                                                      frame("TDRC", encode(.latin1("2001-02-03T04:05")), version: 3)])
        add("v2.4 date with time, and a v2.3 frame in a v2.4 tag", 4,
            [frame("TDRC", encode(.latin1("2001-02-03T04:05")), version: 4), frame("TYER", encode(.latin1("1998")), version: 4)])
        add("UFID, URL and lyrics", 4,
            [frame("UFID", Array("http://musicbrainz.org\0".utf8) + Array("1234-abcd".utf8), version: 4),
             frame("UFID", Array("other\0x".utf8), version: 4), frame("WOAR", Array("http://artist.example".utf8), version: 4),
             frame("USLT", [3] + Array("eng".utf8) + Array("Verse\0la la".utf8), version: 4)])
        add("iTunes: a v2.4 frame with a plain size over 127", 4,
            [frame("TIT2", encode(.latin1(String(repeating: "x", count: 200))), version: 4, plainSize: true),
             frame("TPE1", encode(.latin1("after")), version: 4)])
        add("a frame whose size runs past the tag", 4, [frame("TPE1", encode(.latin1("artist")), version: 4),
                                                       Array("TIT2".utf8) + [0, 0, 0, 50, 0, 0, 0] + Array("Cut".utf8)])
        add("an invalid frame ID stops the frames", 4, [frame("TPE1", encode(.latin1("kept")), version: 4),
                                                       frame("tit2", encode(.latin1("lost")), version: 4)])
        add("ID3v1 fills what ID3v2 lacks", 4, [frame("TIT2", encode(.utf8("v2 title")), version: 4)],
            trailer: id3v1(title: "v1 title", genre: 17, track: 5, year: "1987"))
        add("ID3v1 with a year of junk and genre 255", 3, [frame("TALB", encode(.latin1("Album")), version: 3)],
            trailer: id3v1(title: "  padded  ", genre: 255, year: "19ab"))
        add("an empty text frame", 4, [frame("TIT2", [3], version: 4), frame("TPE1", [], version: 4)])
        return list
    }()

    @Test("Each hand-made tag reads the same through hum's reader (where it answers) and TagLib", arguments: cases.map(\.0))
    func sameAsTagLib(_ name: String) throws {
        let bytes = try #require(Self.cases.first { $0.0 == name }?.1)
        let folder = Fixtures.scratchDirectory("id3-edge")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + String(name.unicodeScalars.filter { $0.properties.isAlphabetic }.map(Character.init)) + ".mp3"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let own = ID3PropertyReader.mp3Properties(head: bytes, tail: bytes, size: Int64(bytes.count))
        let taglib = try TagLibTagReader().readTags(path: path, codec: .mpeg, audioProperties: false).properties
        let ownValues = try #require(own, "hum's reader left \(name) to TagLib").filter { !$0.value.isEmpty }
        #expect(ownValues == taglib)
    }
}
