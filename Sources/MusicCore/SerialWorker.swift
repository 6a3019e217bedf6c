import Foundation

/// Jobs run one at a time, in order, on a thread of the worker's own: what the interface process uses
/// instead of `DispatchQueue` for its background work.
///
/// Why not Dispatch: on Linux the first job libdispatch hands to one of its worker threads starts its
/// pool monitor, a timer that wakes the process every second for as long as it lives (found with gdb on
/// an idle hum). A paused or idle hum must not wake at all, so a worker's thread sleeps with no timeout —
/// with one only while a job is due later (`async(after:)`). The thread ends when the worker is released
/// and its jobs are done. (Dispatch's semaphores are used: they block the calling thread, no worker.)
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
        state.add(job, due: seconds)
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

/// The queue and the thread's loop, shared by the worker and its thread. The queue is guarded by `lock`;
/// the thread sleeps on `wake`, a semaphore signalled for every change, which waits on the monotonic
/// clock (a condition's timed wait takes a wall-clock deadline, which a clock set back would stretch).
private final class WorkerState: @unchecked Sendable {
    private struct Job {
        var handle: Int
        /// `DispatchTime.now().uptimeNanoseconds` from when it may run; nil for at once.
        var due: UInt64?
        var body: @Sendable () -> Void
    }

    private let lock = NSLock()
    private let wake = DispatchSemaphore(value: 0)
    private var jobs: [Job] = []
    private var nextHandle = 1
    private var stopped = false

    @discardableResult
    func add(_ body: @escaping @Sendable () -> Void, due: Double?) -> Int {
        let dueTime = due.map { DispatchTime.now().uptimeNanoseconds + UInt64(max(0, $0) * 1e9) }
        lock.lock()
        let handle = nextHandle
        nextHandle += 1
        jobs.append(Job(handle: handle, due: dueTime, body: body))
        lock.unlock()
        wake.signal()
        return handle
    }

    func cancel(_ handle: Int) {
        lock.lock()
        let count = jobs.count
        jobs.removeAll { $0.handle == handle }
        let removed = jobs.count != count
        lock.unlock()
        // Woken now, the thread waits afresh, with no timeout if no timed job is left: left waiting for
        // the cancelled job's time, it would wake then for nothing (an idle hum woke 5 s after each
        // PulseAudio connect).
        if removed { wake.signal() }
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        wake.signal()
    }

    func run() {
        while let job = next() { job() }
    }

    /// The next job to run: the first one due now (jobs without a time are due at once, in order);
    /// nil once the worker is released and nothing is due. Sleeps until then.
    private func next() -> (@Sendable () -> Void)? {
        while true {
            lock.lock()
            let now = DispatchTime.now().uptimeNanoseconds
            if let index = jobs.firstIndex(where: { ($0.due ?? now) <= now }) {
                let job = jobs.remove(at: index)
                lock.unlock()
                return job.body
            }
            // Timed jobs are dropped once the worker is released: nobody waits for them.
            let soonest = stopped ? nil : jobs.compactMap(\.due).min()
            let finished = stopped
            lock.unlock()
            if finished { return nil }
            if let soonest {
                _ = wake.wait(timeout: DispatchTime(uptimeNanoseconds: soonest))
            } else {
                wake.wait()
            }
        }
    }
}

/// One result handed from the worker's thread to the thread waiting in `sync`.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0)
    private var value: T?  // written before `ready` is signalled, read after it is waited for

    func set(_ result: T) {
        value = result
        ready.signal()
    }

    func wait() -> T {
        ready.wait()
        return value!
    }
}
