import Foundation

/// Jobs run one at a time, in order, on a thread of the worker's own: what the interface process uses
/// instead of `DispatchQueue` for its background work.
///
/// Why not Dispatch: on Linux the first job libdispatch hands to one of its worker threads starts its
/// pool monitor, a timer that wakes the process every second for as long as it lives (found with gdb on
/// an idle hum). A paused or idle hum must not wake at all, so its threads sleep on a condition with no
/// timeout — with one only while a job is due later (`async(after:)`). The thread ends when the worker
/// is released and its jobs are done.
public final class SerialWorker: Sendable {
    private let state: WorkerState

    /// Starts the thread, named `name` (as `top` and `gdb` show it).
    public init(name: String) {
        state = WorkerState()
        let thread = Thread { [state] in state.run() }
        thread.name = name
        thread.start()
    }

    deinit { state.stop() }

    /// Runs `job` after the jobs queued before it.
    public func async(_ job: @escaping @Sendable () -> Void) {
        state.add(job, due: nil)
    }

    /// Runs `job` once `seconds` have passed (and the jobs due before it have run). Returns a handle
    /// for `cancel`.
    @discardableResult
    public func async(after seconds: Double, _ job: @escaping @Sendable () -> Void) -> Int {
        state.add(job, due: ProcessInfo.processInfo.systemUptime + seconds)
    }

    /// Drops a job queued with `async(after:)` that has not started (nothing when it has).
    public func cancel(_ handle: Int) {
        state.cancel(handle)
    }

    /// Runs `job` after the jobs queued before it and returns its result, waiting for it. Never call it
    /// from a job of the same worker: it would wait for itself.
    public func sync<T: Sendable>(_ job: @escaping @Sendable () -> T) -> T {
        let box = ResultBox<T>()
        state.add({ box.set(job()) }, due: nil)
        return box.wait()
    }
}

/// The queue and the thread's loop; shared by the worker and its thread, guarded by `condition`.
private final class WorkerState: @unchecked Sendable {
    private struct Job {
        var handle: Int
        var due: Double?
        var body: @Sendable () -> Void
    }

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var nextHandle = 1
    private var stopped = false

    @discardableResult
    func add(_ body: @escaping @Sendable () -> Void, due: Double?) -> Int {
        condition.lock()
        defer { condition.unlock() }
        let handle = nextHandle
        nextHandle += 1
        jobs.append(Job(handle: handle, due: due, body: body))
        condition.signal()
        return handle
    }

    func cancel(_ handle: Int) {
        condition.lock()
        let count = jobs.count
        jobs.removeAll { $0.handle == handle }
        // Woken now, the thread waits afresh, with no timeout if no timed job is left: left waiting for
        // the cancelled job's time, it would wake then for nothing (an idle hum woke 5 s after each
        // PulseAudio connect).
        if jobs.count != count { condition.signal() }
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    func run() {
        while let job = next() { job() }
    }

    /// The next job to run: the first one due now (jobs without a time are due at once, in order);
    /// nil once the worker is released and nothing is queued. Sleeps until then.
    private func next() -> (@Sendable () -> Void)? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            let now = ProcessInfo.processInfo.systemUptime
            if let index = jobs.firstIndex(where: { ($0.due ?? now) <= now }) {
                return jobs.remove(at: index).body
            }
            // Timed jobs are dropped once the worker is released: nobody waits for them.
            if stopped { return nil }
            if let soonest = jobs.compactMap(\.due).min() {
                _ = condition.wait(until: Date(timeIntervalSinceNow: soonest - now))
            } else {
                condition.wait()
            }
        }
    }
}

/// One result handed from the worker's thread to the thread waiting in `sync`.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: T?
    private var done = false

    func set(_ result: T) {
        condition.lock()
        value = result
        done = true
        condition.signal()
        condition.unlock()
    }

    func wait() -> T {
        condition.lock()
        defer { condition.unlock() }
        while !done { condition.wait() }
        return value!
    }
}
