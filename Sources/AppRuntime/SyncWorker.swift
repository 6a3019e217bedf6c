import AppCore
import Foundation
import MusicCore
import MusicLibrary
import SyncClient
import SyncProtocol
import SyncTransport

/// Opt-in sync while the interface runs: the Privacy view's switch, and the reports that fall due made
/// and sent in the background, so the player never waits on the network. Everything happens on one
/// serial queue. Each step reads sync's stored state afresh, so `hum sync disable` typed in another
/// terminal stops this one too. With sync off it reads the state once and schedules nothing: no timer,
/// no socket.
final class SyncWorker: @unchecked Sendable {
    /// How often, while sync is on, due reports are looked for. Reports fall due at a random time of
    /// the day, so minutes of lateness reveal nothing and cost nothing.
    static let checkInterval: Double = 300
    /// How often the priors document is fetched: servers publish one a day at most.
    static let priorsInterval: Double = 6 * 3600

    private let queue = SerialWorker(name: "hum.sync")
    private let store: LibraryStore
    private let post: @Sendable (Message) -> Void
    private let send: SyncClient.Sender
    private let get: SyncClient.Getter
    private let priorsChanged: @Sendable () -> Void
    /// The next check's handle while checks are scheduled; confined to `queue`, like `priorsFetchedAt`.
    private var nextCheck: Int?
    private var priorsFetchedAt = -Double.infinity

    /// `priorsChanged` is called (on this worker's queue) when a newer priors document was kept.
    init(store: LibraryStore, post: @escaping @Sendable (Message) -> Void, priorsChanged: @escaping @Sendable () -> Void,
         send: @escaping SyncClient.Sender = HTTPConnection.postJSON, get: @escaping SyncClient.Getter = HTTPConnection.get) {
        self.store = store
        self.post = post
        self.priorsChanged = priorsChanged
        self.send = send
        self.get = get
    }

    /// Reads sync's state for the Privacy view; when it is on, sends what is due now and every few minutes.
    func start() {
        queue.async { [self] in
            do {
                let client = try SyncClient(store: store)
                if client.state.enabled { scheduleChecks() }
                postSummary(client)
            } catch {
                post(.failure("cannot read the sync state: \(error)"))
            }
        }
    }

    /// The Privacy view's switch (`:sync on|off`), after the listener said yes.
    func set(on: Bool, server: String?) {
        queue.async { [self] in
            do {
                let client = try SyncClient(store: store)
                if on, let server {
                    try client.enable(server: server)
                    post(.info("sync is on, to \(server): reports are made and sent in the background (hum privacy log lists them)"))
                    scheduleChecks()
                } else {
                    cancelChecks()
                    let dropped = try client.disable()
                    post(.info("sync is off: \(dropped) unsent report\(dropped == 1 ? "" : "s") deleted, nothing sent"))
                }
                postSummary(client)
            } catch {
                post(.failure("cannot switch sync: \(error)"))
            }
        }
    }

    /// Stops the checks without waiting: a send in flight (each exchange times out after 10 s) must not
    /// hold up quitting; a report it was sending stays in the outbox, unsent or marked sent, as it ended.
    func stop() {
        queue.async { [self] in cancelChecks() }
    }

    private func scheduleChecks() {
        guard nextCheck == nil else { return }
        scheduleCheck(after: 0)
    }

    private func scheduleCheck(after seconds: Double) {
        nextCheck = queue.async(after: seconds) { [weak self] in
            guard let self, self.nextCheck != nil else { return }
            self.check()
            if self.nextCheck != nil { self.scheduleCheck(after: Self.checkInterval) }  // not turned off meanwhile
        }
    }

    private func cancelChecks() {
        if let nextCheck { queue.cancel(nextCheck) }
        nextCheck = nil
    }

    /// Makes the reports whose period came and sends those due; failures are for the status bar, never fatal.
    private func check() {
        let client: SyncClient
        do {
            client = try SyncClient(store: store)
        } catch {
            post(.failure("sync: \(error)"))
            return
        }
        guard client.state.enabled else {
            // Turned off elsewhere (`hum sync disable`): stop, and show it.
            cancelChecks()
            postSummary(client)
            return
        }
        let now = Date().timeIntervalSince1970
        do {
            var random = SystemRandomNumberGenerator()
            _ = try client.makeDueReports(now: now, using: &random)
            let result = try client.sendDue(now: now, through: send)
            if result.sent + result.refused + result.unreachable + result.expired > 0 { postSummary(client) }
        } catch {
            post(.failure("sync: \(error)"))
        }
        guard now - priorsFetchedAt >= Self.priorsInterval else { return }
        priorsFetchedAt = now
        // An unreachable server or a refused document changes nothing; the next start or fetch tries again.
        if case .updated(let version)? = try? client.fetchPriors(now: now, through: get) {
            post(.info("shared priors version \(version) fetched: the taste model starts from them"))
            priorsChanged()
        }
    }

    private func postSummary(_ client: SyncClient) {
        let now = Date().timeIntervalSince1970
        let outbox = (try? store.outbox()) ?? []
        let ledger = client.state.ledger
        post(.syncLoaded(SyncSummary(
            enabled: client.state.enabled, server: client.state.server,
            waiting: outbox.count { $0.sentAt == nil }, sent: outbox.count { $0.sentAt != nil },
            daySpent: ledger.spent(within: PrivacyLedger.dayWindow, at: now), dayCap: ledger.dayCap,
            monthSpent: ledger.spent(within: PrivacyLedger.monthWindow, at: now), monthCap: ledger.monthCap)))
    }
}
