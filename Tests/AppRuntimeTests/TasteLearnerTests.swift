@testable import AppRuntime
import AppCore
import Recommender
import Testing

@Suite("The background analysis's progress")
struct TasteLearnerTests {
    @Test("Progress reaches the interface once per whole percentage and at the end, not once per track")
    func progressOncePerPercent() {
        let total = 96_386
        let posted = (1...total).filter { TasteLearner.percentChanges(done: $0, total: total) }
        #expect(posted.count == 100, "posted \(posted.count) times")
        #expect(posted.last == total)
        // Each post shows a percentage the one before did not.
        let shown = posted.map { $0 * 100 / total }
        #expect(Set(shown).count == shown.count)
        // Fewer tracks than percentages: every track moves the bar.
        #expect((1...7).allSatisfy { TasteLearner.percentChanges(done: $0, total: 7) })
    }
}

@Suite("Up next in the interface")
struct UpNextTests {
    @Test("The interface's suggestions leave out the queued tracks and still fill the list, one track an artist")
    func queuedTracksAreLeftOut() {
        let tracks = (0..<40).map { (index: Int) -> CatalogTrack in
            let trait = Double(index % 7) / 7, timbre = Double(index % 5) / 5
            return CatalogTrack(id: Int64(index + 1), title: "Song \(index)", artist: "Artist \(index % 10)",
                                traits: Array(repeating: trait, count: Catalog.traitCount),
                                timbre: Array(repeating: timbre, count: Catalog.timbreCount))
        }
        let explainer = TasteExplainer(model: TasteModel(catalog: Catalog(tracks)), analysed: tracks.count)
        let all = explainer.suggestions(count: 3, after: nil, excluding: [])
        #expect(all.count == 3)
        let without = explainer.suggestions(count: 3, after: nil, excluding: Set(all))
        #expect(without.count == 3)
        #expect(Set(without).isDisjoint(with: all))
        let artists = without.map { (Int($0) - 1) % 10 }
        #expect(Set(artists).count == 3)
    }
}
