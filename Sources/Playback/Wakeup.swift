import Dispatch

/// A counting wake-up signal between threads. `signal` never blocks and does not allocate, so the output
/// thread may call it; waiting costs nothing while there is nothing to do (zero CPU when paused).
final class Wakeup: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)

    func signal() { semaphore.signal() }

    func wait() { semaphore.wait() }

    /// Waits at most `seconds`.
    func wait(seconds: Double) {
        _ = semaphore.wait(timeout: .now() + .nanoseconds(Int(seconds * 1_000_000_000)))
    }
}
