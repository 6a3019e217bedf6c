import Foundation
import HumTestSupport
import MusicCore
import SyncProtocol
import SyncTransport

/// The real `hum-sync-server` on 127.0.0.1 (any free port), on a database in a temporary folder.
final class SyncServerProcess {
    let process: Spawned
    let port: Int
    let database: String

    init(database: String, today: Day, extra: [String] = []) async throws {
        self.database = database
        process = try Spawned(Repository.syncServerBinary,
                              ["--hostname", "127.0.0.1", "--port", "0", "--db", "sqlite:" + database,
                               "--today", today.description] + extra)
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
