import Foundation
import MusicCore
import Testing
@testable import SyncProtocol

@Suite struct MechanismTests {
    let hashing = LocalHashing(epsilon: 1, domainSize: Channel.skipByTrait.domainSize)

    @Test func atEpsilonOneTheHashedRangeIsFourAndTheProbabilitiesAddUp() {
        #expect(hashing.range == 4)
        let total = hashing.keepProbability + Double(hashing.range - 1) * hashing.otherProbability
        #expect(abs(total - 1) < 1e-12)
        #expect(abs(log(hashing.keepProbability / hashing.otherProbability) - 1) < 1e-12)
    }

    /// 10^6 seeded draws of one value: how often the report keeps the true hashed value, how often it
    /// names each other one, and how uniformly the hash spreads, each within 5σ of the parameters.
    @Test func reportProbabilitiesMatchTheParametersWithinFiveSigma() {
        var random = SeededRandom(seed: 11)
        let draws = 1_000_000, value = 137
        var kept = 0, hashedTo = [Int](repeating: 0, count: hashing.range)
        var offsets = [Int](repeating: 0, count: hashing.range)
        for _ in 0..<draws {
            let report = hashing.randomize(value, using: &random)
            let truth = LocalHashing.hash(value, seed: report.seed, range: hashing.range)
            hashedTo[truth] += 1
            let offset = (report.hashed - truth + hashing.range) % hashing.range
            offsets[offset] += 1
            if offset == 0 { kept += 1 }
        }
        func withinFiveSigma(_ count: Int, _ probability: Double) -> Bool {
            let sigma = (Double(draws) * probability * (1 - probability)).squareRoot()
            return abs(Double(count) - Double(draws) * probability) <= 5 * sigma
        }
        #expect(withinFiveSigma(kept, hashing.keepProbability), "kept \(kept) of \(draws)")
        for offset in 1..<hashing.range {
            #expect(withinFiveSigma(offsets[offset], hashing.otherProbability), "offset \(offset): \(offsets[offset])")
        }
        for bucket in 0..<hashing.range {
            #expect(withinFiveSigma(hashedTo[bucket], hashing.supportByChance), "hash bucket \(bucket): \(hashedTo[bucket])")
        }
    }

    /// The privacy guarantee, measured: for pairs of true values, the empirical probability of every
    /// observable event of a report (does it support the first value, the second, both, neither) differs
    /// by at most e^(ε + 0.05) between the two inputs. 10^6 draws in all.
    @Test func theWorstLogRatioBetweenTwoInputsIsAtMostEpsilonPlusFiveHundredths() {
        var random = SeededRandom(seed: 12)
        let pairs = [(0, 1), (5, 511), (200, 201), (64, 300)]
        let drawsPerInput = 1_000_000 / (pairs.count * 2)
        var worst = 0.0
        for (first, second) in pairs {
            func events(_ input: Int) -> [Double] {
                var counts = [Double](repeating: 0, count: 4)
                for _ in 0..<drawsPerInput {
                    let report = hashing.randomize(input, using: &random)
                    let supportsFirst = LocalHashing.hash(first, seed: report.seed, range: hashing.range) == report.hashed
                    let supportsSecond = LocalHashing.hash(second, seed: report.seed, range: hashing.range) == report.hashed
                    counts[(supportsFirst ? 2 : 0) + (supportsSecond ? 1 : 0)] += 1
                }
                return counts.map { $0 / Double(drawsPerInput) }
            }
            let a = events(first), b = events(second)
            for event in 0..<4 where a[event] > 0 && b[event] > 0 {
                worst = max(worst, abs(log(a[event] / b[event])))
            }
        }
        #expect(worst <= hashing.epsilon + 0.05, "worst log-ratio \(worst)")
        // And exactly, over every report: any two inputs' probabilities differ by e^ε at most.
        for _ in 0..<2000 {
            let report = HashedValue(seed: random.next(), hashed: Int(random.next() % 4))
            let probabilities = (0..<hashing.domainSize).map { hashing.probability(of: report, given: $0) }
            #expect(log(probabilities.max()! / probabilities.min()!) <= hashing.epsilon + 1e-12)
        }
    }

    /// 100,000 simulated devices whose true buckets follow Zipf's law (exponent 1), one report each at
    /// ε = 1, over the 512 buckets of `skip-by-trait`: the estimates are unbiased, their error is the one the
    /// mechanism's variance predicts, and the buckets that stand clear of the noise are found.
    ///
    /// A single report per device cannot give "top-10 recall ≥ 0.9", for any mechanism: at ε = 1 a bucket's
    /// estimate has a standard deviation of about 1.92·√n = 607 reports, while Zipf's 10th and 11th buckets
    /// differ by 100,000 × (1/10 − 1/11) / H₅₁₂ ≈ 133, and the 10th (≈ 1,470) is within 2.5σ of an empty
    /// bucket. So this test asserts recall for the buckets above 6σ and prints the top-10 recall; the next
    /// one asserts the top-10 recall over the week of daily reports a priors document sums.
    @Test func theEstimatorHasTheTheoreticalErrorAndFindsTheBucketsAboveTheNoise() {
        let channel = Channel.skipByTrait
        let hashing = LocalHashing(epsilon: 1, domainSize: channel.domainSize)
        var random = SeededRandom(seed: 13)
        let devices = 100_000
        let truth = zipfCounts(devices: devices, buckets: channel.domainSize, exponent: 1, using: &random)
        var estimator = FrequencyEstimator(mechanism: hashing)
        for (bucket, count) in truth.enumerated() {
            for _ in 0..<count { estimator.add(hashing.randomize(bucket, using: &random)) }
        }
        let estimates = estimator.counts
        #expect(estimator.reports == devices)
        // Unbiased: the estimates add up to the devices, within 5σ of their sum's noise (each report
        // supports each of the other 511 buckets by chance, 1/g).
        let q = hashing.supportByChance, p = hashing.keepProbability
        let sumSigma = (Double(devices * (channel.domainSize - 1)) * q * (1 - q)).squareRoot() / (p - q)
        #expect(abs(estimates.reduce(0, +) - Double(devices)) < 5 * sumSigma)
        let squaredError = zip(estimates, truth).reduce(0) { $0 + ($1.0 - Double($1.1)) * ($1.0 - Double($1.1)) }
        let rmse = (squaredError / Double(truth.count)).squareRoot()
        let theory = (truth.reduce(0) { $0 + hashing.estimateVariance(reports: devices, holders: Double($1)) }
            / Double(truth.count)).squareRoot()
        #expect(abs(rmse / theory - 1) <= 0.1, "RMSE \(rmse), theory \(theory)")
        let sigma = hashing.estimateVariance(reports: devices, holders: 0).squareRoot()
        let clear = Set(truth.indices.filter { Double(truth[$0]) > 6 * sigma })
        let estimatedTop = estimates.indices.sorted { estimates[$0] > estimates[$1] }
        #expect(clear.count >= 3)
        #expect(Set(estimatedTop.prefix(clear.count)) == clear, "buckets above 6σ: \(clear.sorted())")
        let trueTop = Set(truth.indices.sorted { truth[$0] > truth[$1] }.prefix(10))
        let recall = Double(trueTop.intersection(estimatedTop.prefix(10)).count) / 10
        print("estimator: RMSE \(rmse) vs \(theory) in theory; \(clear.count) buckets above 6σ all found; top-10 recall \(recall)")
    }

    /// The estimator as the server uses it: 100,000 simulated devices each report one sampled listen a
    /// day (ε = 1 each, within the ledger's caps), the server estimates each day's window on its own,
    /// and a priors document sums the last seven published days. The devices' listens follow one Zipf
    /// law (exponent 1) over the 512 buckets. Summed over the week, the top-10 buckets are recovered with
    /// recall ≥ 0.9, and the error is the one the mechanism's variance predicts (within 10%).
    @Test func overTheWeekADocumentSumsTheTopTenBucketsAreRecovered() {
        let channel = Channel.skipByTrait
        let hashing = LocalHashing(epsilon: 1, domainSize: channel.domainSize)
        var random = SeededRandom(seed: 21)
        let devices = 100_000, days = 7
        let order = Array(0..<channel.domainSize).shuffled(using: &random)
        var truth = [Int](repeating: 0, count: channel.domainSize)
        var summed = [Double](repeating: 0, count: channel.domainSize)
        var variance = 0.0
        for _ in 0..<days {
            let today = zipfCounts(devices: devices, buckets: channel.domainSize, exponent: 1, order: order, using: &random)
            var estimator = FrequencyEstimator(mechanism: hashing)
            for (bucket, count) in today.enumerated() {
                for _ in 0..<count { estimator.add(hashing.randomize(bucket, using: &random)) }
            }
            for (bucket, estimate) in estimator.counts.enumerated() { summed[bucket] += estimate }
            for (bucket, count) in today.enumerated() {
                truth[bucket] += count
                variance += hashing.estimateVariance(reports: devices, holders: Double(count))
            }
        }
        let squaredError = zip(summed, truth).reduce(0) { $0 + ($1.0 - Double($1.1)) * ($1.0 - Double($1.1)) }
        let rmse = (squaredError / Double(truth.count)).squareRoot()
        let theory = (variance / Double(truth.count)).squareRoot()
        #expect(abs(rmse / theory - 1) <= 0.1, "RMSE \(rmse), theory \(theory)")
        let trueTop = Set(truth.indices.sorted { truth[$0] > truth[$1] }.prefix(10))
        let estimatedTop = Set(summed.indices.sorted { summed[$0] > summed[$1] }.prefix(10))
        let recall = Double(trueTop.intersection(estimatedTop).count) / 10
        #expect(recall >= 0.9, "top-10 recall \(recall)")
        print("estimator over a week of 100,000 devices: RMSE \(rmse) vs \(theory) in theory; top-10 recall \(recall)")
    }
}

/// How many of `devices` hold each bucket when bucket ranks follow Zipf's law with `exponent`; which
/// bucket has which rank is shuffled, so the popular ones are not simply the first.
func zipfCounts<Random: RandomNumberGenerator>(devices: Int, buckets: Int, exponent: Double,
                                               using random: inout Random) -> [Int] {
    let order = Array(0..<buckets).shuffled(using: &random)
    return zipfCounts(devices: devices, buckets: buckets, exponent: exponent, order: order, using: &random)
}

/// `zipfCounts` with the ranks given: `order[r]` is the bucket of rank `r` (the same law day after day).
func zipfCounts<Random: RandomNumberGenerator>(devices: Int, buckets: Int, exponent: Double, order: [Int],
                                               using random: inout Random) -> [Int] {
    let weights = (1...buckets).map { 1 / pow(Double($0), exponent) }
    let total = weights.reduce(0, +)
    var cumulative: [Double] = []
    var sum = 0.0
    for weight in weights {
        sum += weight / total
        cumulative.append(sum)
    }
    var counts = [Int](repeating: 0, count: buckets)
    for _ in 0..<devices {
        let draw = Double.random(in: 0..<1, using: &random)
        let rank = cumulative.firstIndex { draw < $0 } ?? buckets - 1
        counts[order[rank]] += 1
    }
    return counts
}
