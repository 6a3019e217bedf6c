import Foundation
import MusicCore
import Testing
@testable import Recommender

/// A library of `artists` artists with `perArtist` tracks each, whose traits spread over 0…1 by a seeded
/// generator; artist `a`'s tracks lean towards energy a/artists so artists and traits are related, as in life.
func makeCatalog(artists: Int = 20, perArtist: Int = 10, seed: UInt64 = 1) -> Catalog {
    var random = SeededRandom(seed: seed)
    var tracks: [CatalogTrack] = []
    for artist in 0..<artists {
        for number in 0..<perArtist {
            let lean = Double(artist) / Double(max(artists - 1, 1))
            let traits = [min(max(lean + Double.random(in: -0.3...0.3, using: &random), 0), 1)]
                + (0..<5).map { _ in Double.random(in: 0...1, using: &random) }
            let timbre = (0..<13).map { _ in Double.random(in: -1...1, using: &random) }
            tracks.append(CatalogTrack(id: Int64(artist * 1000 + number + 1), title: "Song \(number)",
                                       artist: "Artist \(artist)", album: "Album \(artist)",
                                       genre: artist % 2 == 0 ? "Jazz" : "Rock", traits: traits, timbre: timbre))
        }
    }
    return Catalog(tracks)
}

let monday9am = ListeningContext(at: 1_795_000_000, localHour: 9, weekday: 1)

@Suite struct TasteModelTests {
    @Test func scoreIsTheBaselinePlusTheContributionsForEveryTrackAndState() {
        let catalog = makeCatalog()
        var model = TasteModel(catalog: catalog)
        var random = SeededRandom(seed: 9)
        var at = monday9am.at
        var previous: Int64?
        for step in 0..<300 {
            let context = ListeningContext(at: at, localHour: (step / 7) % 24, weekday: step % 7 + 1,
                                           previousTrackID: previous)
            if step % 30 == 0 {
                // Check every track in this state: the sum the ranking uses equals the explanation's.
                var values = [Double](repeating: 0, count: TasteFeature.count)
                let lookups = model.lookups(for: context)
                let weights = model.currentWeights
                for position in 0..<catalog.count {
                    model.featureValues(at: position, lookups: lookups, into: &values)
                    let ranked = TasteModel.score(values, weights: weights, bias: model.state.bias)
                    // The ranking's running sum, which never writes the values down, is the same sum.
                    let running = weights.withUnsafeBufferPointer { weights in
                        model.score(at: position, lookups: lookups, weights: weights, bias: model.state.bias)
                    }
                    #expect(abs(running - ranked) < 1e-9)
                    let explanation = model.explain(trackID: catalog.tracks[position].id, context: context)!
                    let sum = explanation.reasons.reduce(explanation.baseline) { $0 + $1.contribution }
                    #expect(abs(sum - ranked) < 1e-9)
                    #expect(abs(explanation.score - ranked) < 1e-9)
                }
            }
            let pick = model.pick(mode: .smart, context: context, using: &random)!
            // A Thompson pick's explanation includes the exploration share, and still adds up exactly.
            let values = pickValues(model, pick, context)
            let (weights, bias) = (model.currentWeights, model.state.bias)
            let exploration = pick.explanation.reasons.first { $0.feature == TasteModel.explorationFeature }?.contribution ?? 0
            #expect(abs(TasteModel.score(values, weights: weights, bias: bias) + exploration - pick.explanation.score) < 1e-9)
            let kinds: [Feedback.Kind] = [.complete, .skip, .earlySkip, .like, .complete, .dislike, .moreLikeThis,
                                          .lessLikeThis, .notAtThisHour, .partial, .unlike]
            model.learn(Feedback(trackID: pick.trackID, kind: kinds.randomElement(using: &random)!, context: context))
            previous = pick.trackID
            at += 200
        }
    }

    @Test func aPickWithoutExplorationIsTheBestScoringTrackThatKeepsTheRules() throws {
        // The ranking scores with a running sum and skips what cannot win; the pick must be the track that
        // scoring every value written down would choose, wherever it lies in the pool.
        let catalog = makeCatalog(artists: 40, perArtist: 50, seed: 5)
        var model = TasteModel(catalog: catalog)
        var random = SeededRandom(seed: 6)
        var at = monday9am.at
        for step in 0..<40 {
            let context = ListeningContext(at: at, localHour: 20, weekday: 6)
            let track = catalog.tracks[Int.random(in: 0..<catalog.count, using: &random)]
            model.learn(Feedback(trackID: track.id, kind: step % 3 == 0 ? .skip : .complete, context: context))
            at += 240
        }
        let context = ListeningContext(at: at, localHour: 20, weekday: 6)
        let rules = PickRules(artistGap: 3, repeatHours: 12, exploration: 0)
        let lookups = model.lookups(for: context)
        let recent = Set(lookups.recentArtists.suffix(2))
        var values = [Double](repeating: 0, count: TasteFeature.count)
        var best: (position: Int, score: Double)?
        for position in 0..<catalog.count {
            let facts = lookups.facts(position)
            guard facts.opinion != -1, at - facts.lastHeardAt >= 12 * 3600,
                  !recent.contains(catalog.artistOf[position]) else { continue }
            model.featureValues(at: position, lookups: lookups, into: &values)
            let score = TasteModel.score(values, weights: model.currentWeights, bias: model.state.bias)
            if best == nil || score > best!.score { best = (position, score) }
        }
        let pick = model.pick(mode: .smart, context: context, rules: rules, using: &random)
        #expect(pick?.position == best?.position)
        // The same pool with the best track first and last.
        let bestPosition = try #require(best?.position)
        let others = (0..<catalog.count).filter { $0 != bestPosition }
        for pool in [[bestPosition] + others, others + [bestPosition]] {
            let pick = model.pick(mode: .smart, context: context, candidates: pool, rules: rules, using: &random)
            #expect(pick?.position == bestPosition)
        }
    }

    @Test func upNextIsTheBestScoringTrackOfEachOfTheBestArtistsNoneDislikedOrJustHeard() throws {
        // The reference: score every track written down, sort, take the first of each artist in turn.
        let catalog = makeCatalog(artists: 30, perArtist: 20, seed: 8)
        var model = TasteModel(catalog: catalog)
        var random = SeededRandom(seed: 4)
        var at = monday9am.at
        for step in 0..<60 {
            let context = ListeningContext(at: at, localHour: 21, weekday: 5)
            let track = catalog.tracks[Int.random(in: 0..<catalog.count, using: &random)]
            let kinds: [Feedback.Kind] = [.complete, .like, .skip, .dislike]
            model.learn(Feedback(trackID: track.id, kind: kinds[step % kinds.count], context: context))
            at += 240
        }
        let context = ListeningContext(at: at, localHour: 21, weekday: 5)
        let lookups = model.lookups(for: context)
        var values = [Double](repeating: 0, count: TasteFeature.count)
        var scored: [(position: Int, score: Double)] = []
        for position in 0..<catalog.count {
            let facts = lookups.facts(position)
            guard facts.opinion != -1, at - facts.lastHeardAt >= 12 * 3600 else { continue }
            model.featureValues(at: position, lookups: lookups, into: &values)
            scored.append((position, TasteModel.score(values, weights: model.currentWeights, bias: model.state.bias)))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.position < $1.position }
        var artists = Set<Int32>(), expected: [Int] = []
        for (position, _) in scored where expected.count < 7 && artists.insert(catalog.artistOf[position]).inserted {
            expected.append(position)
        }
        let suggestions = model.suggestions(count: 7, context: context)
        #expect(suggestions.map(\.position) == expected)
        #expect(Set(suggestions.map { catalog.artistOf[$0.position] }).count == 7, "one track an artist")
        // Heard and disliked tracks (60 listens above) are never suggested.
        let excluded = Set(scored.map(\.position))
        #expect(suggestions.allSatisfy { excluded.contains($0.position) })
        #expect(excluded.count < catalog.count, "the history excluded some tracks")
        // Among candidates only, the same rule.
        let pool = Array(stride(from: 0, to: catalog.count, by: 3))
        let inPool = model.suggestions(count: 3, context: context, candidates: pool).map(\.position)
        var poolArtists = Set<Int32>(), poolExpected: [Int] = []
        for (position, _) in scored where position % 3 == 0 && poolExpected.count < 3
            && poolArtists.insert(catalog.artistOf[position]).inserted {
            poolExpected.append(position)
        }
        #expect(inPool == poolExpected)
    }

    private func pickValues(_ model: TasteModel, _ pick: Pick, _ context: ListeningContext) -> [Double] {
        var values = [Double](repeating: 0, count: TasteFeature.count)
        model.featureValues(at: pick.position, context: context, into: &values)
        return values
    }

    @Test func aDislikedTrackIsNeverPickedInAnyMode() {
        let catalog = Catalog(Array(makeCatalog(artists: 2, perArtist: 2).tracks))
        var model = TasteModel(catalog: catalog)
        for track in catalog.tracks.dropFirst() {
            model.learn(Feedback(trackID: track.id, kind: .dislike, context: monday9am))
        }
        var random = SeededRandom(seed: 3)
        for mode in [PickMode.smart, .shuffle] {
            for _ in 0..<50 {
                #expect(model.pick(mode: mode, context: monday9am, using: &random)?.trackID == catalog.tracks[0].id)
            }
        }
        model.learn(Feedback(trackID: catalog.tracks[0].id, kind: .dislike, context: monday9am))
        #expect(model.pick(mode: .smart, context: monday9am, using: &random) == nil)
    }

    @Test func noArtistTwiceWithinTheGapAndNoRepeatWithinTheWindow() {
        let catalog = makeCatalog(artists: 6, perArtist: 5)
        var model = TasteModel(catalog: catalog)
        var random = SeededRandom(seed: 4)
        var artists: [String] = []
        var heard: [Int64: Double] = [:]
        var at = monday9am.at
        for _ in 0..<20 {
            let context = ListeningContext(at: at, localHour: 9, weekday: 1)
            let pick = model.pick(mode: .smart, context: context, rules: PickRules(artistGap: 3, repeatHours: 12),
                                  using: &random)!
            let artist = catalog.tracks[pick.position].artist
            #expect(!artists.suffix(2).contains(artist), "artist \(artist) again within 3 tracks")
            if let last = heard[pick.trackID] { #expect(at - last >= 12 * 3600) }
            artists.append(artist)
            heard[pick.trackID] = at
            model.learn(Feedback(trackID: pick.trackID, kind: .complete, context: context))
            at += 240
        }
    }

    @Test func skipsTeachTheTraitTheListenerAvoidsAndTheWhySaysSo() {
        let catalog = makeCatalog(artists: 50, perArtist: 20)
        var model = TasteModel(catalog: catalog)
        var random = SeededRandom(seed: 5)
        var at = monday9am.at
        // A listener who skips every energetic track (energy above the middle) and finishes the rest.
        var skipsLate = 0
        for step in 0..<200 {
            let context = ListeningContext(at: at, localHour: 9, weekday: 1)
            let pick = model.pick(mode: .smart, context: context, using: &random)!
            let energetic = catalog.tracks[pick.position].traits![0] > 0.5
            if step >= 100, energetic { skipsLate += 1 }
            model.learn(Feedback(trackID: pick.trackID, kind: energetic ? .earlySkip : .complete, context: context))
            at += 240
        }
        print("energetic picks among the last 100:", skipsLate, "energy weight", model.weight(of: .trait(.energy)))
        #expect(skipsLate < 20, "smart picks kept choosing what the listener skips: \(skipsLate) of 100")
        #expect(model.weight(of: .trait(.energy)) < -0.5)
        // For an energetic track, the strongest trait reason is energy, and it is negative.
        let loud = catalog.tracks.max { $0.traits![0] < $1.traits![0] }!
        let why = model.explain(trackID: loud.id, context: ListeningContext(at: at, localHour: 9, weekday: 1))!
        let energyReason = why.reasons.first { $0.feature == "energy" }!
        #expect(energyReason.contribution < 0)
        #expect(energyReason.text.contains("energetic"))
    }

    @Test func notAtThisHourChangesTheNextWhyForThatPartOfTheDayOnly() {
        let catalog = makeCatalog()
        var model = TasteModel(catalog: catalog)
        let track = catalog.tracks[42]
        let evening = ListeningContext(at: monday9am.at, localHour: 21, weekday: 1)
        let before = model.explain(trackID: track.id, context: evening)!
        model.learn(Feedback(trackID: track.id, kind: .notAtThisHour, context: evening))
        let after = model.explain(trackID: track.id, context: evening)!
        #expect(after.score < before.score - 2)
        #expect(after.reasons.first?.feature == "not_at_this_hour")
        #expect(after.reasons.first?.text.contains("in the evening") == true)
        let morning = model.explain(trackID: track.id, context: monday9am)!
        #expect(!morning.reasons.contains { $0.feature == "not_at_this_hour" })
    }

    @Test func artistEvidenceCountsTheMonthsListens() {
        let catalog = makeCatalog(artists: 3, perArtist: 12)
        var model = TasteModel(catalog: catalog)
        let tracks = catalog.tracks.filter { $0.artist == "Artist 1" }
        for (index, track) in tracks.enumerated() {
            let context = ListeningContext(at: monday9am.at + Double(index) * 300, localHour: 9, weekday: 1)
            model.learn(Feedback(trackID: track.id, kind: index == 0 ? .skip : .complete, context: context))
        }
        let later = ListeningContext(at: monday9am.at + 86_400, localHour: 9, weekday: 2)
        let why = model.explain(trackID: tracks[3].id, context: later)!
        let artist = why.reasons.first { $0.feature == "artist_affinity" }!
        #expect(artist.contribution > 0)
        #expect(artist.text == "You finished 11 of 12 Artist 1 tracks this month")
        #expect(why.reasons.contains { $0.feature == "recency" && $0.text == "Not heard for 1 day" })
    }

    @Test func theStateSurvivesJSONAndAResetForgetsEverything() throws {
        let catalog = makeCatalog()
        var model = TasteModel(catalog: catalog)
        for track in catalog.tracks.prefix(30) {
            model.learn(Feedback(trackID: track.id, kind: track.id % 3 == 0 ? .skip : .complete, context: monday9am))
        }
        // A fresh state (nothing heard yet) is stored too: `hum taste reset` writes one.
        #expect(try JSONDecoder().decode(TasteState.self, from: JSONEncoder().encode(TasteState())) == TasteState())
        let data = try JSONEncoder().encode(model.state)
        let restored = TasteModel(catalog: catalog, state: try JSONDecoder().decode(TasteState.self, from: data))
        #expect(restored.state == model.state)
        let id = catalog.tracks[5].id
        #expect(restored.explain(trackID: id, context: monday9am) == model.explain(trackID: id, context: monday9am))
        var old = model.state
        old.version = 0
        #expect(TasteModel(catalog: catalog, state: old).state == TasteState())
    }

    @Test func radioPrefersTracksLikeTheSeed() {
        let catalog = makeCatalog(artists: 20, perArtist: 10)
        let model = TasteModel(catalog: catalog)
        let seedPosition = catalog.tracks.firstIndex { $0.traits![0] > 0.9 }!
        let seed = RadioSeed(name: "a loud song", positions: [seedPosition], catalog: catalog)!
        var random = SeededRandom(seed: 8)
        var energies: [Double] = []
        for _ in 0..<30 {
            let pick = model.pick(mode: .radio(seed), context: monday9am, rules: PickRules(exploration: 0), using: &random)!
            energies.append(catalog.tracks[pick.position].traits![0])
            #expect(pick.explanation.reasons.first?.feature == "seed_similarity")
        }
        #expect(energies.reduce(0, +) / Double(energies.count) > 0.7)
    }

    @Test func theSessionPositionCountsListensUntilHalfAnHourOfSilence() {
        let catalog = makeCatalog()
        var model = TasteModel(catalog: catalog)
        for (index, track) in catalog.tracks.prefix(5).enumerated() {
            model.learn(Feedback(trackID: track.id, kind: .complete,
                                 context: ListeningContext(at: monday9am.at + Double(index) * 200, localHour: 9, weekday: 1)))
        }
        #expect(model.sessionPosition(at: monday9am.at + 1000) == 5)
        #expect(model.sessionPosition(at: monday9am.at + 800 + 31 * 60) == 0)
        let later = ListeningContext(at: monday9am.at + 1000, localHour: 9, weekday: 1)
        let why = model.explain(trackID: catalog.tracks[50].id, context: later)!
        var values = [Double](repeating: 0, count: TasteFeature.count)
        model.featureValues(at: 50, context: later, into: &values)
        #expect(abs(values[TasteFeature.sessionEnergy.index] - values[TasteFeature.trait(.energy).index] * 5 / 20) < 1e-12)
        #expect(why.reasons.allSatisfy { $0.feature != "session_energy" || $0.text.contains("5 tracks into a session") })
    }

    @Test func contextFromAnInstantKnowsTheWeekdayAndHour() {
        // 2026-11-21T08:15:00Z was a Saturday.
        let context = ListeningContext(at: 1_795_248_900, utcOffsetMinutes: 60)
        #expect(context.weekday == 6)
        #expect(context.localHour == 9)
        #expect(context.isWeekend)
        #expect(context.dayPart == .morning)
    }
}

@Suite struct TasteFeatureTests {
    @Test func everyFeatureHasItsOwnPlaceAndName() {
        #expect(TasteFeature.all.count == TasteFeature.count)
        for (index, feature) in TasteFeature.all.enumerated() { #expect(feature.index == index) }
        #expect(Set(TasteFeature.all.map(\.name)).count == TasteFeature.count)
    }

    /// Opt-in sync's shared priors: before the listener's own listens say anything, a track of a cell
    /// that listeners generally finish at this part of the day ranks above one they skip, the explainer
    /// says so, the other part of the day turns it round, and the prior fades as the listener's own
    /// examples come.
    @Test func sharedPriorsStartTheColdModelAndFade() throws {
        // Traits in `Trait` order: energy, brightness, tempo, danceability, acousticness, mode.
        let calm = CatalogTrack(id: 1, title: "Calm", artist: "A", traits: [0.1, 0.1, 0.1, 0.5, 0.5, 0])
        let lively = CatalogTrack(id: 2, title: "Lively", artist: "A", traits: [0.9, 0.9, 0.9, 0.5, 0.5, 0])
        let catalog = Catalog([calm, lively])
        let calmCell = TraitCell(energy: 0.1, tempo: 0.1, brightness: 0.1), livelyCell = TraitCell(energy: 0.9, tempo: 0.9, brightness: 0.9)
        let priors = SharedPriors(version: 3, finishRates: [
            (calmCell, .morning, 0.9), (livelyCell, .morning, 0.4), (calmCell, .evening, 0.3), (livelyCell, .evening, 0.8),
        ])
        let evening = ListeningContext(at: monday9am.at + 11 * 3600, localHour: 20, weekday: 1)

        let without = TasteModel(catalog: catalog)
        #expect(without.explain(trackID: 1, context: monday9am)!.reasons.allSatisfy { $0.feature != "shared_prior" })

        var model = TasteModel(catalog: catalog, sharedPriors: priors)
        let morningCalm = try #require(model.explain(trackID: 1, context: monday9am))
        let morningLively = try #require(model.explain(trackID: 2, context: monday9am))
        #expect(morningCalm.score > morningLively.score)
        let reason = try #require(morningCalm.reasons.first)
        #expect(reason.feature == "shared_prior" && reason.contribution > 0)
        #expect(reason.text == "Listeners generally finish calm slow dark tracks in the morning (6–12 h), 90% finished — shared prior")
        #expect(morningLively.reasons.first { $0.feature == "shared_prior" }?.text.hasPrefix("Listeners often skip") == true)
        #expect(model.explain(trackID: 2, context: evening)!.score > model.explain(trackID: 1, context: evening)!.score)
        // A cell nobody published says nothing.
        let unpublished = TasteModel(catalog: catalog, sharedPriors: SharedPriors(version: 1, finishRates: [(calmCell, .night, 0.5)]))
        #expect(unpublished.explain(trackID: 2, context: monday9am)!.reasons.allSatisfy { $0.feature != "shared_prior" })

        // The listener's own examples take over.
        let start = reason.contribution
        for step in 0..<100 {
            model.learn(Feedback(trackID: step % 2 == 0 ? 2 : 1, kind: step % 2 == 0 ? .complete : .skip,
                                 context: ListeningContext(at: monday9am.at + Double(step) * 600, localHour: 9, weekday: 1)))
        }
        let faded = model.explain(trackID: 1, context: monday9am)!.reasons.first { $0.feature == "shared_prior" }?.contribution ?? 0
        #expect(faded > 0 && faded < start * 0.01)
        #expect(model.explain(trackID: 2, context: monday9am)!.score > model.explain(trackID: 1, context: monday9am)!.score)
    }
}
