import Foundation
import Synchronization

/// Writes listening-log entries to the library in batches, on its own thread.
///
/// `submit` only appends to a list under a lock, so no caller (least of all anything near the audio
/// path) ever waits for SQLite. The writer thread sleeps without a timeout while nothing is pending; the
/// first entry wakes it, and `flushInterval` later it writes everything pending in one transaction: a
/// killed hum loses at most that interval. When the write fails (disk full,
/// read-only file) the entries stay pending (up to `maximumPending`, oldest dropped first), the failure is
/// reported once per distinct message, and the writer tries again on the next tick; playback is untouched.
public final class ListenRecorder: Sendable {
    public static let defaultFlushInterval = 0.25
    /// About a day of heavy listening; beyond that the oldest unwritten entries go.
    public static let maximumPending = 100_000

    private struct State {
        var pending: [ListeningLogEntry] = []
        var closing = false
        var dropped = 0
        var lastError: String?
    }

    private let store: LibraryStore
    private let flushInterval: Double
    private let onError: @Sendable (String) -> Void
    private let state = Mutex(State())
    /// Signalled when entries arrive with none pending, and at close: the writer sleeps on it, without a
    /// timeout, while there is nothing to write (an idle or paused player wakes no thread).
    private let wakeup = DispatchSemaphore(value: 0)
    /// Signalled at close only: ends the writer's wait for more entries to batch.
    private let closed = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the writer thread. `onError` receives one line per new kind of failure (and one when
    /// writing works again).
    public init(store: LibraryStore, flushInterval: Double = ListenRecorder.defaultFlushInterval,
                onError: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.flushInterval = flushInterval
        self.onError = onError
        let thread = Thread { [self] in self.run() }
        thread.name = "hum-listen-log"
        thread.start()
    }

    /// Queues entries for the next write. Never blocks on the database.
    public func submit(_ entries: [ListeningLogEntry]) {
        guard !entries.isEmpty else { return }
        let wasIdle = state.withLock { state -> Bool in
            guard !state.closing else { return false }
            let wasIdle = state.pending.isEmpty
            state.pending.append(contentsOf: entries)
            let excess = state.pending.count - Self.maximumPending
            if excess > 0 {
                state.pending.removeFirst(excess)
                state.dropped += excess
            }
            return wasIdle
        }
        if wasIdle { wakeup.signal() }
    }

    /// Writes what is pending and stops the writer thread. Waits at most `timeout` seconds.
    public func close(timeout: Double = 5) {
        state.withLock { $0.closing = true }
        wakeup.signal()
        closed.signal()
        _ = finished.wait(timeout: .now() + .milliseconds(Int(timeout * 1000)))
        let dropped = state.withLock { $0.dropped }
        if dropped > 0 {
            onError("\(dropped) of the oldest listening-history entries were dropped while \(store.path) could not be written")
        }
    }

    private func run() {
        var openListens: [Int: Int64] = [:]
        while true {
            if state.withLock({ $0.pending.isEmpty && !$0.closing }) { wakeup.wait() }
            // Something came: let what follows it gather for one interval, then write it all at once.
            if !state.withLock({ $0.closing }) { _ = closed.wait(timeout: .now() + .milliseconds(Int(flushInterval * 1000))) }
            let (batch, closing) = state.withLock { state in
                let batch = state.pending
                state.pending.removeAll(keepingCapacity: true)
                return (batch, state.closing)
            }
            if !batch.isEmpty { write(batch, openListens: &openListens, final: closing) }
            if closing {
                finished.signal()
                return
            }
        }
    }

    private func write(_ batch: [ListeningLogEntry], openListens: inout [Int: Int64], final: Bool) {
        do {
            try store.recordListeningLog(batch, openListens: &openListens)
            let recovered = state.withLock { state -> Bool in
                defer { state.lastError = nil }
                return state.lastError != nil
            }
            if recovered { onError("listening history is being written again to \(store.path)") }
        } catch {
            if final {
                // Quitting: nothing will retry, so say what is lost.
                onError("\(error); \(batch.count) listening-history entries of this session could not be written and are lost")
                return
            }
            let message = "\(error); playback continues, history is kept in memory until it can be written"
            let isNew = state.withLock { state -> Bool in
                // Put the batch back in front of anything newer, within the bound.
                state.pending.insert(contentsOf: batch, at: 0)
                let excess = state.pending.count - Self.maximumPending
                if excess > 0 {
                    state.pending.removeFirst(excess)
                    state.dropped += excess
                }
                defer { state.lastError = message }
                return state.lastError != message
            }
            if isNew { onError(message) }
        }
    }
}
