import Crypto
import Foundation
import HumTestSupport
import MusicLibrary
import MusicCore
import SyncProtocol
import SyncClient
import SyncServer
import SyncSignatures
import SyncTransport
import Testing

/// The real server binary on 127.0.0.1, once with SQLite and once with a private PostgreSQL server: every
/// refusal, a flood of malformed bodies, the k threshold, signed priors that are the same for everyone
/// and published once, deletion by secret.
@Suite(.serialized) struct SyncServerTests {
    let today = Day("2026-12-02")!
    let unlimited = ["--burst", "1000000"]


    @Test(arguments: StoreKind.allCases) func refusalsAre413409422AndTooManyRequestsWithRetryAfter(_ kind: StoreKind) async throws {
        let database = try TestDatabase(kind)
        let server = try await SyncServerProcess(database: database, today: today,
                                                 extra: ["--burst", "8", "--rate-per-minute", "1"])
        let http = server.connection()
        var maker = ReportMaker(seed: 1)
        let report = maker.report(.skipByTrait, bucket: 17, day: today)
        #expect(try http.request("POST", "/v1/reports", body: report.encoded()).status == 202)
        #expect(try http.request("POST", "/v1/reports", body: report.encoded()).status == 409)
        let late = maker.report(.skipByTrait, bucket: 17, day: Day(number: today.number - 3))
        let early = maker.report(.likeByTrait, bucket: 3, day: Day(number: today.number + 1))
        let lateResponse = try http.request("POST", "/v1/reports", body: late.encoded())
        #expect(lateResponse.status == 422)
        #expect(lateResponse.text.contains("outside the last three days"))
        #expect(try http.request("POST", "/v1/reports", body: early.encoded()).status == 422)
        #expect(try http.request("POST", "/v1/reports", body: Data(repeating: 0x20, count: 5000)).status == 413)
        #expect(try http.request("POST", "/v1/reports", body: Data("{".utf8)).status == 400)
        // Six requests so far, a burst of eight: the ninth is refused and says when to come back.
        #expect(try http.request("POST", "/v1/reports", body: maker.report(.skipByTrait, bucket: 1, day: today).encoded()).status == 202)
        #expect(try http.request("POST", "/v1/reports", body: maker.report(.skipByTrait, bucket: 1, day: today).encoded()).status == 202)
        let limited = try http.request("POST", "/v1/reports", body: maker.report(.skipByTrait, bucket: 1, day: today).encoded())
        #expect(limited.status == 429)
        #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 >= 1)
        // Reads are not rate limited.
        #expect(try http.request("GET", "/healthz").text == "ok\n")
        let metrics = try http.request("GET", "/metrics").text
        #expect(metrics.contains("hum_sync_reports_pending 3"))
        #expect(metrics.contains(#"hum_sync_responses_total{route="reports",status="429"} 1"#))
        // Nothing the server stored holds an address.
        let dump = try database.dump()
        #expect(!dump.contains("127.0.0.1"))
        await server.stop()
    }

    @Test(arguments: StoreKind.allCases) func tenThousandMalformedBodiesGetNoServerError(_ kind: StoreKind) async throws {
        let database = try TestDatabase(kind)
        let server = try await SyncServerProcess(database: database, today: today,
                                                 extra: ["--burst", "1000000"])
        let http = server.connection()
        var random = SeededRandom(seed: 2)
        var statuses: [Int: Int] = [:]
        for index in 0..<10_000 {
            let body = MalformedBodies.body(index, today: today, using: &random)
            let response = try http.request("POST", index % 10 == 0 ? "/v1/delete" : "/v1/reports", body: body)
            statuses[response.status, default: 0] += 1
            #expect(response.status < 500, "body \(index): \(String(decoding: body.prefix(120), as: UTF8.self))")
        }
        #expect(try http.request("GET", "/healthz").status == 200)
        #expect(statuses[202, default: 0] < 200, "almost none of them are valid reports: \(statuses)")
        #expect(statuses.keys.allSatisfy { [202, 400, 409, 413, 422].contains($0) }, "\(statuses)")
        await server.stop()
    }

    @Test(arguments: StoreKind.allCases) func priorsKeepTheKThresholdAreSignedTheSameForEveryoneAndPublishedOnce(_ kind: StoreKind) async throws {
        let database = try TestDatabase(kind)
        var maker = ReportMaker(seed: 3)
        // Day 1: 40 reports in all, under k = 50: the first document publishes nothing.
        var server = try await SyncServerProcess(database: database, today: today, extra: unlimited)
        var http = server.connection()
        for _ in 0..<40 {
            #expect(try http.request("POST", "/v1/reports", body: maker.report(.skipByTrait, bucket: 5, day: today).encoded()).status == 202)
        }
        #expect(try http.request("GET", "/v1/priors").status == 404)
        await server.stop()
        let later = Day(number: today.number + 3)
        server = try await SyncServerProcess(database: database, today: later, extra: unlimited)
        http = server.connection()
        let params = try JSONDecoder().decode(ServedParameters.self, from: try http.request("GET", "/v1/params").body)
        let first = try http.request("GET", "/v1/priors").body
        let firstDocument = try #require(PriorsSignature.verify(first, publicKeyHex: params.priorsKey))
        #expect(firstDocument.version == 1 && firstDocument.skip.isEmpty && firstDocument.like.isEmpty)
        // Day 4: 3,000 listens of calm-slow-dark tracks in the morning, 30% skipped, and 600 likes of cell 9.
        let cell = TraitCell(index: 0)
        for index in 0..<3000 {
            let bucket = SkipBucket(cell: cell, quarter: .morning, skipped: index % 10 < 3).index
            #expect(try http.request("POST", "/v1/reports", body: maker.report(.skipByTrait, bucket: bucket, day: later).encoded()).status == 202)
        }
        for _ in 0..<600 {
            #expect(try http.request("POST", "/v1/reports", body: maker.report(.likeByTrait, bucket: 9, day: later).encoded()).status == 202)
        }
        await server.stop()
        server = try await SyncServerProcess(database: database, today: Day(number: later.number + 3), extra: unlimited)
        http = server.connection()
        let second = try http.request("GET", "/v1/priors").body
        let other = try server.connection().request("GET", "/v1/priors").body
        #expect(second == other, "every client gets the same bytes")
        let document = try #require(PriorsSignature.verify(second, publicKeyHex: params.priorsKey))
        #expect(document.version == 2)
        let morning = try #require(document.skipRate(cell: cell, quarter: .morning))
        #expect(abs(morning.skipRate - 0.3) < 0.15 && morning.contributors >= 50)
        #expect(document.skip.count <= 3, "noise buckets stay below the threshold: \(document.skip)")
        #expect(document.skip.allSatisfy { $0.contributors >= document.k })
        #expect(document.like.contains { $0.cell == 9 })
        // A tampered document does not verify.
        var tampered = try JSONDecoder().decode(SignedPriors.self, from: second)
        tampered.document = tampered.document.replacingOccurrences(of: #""version":2"#, with: #""version":3"#)
        #expect(PriorsSignature.verify(try JSONEncoder().encode(tampered), publicKeyHex: params.priorsKey) == nil)
        // Published once: a restart on the same day serves the same version, raw reports are gone.
        await server.stop()
        server = try await SyncServerProcess(database: database, today: Day(number: later.number + 3), extra: unlimited)
        #expect(try server.connection().request("GET", "/v1/priors").body == second)
        #expect(try database.value("SELECT COUNT(*) FROM reports") == "0")

        // A client with sync on keeps the document once its signature verifies, and pins the key.
        let store = try LibraryStore(path: Fixtures.scratchDirectory("sync-client") + "/hum.sqlite")
        let client = try SyncClient(store: store)
        let now = Date().timeIntervalSince1970
        #expect(try client.fetchPriors(now: now, through: HTTPConnection.get) == nil, "sync off: nothing fetched")
        try client.enable(server: "127.0.0.1:\(server.port)")
        #expect(try client.fetchPriors(now: now, through: HTTPConnection.get) == .updated(version: 2))
        #expect(client.state.priorsKey == params.priorsKey)
        #expect(try store.sharedPriors()?.document == Data(try JSONDecoder().decode(SignedPriors.self, from: second).document.utf8))
        #expect(try client.fetchPriors(now: now, through: HTTPConnection.get) == .unchanged(version: 2))
        // Tampered bytes, or a document signed by another key than the pinned one, are refused and change nothing.
        #expect(try client.fetchPriors(now: now) { _, _ in (200, try JSONEncoder().encode(tampered)) } == .refused("the signature does not verify under the key first seen (\(params.priorsKey.prefix(16))…)"))
        let impostor = Curve25519.Signing.PrivateKey()
        var newer = document
        newer.version = 9
        let forged = SignedPriors(document: String(decoding: newer.encoded(), as: UTF8.self),
                                  signature: try impostor.signature(for: newer.encoded()).base64EncodedString(),
                                  key: impostor.publicKey.rawRepresentation.hexString)
        #expect(try client.fetchPriors(now: now) { _, _ in (200, try JSONEncoder().encode(forged)) } != .updated(version: 9))
        #expect(try store.sharedPriors()?.version == 2)
        await server.stop()
    }

    /// docs/sync-openapi.yaml describes the server that runs: each route it lists answers, with a status
    /// it lists for that route; a route it does not list is not found.
    @Test func theOpenAPIFileListsTheRoutesTheServerAnswers() async throws {
        let text = try String(contentsOfFile: Repository.path("docs/sync-openapi.yaml"), encoding: .utf8)
        // paths → methods → statuses, read off the file's indentation (two spaces a level).
        var routes: [String: [String: Set<Int>]] = [:]
        var path: String?, method: String?, inPaths = false, inResponses = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let indent = line.prefix { $0 == " " }.count, word = line.trimmingCharacters(in: .whitespaces)
            if indent == 0 { inPaths = line == "paths:"; continue }
            guard inPaths else { continue }
            if indent == 2, word.hasSuffix(":") { path = String(word.dropLast()); method = nil }
            if indent == 4, word.hasSuffix(":"), let path { method = String(word.dropLast()); routes[path, default: [:]][method!] = [] }
            if indent == 6 { inResponses = word == "responses:" }
            if indent == 8, inResponses, let path, let method, word.hasPrefix("\""),
               let code = Int(word.dropFirst().prefix(3)) {
                routes[path]![method]!.insert(code)
            }
        }
        #expect(Set(routes.keys) == ["/v1/reports", "/v1/delete", "/v1/priors", "/v1/params", "/healthz", "/metrics"])
        #expect(routes["/v1/reports"]?["post"] == [202, 400, 409, 413, 422, 429])
        let server = try await SyncServerProcess(database: try TestDatabase(.sqlite), today: today)
        let http = server.connection()
        for (path, methods) in routes {
            for (method, statuses) in methods {
                let status = try http.request(method.uppercased(), path, body: method == "post" ? Data("{}".utf8) : nil).status
                #expect(statuses.contains(status), "\(method) \(path) answered \(status), not one of \(statuses.sorted())")
            }
        }
        #expect(try http.request("GET", "/v1/nothing").status == 404)
        await server.stop()
    }

    /// A database that cannot be reached, or a --db that is not one, is a one-line error and an exit, not a hang.
    @Test func anUnreachableDatabaseIsAnErrorNotAHang() async throws {
        let nowhere = try PostgresTestServer.freePort()
        for (db, says) in [("postgres://hum@127.0.0.1:\(nowhere)/sync", "cannot use postgres://hum@127.0.0.1:\(nowhere)/sync"),
                           ("mysql://x", "--db: expected sqlite:PATH or postgres://")] {
            let result = try await ChildProcess.run(Repository.syncServerBinary,
                                                    ["--port", "0", "--db", db, "--signing-key", Fixtures.scratchDirectory("key") + "/k"],
                                                    timeout: 60)
            #expect(!result.timedOut && !result.succeeded, "\(db)")
            #expect(result.stderr.contains(says), "\(db): \(result.stderr)")
        }
    }

    /// Several instances may share one PostgreSQL database: an id one of them stored is a replay for the
    /// other, a closed day is aggregated once, and both serve the one document that was published.
    @Test func twoServersSharingOnePostgresDatabaseActAsOne() async throws {
        let database = try TestDatabase(.postgres)
        var first = try await SyncServerProcess(database: database, today: today, extra: unlimited)
        var second = try await SyncServerProcess(database: database, today: today, extra: unlimited)
        var maker = ReportMaker(seed: 8)
        let replayed = maker.report(.skipByTrait, bucket: 3, day: today).encoded()
        #expect(try first.connection().request("POST", "/v1/reports", body: replayed).status == 202)
        #expect(try second.connection().request("POST", "/v1/reports", body: replayed).status == 409)
        let cell = TraitCell(index: 21)
        let connections = [first.connection(), second.connection()]
        for index in 0..<2000 {
            let bucket = SkipBucket(cell: cell, quarter: .evening, skipped: index % 5 == 0).index
            #expect(try connections[index % 2].request("POST", "/v1/reports", body: maker.report(.skipByTrait, bucket: bucket, day: today).encoded()).status == 202)
        }
        await first.stop()
        await second.stop()

        let later = Day(number: today.number + 3)
        first = try await SyncServerProcess(database: database, today: later, extra: unlimited + ["--aggregate-every", "0.5"])
        second = try await SyncServerProcess(database: database, today: later, extra: unlimited + ["--aggregate-every", "0.5"])
        var bodies: [Data] = []
        let deadline = Date().addingTimeInterval(20)
        repeat {
            bodies = try [first, second].map { try $0.connection().request("GET", "/v1/priors").body }
            if bodies[0] == bodies[1], !bodies[0].isEmpty, PriorsSignature.enclosedKey(bodies[0]) != nil { break }
            try await Task.sleep(for: .milliseconds(200))
        } while Date() < deadline
        #expect(bodies[0] == bodies[1], "both instances serve the same bytes")
        let params = try JSONDecoder().decode(ServedParameters.self, from: try second.connection().request("GET", "/v1/params").body)
        let document = try #require(PriorsSignature.verify(bodies[0], publicKeyHex: params.priorsKey))
        #expect(document.version == 1)
        let evening = try #require(document.skipRate(cell: cell, quarter: .evening))
        #expect(abs(evening.skipRate - 0.2) < 0.15)
        #expect(try database.value("SELECT COUNT(*) FROM priors") == "1")
        #expect(try database.value("SELECT COUNT(*) FROM windows") == "1", "the day's skip-by-trait window, aggregated once")
        #expect(try database.value("SELECT COUNT(*) FROM reports") == "0")
        await first.stop()
        await second.stop()
    }

    @Test(arguments: StoreKind.allCases) func deleteBySecretRemovesTheSendersReportsOnly(_ kind: StoreKind) async throws {
        let database = try TestDatabase(kind)
        let server = try await SyncServerProcess(database: database, today: today)
        let http = server.connection()
        var maker = ReportMaker(seed: 4)
        let secret = maker.hex(32)
        let hash = Data(SHA256.hash(data: Data(hex: secret)!)).hexString
        for _ in 0..<5 {
            _ = try http.request("POST", "/v1/reports", body: maker.report(.skipByTrait, bucket: 2, day: today, deleteHash: hash).encoded())
        }
        for _ in 0..<3 {
            _ = try http.request("POST", "/v1/reports", body: maker.report(.skipByTrait, bucket: 2, day: today).encoded())
        }
        let response = try http.request("POST", "/v1/delete", body: Data(#"{"secret":"\#(secret)"}"#.utf8))
        #expect(response.status == 200 && response.text == #"{"deleted":5}"#)
        #expect(try http.request("GET", "/metrics").text.contains("hum_sync_reports_pending 3"))
        #expect(try database.value("SELECT COUNT(*) FROM reports WHERE delete_hash = '\(hash)'") == "0")
        #expect(try http.request("POST", "/v1/delete", body: Data(#"{"secret":"zz"}"#.utf8)).status == 400)
        await server.stop()
    }
}

/// Bodies a fuzzer would send: wrong types, huge numbers, deep nesting, invalid UTF-8, truncations,
/// random bytes and near-valid reports with one field broken.
enum MalformedBodies {
    static func body(_ index: Int, today: Day, using random: inout SeededRandom) -> Data {
        let valid = String(decoding: Report(channel: .skipByTrait, params: 1, id: String(repeating: "0", count: 31) + "1",
                                            day: today, hashedValue: HashedValue(seed: 1, hashed: 1)).encoded(), as: UTF8.self)
        switch index % 12 {
        case 0: return Data(String(repeating: "[", count: Int.random(in: 1...3000, using: &random)).utf8)
        case 1: return Data((0..<Int.random(in: 0...600, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
        case 2: return Data(valid.prefix(Int.random(in: 0..<valid.count, using: &random)).utf8)
        case 3: return Data(valid.replacingOccurrences(of: #""value":1"#, with: #""value":1e400"#).utf8)
        case 4: return Data(valid.replacingOccurrences(of: #""value":1"#, with: #""value":\#(UInt64.random(in: 0...UInt64.max, using: &random))99"#).utf8)
        case 5: return Data(valid.replacingOccurrences(of: #""params":1"#, with: #""params":"1""#).utf8)
        case 6: return Data(valid.replacingOccurrences(of: #""day":"\#(today)""#, with: #""day":20261202"#).utf8)
        case 7:
            var bytes = Array(valid.utf8)
            bytes.insert(contentsOf: [0xC3, 0x28, 0xFF, 0xFE], at: Int.random(in: 0..<bytes.count, using: &random))
            return Data(bytes)
        case 8: return Data((String(repeating: #"{"a":"#, count: 400) + "1" + String(repeating: "}", count: 400)).utf8)
        case 9: return Data(valid.replacingOccurrences(of: #""channel":"skip-by-trait""#, with: #""channel":null"#).utf8)
        case 10: return Data(#"{"secret":\#(Int.random(in: Int.min...Int.max, using: &random))}"#.utf8)
        default:
            var bytes = Array(valid.utf8)
            let position = Int.random(in: 0..<bytes.count, using: &random)
            bytes[position] = UInt8.random(in: 0...255, using: &random)
            return Data(bytes)
        }
    }
}
