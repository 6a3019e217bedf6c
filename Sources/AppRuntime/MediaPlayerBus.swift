import AppCore
import Foundation
import SessionBus
import Synchronization

/// hum as an MPRIS player on the session bus (`MPRIS` decides what is said): the desktop's media keys,
/// `playerctl`, and the players' widgets of GNOME, KDE and status bars see and control it.
///
/// Properties are answered on the bus thread from the last snapshot the UI thread gave, so a client
/// asking never waits for the interface. A call that changes something becomes a `RemoteRequest` with
/// the command, carried out by the UI thread as a typed command would be; the bus thread waits for its
/// answer (the snapshot is updated before it comes), so a `Get` right after a `PlayPause` sees the change.
final class MediaPlayerBus: Sendable {
    private let bus: SessionBus
    /// The snapshot shown, and when its position was current; shared with the bus thread's handler.
    private final class Shown: Sendable {
        let value: Mutex<(snapshot: MPRIS.Snapshot, positionAt: ContinuousClock.Instant)>
        init(_ snapshot: MPRIS.Snapshot) { value = Mutex((snapshot, ContinuousClock.now)) }
    }
    private let shown: Shown
    static let answerTimeout = 2.0

    /// The well-known name taken (`org.mpris.MediaPlayer2.hum`, or the per-instance form).
    var name: String { bus.name }

    init(address: String, initial: MPRIS.Snapshot, post: @escaping @Sendable (RemoteRequest) -> Void) throws(BusError) {
        let shown = Shown(initial)
        self.shown = shown
        bus = try SessionBus(address: address, names: MPRIS.busNames(processID: getpid())) { call in
            let (snapshot, positionAt) = shown.value.withLock { ($0.snapshot, $0.positionAt) }
            let elapsed = Self.seconds(ContinuousClock.now - positionAt)
            switch MPRIS.answer(call, snapshot: snapshot, secondsSincePosition: elapsed) {
            case .reply(let reply): return reply
            case .request(let request): return Self.carryOut(request, snapshot: snapshot, post: post)
            }
        }
    }

    private static func carryOut(_ request: MPRIS.Request, snapshot: MPRIS.Snapshot,
                                 post: @Sendable (RemoteRequest) -> Void) -> BusReply {
        switch MPRIS.command(for: request, snapshot: snapshot) {
        case .failure(let refusal):
            return .error(name: "org.freedesktop.DBus.Error.NotSupported", message: refusal.description)
        case .success(nil):
            return .done
        case .success(let command?):
            let pending = RemoteRequest(command: command)
            post(pending)
            guard let answer = pending.wait(timeout: answerTimeout) else {
                return .error(name: "org.freedesktop.DBus.Error.Timeout", message: "hum did not answer within \(Int(answerTimeout)) s")
            }
            if let last = answer.last, last.hasPrefix("error: ") {
                return .error(name: "org.freedesktop.DBus.Error.Failed", message: String(last.dropFirst("error: ".count)))
            }
            return .done
        }
    }

    /// Called by the UI thread after each turn: keeps `snapshot` for the bus thread's answers and tells
    /// listeners what changed (`PropertiesChanged`, and `Seeked` when the position jumped).
    func update(_ snapshot: MPRIS.Snapshot) {
        let now = ContinuousClock.now
        let previous = shown.value.withLock { shown -> (snapshot: MPRIS.Snapshot, positionAt: ContinuousClock.Instant)? in
            guard shown.snapshot != snapshot else { return nil }
            defer {
                let moved = shown.snapshot.position != snapshot.position || shown.snapshot.status != snapshot.status
                shown = (snapshot, moved ? now : shown.positionAt)
            }
            return shown
        }
        guard let previous else { return }
        let changed = MPRIS.changedProperties(from: previous.snapshot, to: snapshot)
        if !changed.isEmpty {
            bus.emit(path: MPRIS.objectPath, interface: MPRIS.propertiesInterface, member: "PropertiesChanged",
                     arguments: [.string(MPRIS.playerInterface), .properties(changed), .strings([])])
        }
        if let position = MPRIS.seeked(from: previous.snapshot, to: snapshot,
                                        secondsBetween: Self.seconds(now - previous.positionAt)) {
            bus.emit(path: MPRIS.objectPath, interface: MPRIS.playerInterface, member: "Seeked", arguments: [.int64(position)])
        }
    }

    /// Leaves the bus: the name goes, which tells every client hum is gone.
    func stop() { bus.stop() }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
