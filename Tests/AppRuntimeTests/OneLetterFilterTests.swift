@testable import AppRuntime
import AppCore
import Foundation
import HumTestSupport
import MusicCore
import MusicLibrary
import Testing

@Suite("One-letter filters answered ahead")
struct OneLetterFilterTests {
    /// A library whose titles, artists, albums and genres start with letters, digits, accented and
    /// non-Latin characters, in the store's order as the interface loads it.
    static func services(_ label: String, tracks: Int = 60) throws -> (Services, LibraryIndex) {
        let folder = Fixtures.scratchDirectory(label)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try LibraryStore(path: folder + "/hum.sqlite")
        let names = ["Sigur Rós", "Émilie Simon", "sade", "Ólafur Arnalds", "2Pac", "Zoë Keating", "宇多田ヒカル", "Björk", "Ｓtar"]
        let files = (0..<tracks).map { TrackFile(path: "/music/\($0).flac", size: 1, mtimeNs: 1) }
        let metadata = files.enumerated().map { index, _ in
            TrackMetadata(contentKey: "\(index)", codec: .flac, formatName: "FLAC", duration: 200, durationExact: true,
                          sampleRate: 44100, channels: 2, bitrateKbps: 900,
                          tags: TrackTags(title: "\(names[(index + 3) % names.count]) \(index)", artists: [names[index % names.count]],
                                          album: index % 4 == 0 ? "Ágætis byrjun" : "Vespertine", genres: [index % 5 == 0 ? "Soul" : "Post-rock"]))
        }
        var movable = Set<Int64>()
        _ = try store.saveScannedFiles(Array(zip(files, metadata)), movable: &movable)
        let services = Services(store: store, post: { _ in })
        return (services, LibraryIndex(tracks: try services.loadRows()))
    }

    static func waitForPrepared(_ services: Services, number: Int) async -> Bool {
        for _ in 0..<500 {
            if services.preparedAnswer(pattern: "\"a\"*", library: number) != nil { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test("Every prepared letter gives what the search index gives, whatever the case typed")
    func preparedEqualsIndex() async throws {
        let (services, index) = try Self.services("one-letter-equal")
        services.setLibrary(index)
        #expect(await Self.waitForPrepared(services, number: 1))
        var nonEmpty = 0
        for letter in Services.preparedLetters {
            let fromIndex = try services.indexPositions(pattern: "\"\(letter)\"*", in: index)
            for typed in [String(letter), letter.uppercased()] {
                let expression = try FilterExpression.parse(typed)
                let pattern = try #require(expression.searchPattern)
                let prepared = try #require(services.preparedAnswer(pattern: pattern, library: 1))
                #expect(prepared.map { Int($0) } == fromIndex, "\(typed)")
                let answer = try services.matchingPositions(expression, in: .init(index: index, number: 1))
                #expect(answer == fromIndex, "\(typed)")
            }
            if !fromIndex.isEmpty { nonEmpty += 1 }
        }
        // Accents fold as the index folds them: "e" finds Émilie, "o" Ólafur, "a" Ágætis.
        #expect(nonEmpty >= 8)
        let e = try services.indexPositions(pattern: "\"e\"*", in: index)
        #expect(e.contains { index.tracks[$0].artist == "Émilie Simon" })
        // A filter with a field or a check the index cannot make still applies it to the prepared answer.
        let notSade = try FilterExpression.parse("s -sade")
        let answer = try services.matchingPositions(notSade, in: .init(index: index, number: 1))
        #expect(!answer.isEmpty && answer.allSatisfy { !index.tracks[$0].artist.hasPrefix("sade") })
    }

    @Test("The index's matches come back in library order, whether a few (sorted) or many (marked)")
    func indexPositionsInLibraryOrder() throws {
        let (services, index) = try Self.services("index-positions", tracks: 700)
        let few = try services.indexPositions(pattern: "\"123\"*", in: index)
        #expect(few == index.tracks.indices.filter { index.tracks[$0].title.hasSuffix(" 123") })
        // 12 and 120–129, in id order from the index, spread over artists in the library's order.
        let twelve = try services.indexPositions(pattern: "\"12\"*", in: index)
        #expect(twelve.count == 11)
        #expect(twelve == index.tracks.indices.filter { index.tracks[$0].title.split(separator: " ").last?.hasPrefix("12") == true })
        let many = try services.indexPositions(pattern: "\"sigur\"*", in: index)
        #expect(many.count > index.tracks.count / 32, "the other way")
        #expect(many == index.tracks.indices.filter { index.tracks[$0].title.hasPrefix("Sigur") || index.tracks[$0].artist.hasPrefix("Sigur") })
        let some = try services.indexPositions(pattern: "\"1\"*", in: index) // 1, 10–19, 100–199
        #expect(some == index.tracks.indices.filter {
            index.tracks[$0].title.split(separator: " ").last?.hasPrefix("1") == true
        })
    }

    @Test("Answers prepared for a library are not used once it is replaced")
    func replacedLibrary() async throws {
        let (services, index) = try Self.services("one-letter-replaced")
        services.setLibrary(index)
        #expect(await Self.waitForPrepared(services, number: 1))
        services.setLibrary(LibraryIndex(tracks: Array(index.tracks.prefix(10))), prepare: false)
        #expect(services.preparedAnswer(pattern: "\"s\"*", library: 2) == nil)
        #expect(services.preparedAnswer(pattern: "\"s\"*", library: 1) != nil, "kept only for the library it was made for")
    }

    @Test("Only a one-letter prefix of a prepared letter or digit is answered ahead")
    func whichPatterns() {
        #expect(Services.oneLetter("\"S\"*") == "s")
        #expect(Services.oneLetter("\"7\"*") == "7")
        #expect(Services.oneLetter("\"si\"*") == nil)
        #expect(Services.oneLetter("\"s\"") == nil)
        #expect(Services.oneLetter("\"é\"*") == nil)
        #expect(Services.oneLetter("\"宇\"*") == nil)
        #expect(Services.oneLetter("artist : \"s\"*") == nil)
        #expect(Services.oneLetter("\"s\"* \"a\"*") == nil)
    }
}
