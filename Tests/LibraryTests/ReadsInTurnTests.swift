import Foundation
import HumTestSupport
@testable import MusicLibrary
import Synchronization
import Testing

/// `ReadsInTurn`: the store's reads never overlap (three threads reading a GRDB pool at once start a
/// libdispatch worker, whose once-a-second monitor then wakes a paused hum), and a write does not wait
/// for a read.
@Suite("The store's reads take turns; writes go beside them")
struct ReadsInTurnTests {
    static func store() throws -> LibraryStore {
        let folder = Fixtures.scratchDirectory("reads-in-turn")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try LibraryStore(path: folder + "/hum.sqlite")
    }

    @Test("Four threads reading at once: never two reads inside the pool together")
    func readsNeverOverlap() throws {
        let store = try Self.store()
        let inside = Atomic<Int>(0), most = Atomic<Int>(0), reads = Atomic<Int>(0)
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<4 {
            Thread {
                for _ in 0..<50 {
                    _ = try? store.pool.read { _ in
                        let now = inside.add(1, ordering: .sequentiallyConsistent).newValue
                        most.max(now, ordering: .sequentiallyConsistent)
                        usleep(100)
                        inside.subtract(1, ordering: .sequentiallyConsistent)
                        reads.add(1, ordering: .sequentiallyConsistent)
                    }
                }
                done.signal()
            }.start()
        }
        for _ in 0..<4 { done.wait() }
        #expect(reads.load(ordering: .sequentiallyConsistent) == 200)
        #expect(most.load(ordering: .sequentiallyConsistent) == 1)
    }

    @Test("A write finishes while a read is held open")
    func writesDoNotWaitForReads() throws {
        let store = try Self.store()
        let reading = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
        Thread {
            _ = try? store.pool.read { _ in
                reading.signal()
                release.wait()
            }
            finished.signal()
        }.start()
        reading.wait()
        let wrote = try store.pool.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS reads_in_turn_probe (x)")
            return true
        }
        #expect(wrote)
        release.signal()
        finished.wait()
    }
}
