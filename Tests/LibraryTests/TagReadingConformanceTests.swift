import AudioFiles
import Foundation
import Glibc
import HumTestSupport
import LibraryScanning
import Mpg123Decoding
import MusicCore
import TagLibTags
import Testing

/// The scanner's short cuts must read exactly what the slow, obvious way reads: TagLib opening the file
/// itself, and libmpg123 counting an MP3's frames. Checked on every file of the hostile corpora and of a
/// generated library.
@Suite("The scanner's short cuts read what TagLib and libmpg123 read",
       .enabled(if: GeneratedLibrary.tools != nil, "../shared/tools not found"))
struct TagReadingConformanceTests {
    /// Every file of the corpora (when `HUM_CORPORA` is set) and of a generated 2,000-file library.
    static func files() async throws -> [String] {
        var folders = [try await GeneratedLibrary.make(count: 2000, seed: 7)]
        if let corpora = Repository.corpora { folders.append(corpora) }
        return folders.flatMap { folder in
            (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).map { folder + "/" + $0 }
        }.filter { path in
            var status = stat()
            return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG && !path.hasSuffix(".jsonl")
        }.sorted()
    }

    /// A file's two 64 KiB ends, as the scanner reads them (the same bytes when it is small).
    static func edges(_ path: String) throws -> (head: [UInt8], tail: [UInt8], size: Int64) {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let edge = ContentKey.edgeLength
        return (Array(data.prefix(edge)), data.count > edge ? Array(data.suffix(edge)) : Array(data.prefix(edge)), Int64(data.count))
    }

    static func codec(_ path: String) -> AudioCodec? {
        guard case .audio(let codec)? = try? FileSniffer.sniff(path: path) else { return nil }
        return codec
    }

    /// Property maps compare without keys that hold no value (the bridge does not report those).
    static func values(_ map: [String: [String]]?) -> [String: [String]]? { map?.filter { !$0.value.isEmpty } }

    @Test("TagLib reading from the scanner's buffers gives the property map TagLib gives opening the file")
    func edgesEqualFiles() async throws {
        let reader = TagLibTagReader()
        var compared = 0
        var differences: [String] = []
        for path in try await Self.files() {
            guard let codec = Self.codec(path) else { continue }
            let byPath = try? reader.readTags(path: path, codec: codec, audioProperties: false).properties
            let (head, tail, size) = try Self.edges(path)
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            defer { close(descriptor) }
            let byEdges = head.withUnsafeBytes { h in
                tail.withUnsafeBytes { t in
                    try? reader.readTags(descriptor: descriptor, size: size, head: h, tail: t, name: path, codec: codec)
                }
            }
            compared += 1
            if byEdges != byPath { differences.append("\(path): \(String(describing: byEdges)) ≠ \(String(describing: byPath))") }
        }
        #expect(compared > 2000)
        #expect(differences.isEmpty, "\(differences.count) files differ, e.g. \(differences.prefix(3))")
    }

    @Test("hum's own ID3 reader gives TagLib's property map for every MP3 it does not leave to TagLib")
    func id3ReaderEqualsTagLib() async throws {
        let reader = TagLibTagReader()
        var accepted = 0, mp3s = 0
        var differences: [String] = []
        for path in try await Self.files() where Self.codec(path) == .mpeg {
            mp3s += 1
            let (head, tail, size) = try Self.edges(path)
            guard let own = ID3PropertyReader.mp3Properties(head: head, tail: tail, size: size) else { continue }
            accepted += 1
            let taglib = try? reader.readTags(path: path, codec: .mpeg, audioProperties: false).properties
            if Self.values(own) != Self.values(taglib) {
                differences.append("\(path): \(own) ≠ \(String(describing: taglib))")
            }
        }
        #expect(differences.isEmpty, "\(differences.count) of \(accepted) files differ, e.g. \(differences.prefix(3))")
        // The reader must carry the common case, or the test proves nothing and the scan is slow.
        #expect(accepted * 10 >= mp3s * 8, "only \(accepted) of \(mp3s) MP3s read without TagLib")
    }

    @Test("hum's own Vorbis comment reader gives TagLib's property map for every FLAC, Ogg and Opus file it does not leave to TagLib")
    func xiphReaderEqualsTagLib() async throws {
        let reader = TagLibTagReader()
        var accepted = 0, files = 0
        var differences: [String] = []
        for path in try await Self.files() {
            guard let codec = Self.codec(path), [.flac, .vorbis, .opus].contains(codec) else { continue }
            files += 1
            let (head, tail, size) = try Self.edges(path)
            // Beyond the two ends, what the scanner reads too: an Ogg comment packet past the first 64 KiB.
            let handle = FileHandle(forReadingAtPath: path)
            defer { try? handle?.close() }
            guard let own = XiphPropertyReader.properties(codec: codec, head: head, tail: tail, size: size, readMore: { offset, count in
                guard let handle, (try? handle.seek(toOffset: UInt64(offset))) != nil else { return nil }
                return (try? handle.read(upToCount: count)).map { Array($0) }
            }) else { continue }
            accepted += 1
            let taglib = try? reader.readTags(path: path, codec: codec, audioProperties: false).properties
            if Self.values(own) != Self.values(taglib) {
                differences.append("\(path): \(own) ≠ \(String(describing: taglib))")
            }
        }
        #expect(differences.isEmpty, "\(differences.count) of \(accepted) files differ, e.g. \(differences.prefix(3))")
        #expect(accepted * 10 >= files * 8, "only \(accepted) of \(files) files read without TagLib")
    }

    @Test("An MP3 without an Info frame measures, from its bytes, what libmpg123's scan counts")
    func frameWalkEqualsMpg123() async throws {
        var walked = 0
        var differences: [String] = []
        for path in try await Self.files() where Self.codec(path) == .mpeg {
            let (head, _, size) = try Self.edges(path)
            guard size <= Int64(head.count) else { continue }
            var start = 0
            while start < head.count, let tag = AudioFileSniffer.id3v2TagSize(Array(head[start...].prefix(10))) { start += tag }
            guard start < head.count, ExactLength.mpegInfoFrame(Array(head[start...])) == nil,
                  let walk = ExactLength.mpegFrameWalk(head, from: start) else { continue }
            walked += 1
            guard let decoder = try? Mpg123Decoder(path: path) else {
                differences.append("\(path): libmpg123 cannot open it")
                continue
            }
            if walk.frames != decoder.frameCount || walk.sampleRate != decoder.format.sampleRate
                || walk.channels != decoder.format.channels || walk.bitrateKbps != decoder.nominalBitrateKbps {
                differences.append("\(path): \(walk) ≠ \(String(describing: decoder.frameCount)) frames, \(decoder.format), \(String(describing: decoder.nominalBitrateKbps)) kbit/s")
            }
        }
        #expect(walked >= 300, "only \(walked) files walked")
        #expect(differences.isEmpty, "\(differences.count) of \(walked) differ, e.g. \(differences.prefix(3))")
    }
}
