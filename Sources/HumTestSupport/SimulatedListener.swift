import Foundation

/// A listener with hidden tastes, for driving `hum lab`: skips follow a logistic rule over the generated
/// tracks' true factors (tempo, brightness, loudness, mode), per-artist likes and dislikes, a time-of-day
/// effect (fast tracks are skipped more at night) and a slow drift of all of it.
public struct SimulatedListener: Sendable {
    public var name: String
    /// Per factor (`TraitLibrary.Track.factors` order): positive skips more when the factor is high.
    public var weights: [Double]
    public var artistBias: [String: Double]
    /// Added to the tempo weight between 22:00 and 06:00.
    public var nightTempo: Double
    public var bias: Double
    /// Standard deviation of each weight's random walk per listen.
    public var drift: Double
    /// When one factor alone drives the skips, its index.
    public var dominantFactor: Int?
    /// When each track was last heard: a track heard again within a day is skipped more (people tire of
    /// repeats), so a recommender cannot win by replaying a few safe tracks.
    public var lastHeard: [String: Double] = [:]
    public static let repeatPenalty = 1.5

    /// A listener with random tastes (seeded), or with one dominant factor.
    public init(index: Int, library: TraitLibrary, dominantFactor: Int? = nil, seed: UInt64) {
        var random = SeededGenerator(seed: seed &+ UInt64(index) &* 7919)
        name = dominantFactor.map { "listener \(index) (only \(TraitLibrary.Track.factorNames[$0]))" } ?? "listener \(index)"
        self.dominantFactor = dominantFactor
        if let dominantFactor {
            weights = (0..<4).map { $0 == dominantFactor ? (random.unit() < 0.5 ? 2.5 : -2.5) : 0 }
            artistBias = [:]
            nightTempo = 0
            drift = 0
        } else {
            weights = (0..<4).map { _ in 1.2 * random.normal() }
            var artists: [String: Double] = [:]
            for artist in Set(library.tracks.map(\.artist)) where random.unit() < 0.3 {
                artists[artist] = random.unit() < 0.5 ? -1.5 : 1.5
            }
            artistBias = artists
            nightTempo = 1.5
            drift = 0.01
        }
        bias = 0
        // Centre the rule so that a uniform shuffle is skipped half the time (bisection on the bias).
        let logits = library.tracks.map { logit($0, hour: 12) }
        var low = -20.0, high = 20.0
        for _ in 0..<60 {
            let middle = (low + high) / 2
            let skipped = logits.reduce(0) { $0 + 1 / (1 + exp(-($1 + middle))) } / Double(logits.count)
            if skipped > 0.5 { high = middle } else { low = middle }
        }
        bias = (low + high) / 2
    }

    public func logit(_ track: TraitLibrary.Track, hour: Int) -> Double {
        var sum = bias + (artistBias[track.artist] ?? 0)
        for (weight, factor) in zip(weights, track.factors) { sum += weight * factor }
        if hour >= 22 || hour < 6 { sum += nightTempo * track.factors[0] }
        return sum
    }

    /// How the listener reacts to `track` at `hour`: a skip (early, under 10 s, or late), a completion,
    /// sometimes a like (of what they love) or a dislike (of what they hate). Drifts a little.
    public mutating func react(to track: TraitLibrary.Track, hour: Int, at now: Double, seconds: Double,
                               using random: inout SeededGenerator) -> (event: String, position: Double, skipped: Bool) {
        var logit = logit(track, hour: hour)
        if let last = lastHeard[track.path], now - last < 86_400 { logit += Self.repeatPenalty }
        lastHeard[track.path] = now
        let p = 1 / (1 + exp(-logit))
        for index in weights.indices where drift > 0 { weights[index] += drift * random.normal() }
        if random.unit() < p {
            if p > 0.9, random.unit() < 0.1 { return ("dislike", 1, true) }
            let early = random.unit() < 0.6
            return ("skip", early ? 1 + 8 * random.unit() : 11 + (seconds - 13) * random.unit(), true)
        }
        if p < 0.15, random.unit() < 0.2 { return ("like", seconds, false) }
        return ("complete", seconds, false)
    }
}

/// A running `hum lab`: one request line in, one answer line out.
public final class LabDriver {
    private let process: Spawned
    private var answered = 0

    public init(hum: String, library: String, seed: UInt64, exploration: Double? = nil) throws {
        var arguments = ["lab", "--library", library, "--seed", String(seed)]
        if let exploration { arguments += ["--exploration", String(exploration)] }
        process = try Spawned(hum, arguments)
    }

    /// Sends a request and waits for its answer (at most `timeout` seconds).
    public func request(_ object: [String: Any], timeout: Double = 30) throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        process.send(String(decoding: data, as: UTF8.self))
        let deadline = Date().addingTimeInterval(timeout)
        while process.stdoutLines.count <= answered {
            guard Date() < deadline else {
                throw ChildProcess.Failure(description: "hum lab did not answer within \(timeout) s: \(process.stderrText)")
            }
            usleep(100)
        }
        let line = process.stdoutLines[answered]
        answered += 1
        guard let answer = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ChildProcess.Failure(description: "hum lab answered with something that is not JSON: \(line)")
        }
        if let error = answer["error"] as? String { throw ChildProcess.Failure(description: "hum lab: \(error)") }
        return answer
    }

    /// Ends the session (stdin closed) and waits for the model to be saved.
    public func finish() {
        process.closeStdin()
        _ = process.wait(timeout: 60)
    }

    public static func instant(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(.iso8601)
    }
}
