import Foundation
import MusicCore
import MusicLibrary
import Recommender
import Taste

/// `hum lab`'s protocol: one JSON request in, one JSON answer out, against a real library.
///
/// Feedback goes into the listening log exactly as the player writes it (a listen with its start, end,
/// outcome and context, or an event), and the model learns it from the log: the lab exercises the
/// same path as a listener at the keyboard.
final class LabSession {
    private let store: LibraryStore
    private let service: TasteService
    private var random: SeededRandom
    private let rules: PickRules
    private let utcOffsetMinutes: Int
    private var sessions = ListeningSessions()
    private var previousTrackID: Int64?
    private var openListens: [Int: Int64] = [:]
    private var token = 0

    init(store: LibraryStore, seed: UInt64, rules: PickRules, utcOffsetMinutes: Int) throws {
        self.store = store
        service = try TasteService(store: store)
        random = SeededRandom(seed: seed)
        self.rules = rules
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    func finish() throws { try service.saveIfChanged() }

    /// Answers one request line.
    func handle(_ line: String) -> String {
        do {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                return Self.error("not a JSON object: \(line.prefix(80))")
            }
            switch object["op"] as? String {
            case "next": return try next(object)
            case "feedback": return try feedback(object)
            case "why": return try why(object)
            case let op?: return Self.error("unknown op \"\(op)\": next, feedback or why")
            case nil: return Self.error("the request has no \"op\"")
            }
        } catch let error as LabError {
            return Self.error(error.message)
        } catch {
            return Self.error("\(error)")
        }
    }

    private func next(_ request: [String: Any]) throws -> String {
        let at = try instant(request)
        let mode: PickMode
        switch request["mode"] as? String ?? "smart" {
        case "smart": mode = .smart
        case "shuffle": mode = .shuffle
        case "radio":
            guard let seedPath = request["seed"] as? String, let seed = try Self.resolve(seedPath, in: service),
                  let radio = service.radioSeed(of: seed, scope: RadioScope(rawValue: request["scope"] as? String ?? "track") ?? .track)
            else { throw LabError("radio needs \"seed\": the path of an analysed track in the library") }
            mode = .radio(radio)
        case let other: throw LabError("unknown mode \"\(other)\": smart, shuffle or radio")
        }
        guard let pick = try service.pick(mode: mode, context: context(at: at), rules: rules, using: &random),
              let track = try service.track(id: pick.trackID) else {
            throw LabError("nothing to pick: the library is empty or every track is disliked")
        }
        return Self.encode(Self.answer(pick.explanation, path: track.path, count: 5))
    }

    private func feedback(_ request: [String: Any]) throws -> String {
        let at = try instant(request)
        guard let path = request["track"] as? String, let id = try Self.resolve(path, in: service) else {
            throw LabError("\"track\" must be the path of a track in the library")
        }
        guard try store.collectsHistory() else { throw LabError("collect_history is off: nothing is recorded or learned") }
        let position = request["position_s"] as? Double ?? (request["position_s"] as? Int).map(Double.init) ?? 0
        let session = sessions.session(at: at) { "lab-" + UUID().uuidString.lowercased() }
        defer { sessions.heard(at: at) }
        var entries: [ListeningLogEntry] = []
        switch request["event"] as? String {
        case "complete", "skip":
            let complete = request["event"] as? String == "complete"
            let duration = try service.track(id: id)?.features?.duration
            token += 1
            let heard = complete ? max(position, duration ?? position) : position
            let local = ListeningContext(at: at - heard, utcOffsetMinutes: utcOffsetMinutes)
            entries.append(.listenStarted(ListenStart(token: token, trackID: id, startedAt: at - heard,
                                                      utcOffsetMinutes: utcOffsetMinutes, localHour: local.localHour,
                                                      weekday: local.weekday, duration: duration, source: .smartShuffle,
                                                      sourceName: nil, previousTrackID: previousTrackID,
                                                      sessionID: session)))
            let outcome: ListenOutcome = complete ? .play
                : heard < ListenRules.earlySkipSeconds ? .earlySkip : .skip
            entries.append(.listenEnded(token: token, ListenEnd(endedAt: at, position: heard, heard: heard,
                                                                reason: complete ? .completed : .skipped, outcome: outcome)))
            previousTrackID = id
        case let event?:
            guard let kind = ListeningEvent.Kind(rawValue: event),
                  [.like, .unlike, .dislike, .moreLikeThis, .lessLikeThis, .notAtThisHour].contains(kind) else {
                throw LabError("unknown event \"\(event)\": complete, skip, like, unlike, dislike, more_like_this, less_like_this or not_at_this_hour")
            }
            entries.append(.event(ListeningEvent(at: at, kind: kind, trackID: id, sessionID: session, position: position)))
            switch kind {
            case .like: entries.append(.opinion(trackID: id, .like, at: at))
            case .dislike: entries.append(.opinion(trackID: id, .dislike, at: at))
            case .unlike: entries.append(.opinion(trackID: id, nil, at: at))
            default: break
            }
        case nil:
            throw LabError("feedback needs \"event\"")
        }
        try store.recordListeningLog(entries, openListens: &openListens)
        try service.catchUp()
        return "{\"ok\":true}"
    }

    private func why(_ request: [String: Any]) throws -> String {
        let at = try instant(request)
        guard let path = request["track"] as? String, let id = try Self.resolve(path, in: service),
              let explanation = service.model.explain(trackID: id, context: context(at: at)) else {
            throw LabError("\"track\" must be the path of a track in the library")
        }
        return Self.encode(Self.answer(explanation, path: path, count: 5))
    }

    private func context(at: Double) -> ListeningContext {
        let recent = sessions.lastHeardAt.map { at - $0 < ListeningSessions.defaultGap } ?? false
        return ListeningContext(at: at, utcOffsetMinutes: utcOffsetMinutes, previousTrackID: recent ? previousTrackID : nil)
    }

    private func instant(_ request: [String: Any]) throws -> Double {
        guard let text = request["at"] as? String else { return Date().timeIntervalSince1970 }
        guard let at = Self.parseInstant(text) else { throw LabError("\"at\": \(text) is not an ISO 8601 time") }
        return at
    }

    // MARK: Shared with `hum why`

    /// The answer's fields: the track, its score (log-odds; exactly baseline + Σ contributions), the
    /// probability that follows from it, and the largest reasons.
    static func answer(_ explanation: Explanation, path: String, count: Int) -> [String: Any] {
        ["track": path, "score": explanation.score, "probability": explanation.probability,
         "baseline": explanation.baseline, "mode": explanation.mode,
         "reasons": explanation.top(count).map {
             ["feature": $0.feature, "contribution": $0.contribution, "text": $0.text] as [String: Any]
         }]
    }

    static func encode(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return error("cannot encode the answer") }
        return String(decoding: data, as: UTF8.self)
    }

    static func error(_ message: String) -> String { encode(["error": message]) }

    /// A track given as a path (absolute, or relative to the working folder) or as a library id.
    static func resolve(_ text: String, in service: TasteService) throws -> Int64? {
        if let id = Int64(text), try service.track(id: id) != nil { return id }
        let absolute = text.hasPrefix("/") ? text : FileManager.default.currentDirectoryPath + "/" + text
        return try service.track(atPath: (absolute as NSString).standardizingPath)?.id ?? service.track(atPath: text)?.id
    }

    static func parseInstant(_ text: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}

struct LabError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
