@testable import AppRuntime
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
