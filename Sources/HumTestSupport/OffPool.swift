import Dispatch
import Foundation

/// Runs blocking work (waiting on a process, an encoder, a file) on a thread of its own and awaits it.
///
/// Swift's cooperative pool has as many threads as cores (two here); a test that blocks one of them
/// while waiting starves every other test's tasks, including the engine tests' event listeners.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}

/// A task executor backed by a serial dispatch queue, outside the cooperative pool: a task that prefers
/// it keeps running however busy the pool is.
public final class DedicatedExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: the queue is the only state, and DispatchQueue is thread-safe.
    private let queue: DispatchQueue

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Sleeps without holding a thread of the cooperative pool.
public func sleep(seconds: Double) async {
    try? await Task.sleep(nanoseconds: UInt64(max(seconds, 0) * 1e9))
}
