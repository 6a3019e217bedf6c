import Foundation
import MusicCore
import Synchronization
import Testing

@Suite("SerialWorker: jobs in order on one thread, timed jobs, cancelling")
struct SerialWorkerTests {
    /// Waits (up to 10 s, so that a loaded machine cannot fail it) until `done` holds.
    static func wait(until done: () -> Bool) {
        let deadline = Date().addingTimeInterval(10)
        while !done() && Date() < deadline { usleep(5_000) }
    }

    @Test("Jobs run in the order given, one at a time, and sync waits for those before it")
    func order() {
        let worker = SerialWorker(name: "test-order")
        let seen = Mutex<[Int]>([])
        let running = Atomic(0)
        let overlapped = Atomic(false)
        for index in 0..<200 {
            worker.async {
                if running.add(1, ordering: .sequentiallyConsistent).newValue > 1 { overlapped.store(true, ordering: .sequentiallyConsistent) }
                seen.withLock { $0.append(index) }
                running.subtract(1, ordering: .sequentiallyConsistent)
            }
        }
        #expect(worker.sync { 42 } == 42)
        #expect(seen.withLock { $0 } == Array(0..<200))
        let didOverlap = overlapped.load(ordering: .sequentiallyConsistent)
        #expect(!didOverlap)
    }

    @Test("A timed job runs after its delay, behind jobs given later without one; a cancelled one never runs")
    func timedAndCancelled() {
        let worker = SerialWorker(name: "test-timed")
        let seen = Mutex<[String]>([])
        let started = ProcessInfo.processInfo.systemUptime
        let ranAt = Mutex<Double?>(nil)
        worker.async(after: 0.2) {
            ranAt.withLock { $0 = ProcessInfo.processInfo.systemUptime }
            seen.withLock { $0.append("late") }
        }
        let cancelled = worker.async(after: 0.1) { seen.withLock { $0.append("cancelled") } }
        worker.cancel(cancelled)
        worker.async { seen.withLock { $0.append("now") } }
        worker.async(after: 0.3) { seen.withLock { $0.append("last") } }
        Self.wait { seen.withLock { $0.count } >= 3 }
        #expect(seen.withLock { $0 } == ["now", "late", "last"])
        #expect((ranAt.withLock { $0 } ?? 0) - started >= 0.2, "a timed job never runs early")
    }
}
