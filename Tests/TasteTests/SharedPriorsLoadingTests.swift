import Foundation
import HumTestSupport
import MusicCore
import MusicLibrary
import Recommender
import SyncProtocol
@testable import Taste
import Testing

/// The priors document sync kept in the library becomes the taste model's shared priors: finish rate =
/// 1 − the published skip rate, for the published cells only; no document, no priors.
@Suite struct SharedPriorsLoadingTests {
    @Test func theKeptDocumentBecomesTheModelsSharedPriors() throws {
        let store = try LibraryStore(path: Fixtures.scratchDirectory("shared-priors") + "/hum.sqlite")
        #expect(try TasteService.sharedPriors(in: store) == nil)
        let document = PriorsDocument(version: 4, from: Day("2026-11-25")!, to: Day("2026-12-01")!, k: 50,
                                      skip: [SkipPrior(cell: 5, quarter: .morning, skipRate: 0.25, contributors: 80),
                                             SkipPrior(cell: 63, quarter: .night, skipRate: 0.75, contributors: 60)],
                                      like: [])
        try store.saveSharedPriors(version: 4, document: document.encoded(), at: 0)
        let loaded = try #require(try TasteService.sharedPriors(in: store))
        #expect(loaded == SharedPriors(version: 4, finishRates: [(TraitCell(index: 5), .morning, 0.75),
                                                                 (TraitCell(index: 63), .night, 0.25)]))
        // A document that does not decode is no priors, not a failure.
        try store.saveSharedPriors(version: 5, document: Data("{".utf8), at: 0)
        #expect(try TasteService.sharedPriors(in: store) == nil)
    }
}
