import Foundation
import HumTestSupport
import MusicCore
import SyncProtocol
import SyncTransport
import Testing

/// The storage a server test runs on: a SQLite file, or a database of a private PostgreSQL server.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// One test's database: the server's `--db` argument, and ways to look inside it.
final class TestDatabase: @unchecked Sendable {
    let kind: StoreKind
    /// What `--db` says.
    let argument: String
    /// Where a SQLite database's signing key goes; with PostgreSQL, beside nothing, so given explicitly.
    let keyPath: String
    private let postgres: PostgresTestServer?

    init(_ kind: StoreKind) throws {
        self.kind = kind
        let folder = Fixtures.scratchDirectory("sync-\(kind.rawValue)")
        keyPath = folder + "/signing-key"
        switch kind {
        case .sqlite:
            postgres = nil
            argument = "sqlite:" + folder + "/sync.sqlite"
        case .postgres:
            let server = try PostgresTestServer()
            postgres = server
            argument = try server.createDatabase()
        }
    }

    /// The one value `sql` selects, as text.
    func value(_ sql: String) throws -> String {
        let output = try postgres.map { try $0.psql(argument, sql) }
            ?? ChildProcess.shell("sqlite3 \(argument.dropFirst("sqlite:".count)) \"\(sql)\"")
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Everything stored, as text.
    func dump() throws -> String {
        try postgres.map { try $0.dump(argument) } ?? ChildProcess.shell("sqlite3 \(argument.dropFirst("sqlite:".count)) .dump")
    }
}

/// The real `hum-sync-server` on 127.0.0.1 (any free port), on a test's database.
final class SyncServerProcess {
    let process: Spawned
    let port: Int

    init(database: TestDatabase, today: Day, extra: [String] = []) async throws {
        process = try Spawned(Repository.syncServerBinary,
                              ["--hostname", "127.0.0.1", "--port", "0", "--db", database.argument,
                               "--signing-key", database.keyPath, "--today", today.description] + extra)
        guard let line = await process.line(timeout: 90, where: { $0.hasPrefix("listening on ") }),
              let port = line.split(separator: ":").last.flatMap({ Int($0) }) else {
            process.kill(SIGKILL)
            throw ServerDidNotStart(stdout: process.stdoutLines, stderr: process.stderrText)
        }
        self.port = port
    }

    struct ServerDidNotStart: Error {
        var stdout: [String]
        var stderr: String
    }

    /// A test that fails half-way still stops its server.
    deinit { process.kill(SIGKILL) }

    func connection() -> HTTPConnection { HTTPConnection(host: "127.0.0.1", port: port) }

    func stop() async {
        process.kill()
        _ = await process.exit(timeout: 10)
    }
}

/// Reports as devices make them: a true bucket randomized by the channel's mechanism, a random id.
struct ReportMaker {
    var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    mutating func report(_ channel: Channel, bucket: Int, day: Day, deleteHash: String? = nil) -> Report {
        let hashing = SyncParameters.current.channel(channel)!.hashing
        let value = hashing.randomize(bucket, using: &random)
        return Report(channel: channel, params: 1, id: hex(16), day: day, hashedValue: value, deleteHash: deleteHash)
    }

    mutating func hex(_ bytes: Int) -> String {
        Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &random) }).hexString
    }
}
