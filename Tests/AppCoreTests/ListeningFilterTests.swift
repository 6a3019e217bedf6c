import Testing
@testable import AppCore

/// Filter terms on the listening log: plays, skips, the last listen's age, likes and dislikes.
@Suite("Filters on the listening log: plays:, skips:, played:, liked:, disliked:")
struct ListeningFilterTests {
    static let day = 86_400.0
    static let now = 1_800_000_000.0
    static let rows = (1...5).map { TrackRow(id: Int64($0), path: "/m/\($0).flac", title: "T\($0)", artist: "A", album: "B") }
    /// T1 a favourite (12 plays, liked, heard yesterday); T2 skipped a lot, disliked, 200 days ago; T3 heard
    /// once, 40 days ago; T4 liked but never heard; T5 nothing at all.
    static let facts = ListeningFacts(byTrack: [
        1: .init(plays: 12, skips: 1, lastPlayedAt: now - day, opinion: 1),
        2: .init(plays: 0, skips: 6, lastPlayedAt: now - 200 * day, opinion: -1),
        3: .init(plays: 1, skips: 0, lastPlayedAt: now - 40 * day),
        4: .init(opinion: 1),
    ], now: now)

    func titles(_ text: String, _ facts: ListeningFacts = Self.facts) throws -> [String] {
        let expression = try FilterExpression.parse(text)
        return Self.rows.filter { expression.matches($0, listening: facts) }.map(\.title)
    }

    @Test("plays and skips compare like numbers; a track never heard has 0 of each")
    func counts() throws {
        #expect(try titles("plays:>5") == ["T1"])
        #expect(try titles("plays:0") == ["T2", "T4", "T5"])
        #expect(try titles("plays:1..20") == ["T1", "T3"])
        #expect(try titles("skips:>=3") == ["T2"])
        #expect(try titles("-skips:0") == ["T1", "T2"])
    }

    @Test("played: an age (h, d, w, m, y; a bare number in days); alone it means within; never heard never matches")
    func played() throws {
        #expect(try titles("played:<30d") == ["T1"])
        #expect(try titles("played:30d") == ["T1"], "an age alone is within")
        #expect(try titles("played:2m") == ["T1", "T3"])
        #expect(try titles("played:>90d") == ["T2"])
        #expect(try titles("played:>6m") == ["T2"])
        #expect(try titles("played:<1y") == ["T1", "T2", "T3"])
        #expect(try titles("played:1w..2m") == ["T3"])
        #expect(try titles("played:<36h") == ["T1"])
        #expect(try titles("played:<45") == ["T1", "T3"])
        #expect(try titles("-played:<30d") == ["T2", "T3", "T4", "T5"], "not heard lately, never heard included")
        #expect(throws: FilterError.self) { try FilterExpression.parse("played:soon") }
        do {
            _ = try FilterExpression.parse("played:<3x")
            Issue.record("played:<3x parsed")
        } catch {
            #expect(error.message == "bad value for played: <3x (an age: 12h, 30d, 2w, 6m, 1y)")
        }
    }

    @Test("liked and disliked are yes or no; they combine with the other terms")
    func opinions() throws {
        #expect(try titles("liked:yes") == ["T1", "T4"])
        #expect(try titles("liked:no") == ["T2", "T3", "T5"])
        #expect(try titles("disliked:yes") == ["T2"])
        #expect(try titles("disliked:no plays:0") == ["T4", "T5"])
        #expect(try titles("liked:true played:>30d") == [])
        #expect(try titles("-disliked:1 skips:0") == ["T3", "T4", "T5"])
        do {
            _ = try FilterExpression.parse("liked:maybe")
            Issue.record("liked:maybe parsed")
        } catch {
            #expect(error.message == "liked is yes or no, like liked:yes (not maybe)")
        }
    }

    @Test("Only terms on the log read it: they are checked row by row, and the text terms still go to the index")
    func whatReadsTheLog() throws {
        #expect(try FilterExpression.parse("plays:>5").readsListening)
        #expect(try FilterExpression.parse("björk liked:yes").readsListening)
        #expect(try !FilterExpression.parse("björk year:>1990").readsListening)
        let mixed = try FilterExpression.parse("björk plays:>1")
        #expect(mixed.searchPattern == "\"björk\"*" && mixed.needsRowCheck)
        #expect(try titles("plays:>5", .none) == [], "without the log's numbers nothing has been played")
    }

    @Test("A smart playlist on the log follows it: resolved again when the numbers come")
    func smartPlaylistFollowsTheLog() throws {
        var state = AppState(rows: 24, columns: 80)
        _ = state.handle(.libraryLoaded(Self.rows))
        _ = state.handle(.playlistsLoaded([PlaylistEntry(name: "Favourites", trackIDs: [], filter: "plays:>5 liked:yes")]))
        #expect(state.playlistsView.playlists[0].trackIDs == [])
        _ = state.handle(.listeningLoaded(Self.facts))
        #expect(state.playlistsView.playlists[0].trackIDs == [1])
        var later = Self.facts
        later.byTrack[4] = .init(plays: 6, lastPlayedAt: Self.now, opinion: 1)
        _ = state.handle(.listeningLoaded(later))
        #expect(state.playlistsView.playlists[0].trackIDs == [1, 4])
    }

    @Test("A live filter on the log is run again when the numbers change; one on tags is not")
    func liveFilterFollowsTheLog() throws {
        var state = AppState(rows: 24, columns: 80)
        _ = state.handle(.libraryLoaded(Self.rows))
        state.filter.text = "plays:>5"
        let rerun = state.handle(.listeningLoaded(Self.facts))
        #expect(rerun.contains { if case .runFilter = $0 { true } else { false } }, "\(rerun)")
        state.filter.text = "year:>1990"
        let untouched = state.handle(.listeningLoaded(Self.facts))
        #expect(!untouched.contains { if case .runFilter = $0 { true } else { false } }, "\(untouched)")
    }
}
