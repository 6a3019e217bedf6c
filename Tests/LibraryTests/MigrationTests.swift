import Foundation
import HumTestSupport
import MusicLibrary
import Testing

@Suite("Schema migrations")
struct MigrationTests {
    @Test("A database made by each earlier schema version opens, upgrades and keeps its rows", arguments: LibraryStore.migrationIdentifiers.dropLast())
    func upgrades(from version: String) throws {
        let folder = Fixtures.scratchDirectory("migrate-\(version)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/old.sqlite"
        try LibraryStore.createDatabase(at: path, upTo: version)
        // Rows as that version wrote them (v1 is the oldest schema: its columns exist in every version).
        let insert = """
            INSERT INTO tracks (id, path, size, mtime_ns, content_key, format, title, artist, artists, album, added_at, updated_at)
            VALUES (1, '/m/café.flac', 10, 20, 'k', 'flac', 'Café del Mar', 'Énergie', '["Énergie"]', 'Sunset', 1, 1);
            INSERT INTO listens (track_id, started_at, utc_offset_minutes, local_hour, weekday, source, session_id, end_reason, outcome, seconds_heard, duration)
            VALUES (1, 1000, 0, 12, 3, 'queue', 's', 'completed', 'play', 200, 200);
            """
        let result = try ChildProcess.run("sqlite3", [path, insert])
        #expect(result.succeeded, "\(result.stderr)")

        let store = try LibraryStore(path: path)
        #expect(try store.schemaVersion() == LibraryStore.migrationIdentifiers.last)
        #expect(try store.track(id: 1)?.title == "Café del Mar")
        #expect(try store.listens(trackID: 1).count == 1)
        // The search index added in v2 covers rows written before it existed.
        #expect(try store.search("cafe").map(\.id) == [1])
        #expect(try store.search("energie").map(\.id) == [1])
        #expect(try store.integrityCheck() == "ok")
    }

    @Test("A file that is not a hum library is refused with one line naming it")
    func notALibrary() throws {
        let folder = Fixtures.scratchDirectory("not-a-library")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/notes.txt"
        try String(repeating: "not a database\n", count: 200).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: LibraryError.self) { try LibraryStore(path: path) }
        do { _ = try LibraryStore(path: path) } catch {
            #expect("\(error)".contains(path))
            #expect(!"\(error)".contains("\n"))
        }
    }

    @Test("Several hums opening a new library at the same moment all open it (they take turns creating it)")
    func concurrentFirstOpens() async throws {
        for round in 0..<5 {
            let path = Fixtures.scratchDirectory("concurrent-\(round)") + "/hum.sqlite"
            let runs = try await withThrowingTaskGroup(of: ChildProcess.Result.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await ChildProcess.run(Repository.humBinary, ["settings", "--library", path]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for run in runs {
                #expect(run.succeeded && run.stderr.isEmpty, "\(run.stderr)")
            }
            #expect(try LibraryStore(path: path).schemaVersion() == LibraryStore.migrationIdentifiers.last)
        }
    }
}
