@testable import AppRuntime
import AppCore
import SessionBus
import Testing

/// What hum says and does over MPRIS, decided without a bus (`MPRIS` is pure); `MPRISTests` in UITests
/// drives the real binary through a real bus with playerctl.
@Suite("MPRIS: properties, changes and calls")
struct MPRISTests {
    static func row(_ id: Int64, _ title: String, duration: Double? = 180) -> TrackRow {
        TrackRow(id: id, path: "/music/Band/Album/\(id) \(title).flac", title: title, artist: "Zyx Testband",
                 album: "Long Player", genre: "Ambient", discNumber: 1, trackNumber: Int(id), duration: duration)
    }

    /// A state playing the second of three queued tracks, 12 s in.
    static func playingState() -> AppState {
        var state = AppState(rows: 30, columns: 100)
        state.queue.entries = state.queue.makeEntries([row(1, "One"), row(2, "Two ünïcode"), row(3, "Three")])
        state.queue.current = 1
        state.player.status = .playing
        state.player.position = 12
        state.player.duration = 180
        state.player.volume = 40
        return state
    }

    static func value(_ name: String, _ snapshot: MPRIS.Snapshot) -> BusValue? {
        MPRIS.playerProperties(snapshot).first { $0.0 == name }?.1
    }

    static func metadata(_ snapshot: MPRIS.Snapshot) -> [String: BusValue] {
        guard case .array(_, let entries) = MPRIS.metadata(snapshot) else { return [:] }
        var result: [String: BusValue] = [:]
        for case .dictEntry(.string(let key), .variant(let value)) in entries { result[key] = value }
        return result
    }

    @Test("the player's state as MPRIS properties, the track in xesam's terms")
    func properties() throws {
        let snapshot = MPRIS.Snapshot(Self.playingState())
        #expect(Self.value("PlaybackStatus", snapshot) == .string("Playing"))
        #expect(Self.value("Volume", snapshot) == .double(0.4))
        #expect(Self.value("LoopStatus", snapshot) == .string("None"))
        #expect(Self.value("Shuffle", snapshot) == .boolean(false))
        #expect(Self.value("CanGoNext", snapshot) == .boolean(true))
        #expect(Self.value("CanGoPrevious", snapshot) == .boolean(true))
        #expect(Self.value("CanSeek", snapshot) == .boolean(true))
        let metadata = Self.metadata(snapshot)
        let entryID = try #require(snapshot.track?.entryID)
        #expect(metadata["mpris:trackid"] == .objectPath("/org/hum/queue/entry\(entryID)"))
        #expect(metadata["mpris:length"] == .int64(180_000_000))
        #expect(metadata["xesam:title"] == .string("Two ünïcode"))
        #expect(metadata["xesam:artist"] == .strings(["Zyx Testband"]))
        #expect(metadata["xesam:album"] == .string("Long Player"))
        #expect(metadata["xesam:trackNumber"] == .int32(2))
        // A file URL, percent-encoded: a space is %20.
        #expect(metadata["xesam:url"] == .string("file:///music/Band/Album/2%20Two%20%C3%BCn%C3%AFcode.flac"))
        #expect(MPRIS.metadata(snapshot).isWellFormed)
        #expect(MPRIS.playerProperties(snapshot).allSatisfy { $0.1.isWellFormed })

        // The last entry without repeat has no next; with repeat it has.
        var state = Self.playingState()
        state.queue.current = 2
        #expect(Self.value("CanGoNext", MPRIS.Snapshot(state)) == .boolean(false))
        state.player.repeatAll = true
        #expect(Self.value("CanGoNext", MPRIS.Snapshot(state)) == .boolean(true))
        #expect(Self.value("LoopStatus", MPRIS.Snapshot(state)) == .string("Playlist"))
        state.player.repeatCurrent = true
        #expect(Self.value("LoopStatus", MPRIS.Snapshot(state)) == .string("Track"), "repeat current wins over the queue's")

        // Nothing queued: no track, nothing to play or seek.
        let empty = MPRIS.Snapshot(AppState(rows: 30, columns: 100))
        #expect(Self.metadata(empty) == ["mpris:trackid": .objectPath(MPRIS.noTrack)])
        #expect(Self.value("CanPlay", empty) == .boolean(false))
        #expect(Self.value("CanSeek", empty) == .boolean(false))
        #expect(Self.value("PlaybackStatus", empty) == .string("Stopped"))
    }

    @Test("a private session names no track on the bus: only its id and length")
    func privateSession() {
        var state = Self.playingState()
        state.privacy.privateSession = true
        let metadata = Self.metadata(MPRIS.Snapshot(state))
        #expect(Set(metadata.keys) == ["mpris:trackid", "mpris:length"])
    }

    @Test("Position moves with the clock while playing, not while paused, and stops at the track's end")
    func position() {
        var snapshot = MPRIS.Snapshot(Self.playingState())
        #expect(MPRIS.position(snapshot, secondsSince: 0) == 12_000_000)
        #expect(MPRIS.position(snapshot, secondsSince: 1.5) == 13_500_000)
        #expect(MPRIS.position(snapshot, secondsSince: 1000) == 180_000_000)
        snapshot.status = .paused
        #expect(MPRIS.position(snapshot, secondsSince: 5) == 12_000_000)
    }

    @Test("PropertiesChanged carries what changed and only that; Seeked comes with a jump, not with the music")
    func changes() {
        let before = MPRIS.Snapshot(Self.playingState())
        var state = Self.playingState()
        state.player.status = .paused
        state.player.volume = 55
        let after = MPRIS.Snapshot(state)
        let changed = MPRIS.changedProperties(from: before, to: after)
        #expect(changed.map(\.0) == ["PlaybackStatus", "Volume"])
        #expect(changed.first?.1 == .string("Paused"))
        // The clock moving changes nothing shown (Position is never in PropertiesChanged).
        var later = before
        later.position += 1
        #expect(MPRIS.changedProperties(from: before, to: later).isEmpty)
        #expect(before.sameShown(as: later))
        // The next track: new metadata.
        state = Self.playingState()
        state.queue.current = 2
        #expect(MPRIS.changedProperties(from: before, to: MPRIS.Snapshot(state)).map(\.0).contains("Metadata"))

        #expect(MPRIS.seeked(from: before, to: later, secondsBetween: 1) == nil, "one second of music is no seek")
        var jumped = before
        jumped.position = 60
        #expect(MPRIS.seeked(from: before, to: jumped, secondsBetween: 1) == 60_000_000)
        var back = before
        back.position = 2
        #expect(MPRIS.seeked(from: before, to: back, secondsBetween: 0.5) == 2_000_000)
        // Another track starting at 0 is not a seek.
        #expect(MPRIS.seeked(from: before, to: MPRIS.Snapshot(state), secondsBetween: 0.5) == nil)
    }

    static func call(_ interface: String, _ member: String, _ arguments: [BusValue] = [], path: String = MPRIS.objectPath) -> BusCall {
        BusCall(path: path, interface: interface, member: member, arguments: arguments)
    }

    @Test("Get, GetAll and Set are answered from the snapshot; unknown objects, methods and properties are errors")
    func propertyCalls() {
        let snapshot = MPRIS.Snapshot(Self.playingState())
        func answer(_ call: BusCall) -> MPRIS.Answer { MPRIS.answer(call, snapshot: snapshot, secondsSincePosition: 2) }
        let properties = MPRIS.propertiesInterface
        #expect(answer(Self.call(properties, "Get", [.string(MPRIS.playerInterface), .string("PlaybackStatus")]))
                == .reply(.values([.variant(.string("Playing"))])))
        #expect(answer(Self.call(properties, "Get", [.string(MPRIS.playerInterface), .string("Position")]))
                == .reply(.values([.variant(.int64(14_000_000))])))
        #expect(answer(Self.call(properties, "Get", [.string(MPRIS.rootInterface), .string("Identity")]))
                == .reply(.values([.variant(.string("hum"))])))
        guard case .reply(.values(let all)) = answer(Self.call(properties, "GetAll", [.string(MPRIS.playerInterface)])),
              case .array(let element, let entries) = all.first else {
            Issue.record("GetAll did not answer a dictionary")
            return
        }
        #expect(element == "{sv}")
        #expect(entries.count == MPRIS.playerProperties(snapshot).count + 1)

        #expect(answer(Self.call(properties, "Set", [.string(MPRIS.playerInterface), .string("Volume"), .variant(.double(0.25))]))
                == .request(.setVolume(0.25)))
        #expect(answer(Self.call(properties, "Set", [.string(MPRIS.playerInterface), .string("Shuffle"), .variant(.boolean(true))]))
                == .request(.setShuffle(true)))
        guard case .reply(.error(let name, _)) = answer(Self.call(properties, "Set", [.string(MPRIS.playerInterface),
                                                                                       .string("PlaybackStatus"), .variant(.string("Playing"))])) else {
            Issue.record("setting a read-only property was not refused")
            return
        }
        #expect(name == "org.freedesktop.DBus.Error.PropertyReadOnly")
        for refused in [Self.call(properties, "Get", [.string(MPRIS.playerInterface), .string("Bogus")]),
                        Self.call(properties, "Get", [.string(MPRIS.playerInterface)]),
                        Self.call(MPRIS.playerInterface, "Seek", [.string("soon")]),
                        Self.call(MPRIS.playerInterface, "Seek", [.double(.nan)])] {
            guard case .reply(.error(let name, _)) = answer(refused) else {
                Issue.record("\(refused) was not refused")
                continue
            }
            #expect(name == "org.freedesktop.DBus.Error.InvalidArgs")
        }
        // A number no Int64 holds is clamped, not a trap that would take hum down with it.
        #expect(answer(Self.call(MPRIS.playerInterface, "Seek", [.double(1e300)])) == .request(.seek(microseconds: .max)))
        #expect(answer(Self.call(MPRIS.playerInterface, "Seek", [.double(-.infinity)])) == .request(.seek(microseconds: .min)))
        guard case .reply(.error(let unknown, _)) = answer(Self.call(MPRIS.playerInterface, "Dance")),
              case .reply(.error(let nowhere, _)) = answer(Self.call(MPRIS.playerInterface, "Play", path: "/elsewhere")) else {
            Issue.record("an unknown method or object was answered")
            return
        }
        #expect(unknown == "org.freedesktop.DBus.Error.UnknownMethod")
        #expect(nowhere == "org.freedesktop.DBus.Error.UnknownObject")

        // Introspection: the object lists every interface; the nodes above lead to it.
        guard case .reply(.values(let objectAnswer)) = answer(Self.call(MPRIS.introspectableInterface, "Introspect")),
              let xml = objectAnswer.first?.text,
              case .reply(.values(let rootAnswer)) = answer(Self.call(MPRIS.introspectableInterface, "Introspect", path: "/")),
              let root = rootAnswer.first?.text else {
            Issue.record("Introspect did not answer")
            return
        }
        #expect(xml.contains("<interface name=\"org.mpris.MediaPlayer2.Player\">"))
        for (name, _) in MPRIS.playerProperties(snapshot) + MPRIS.rootProperties {
            #expect(xml.contains("<property name=\"\(name)\""), "Introspect does not list \(name)")
        }
        #expect(root.contains("<node name=\"org\"/>"))
    }

    @Test("each player method becomes the command it means in the state of the moment")
    func commands() throws {
        let playing = MPRIS.Snapshot(Self.playingState())
        var paused = playing
        paused.status = .paused
        func command(_ request: MPRIS.Request, _ snapshot: MPRIS.Snapshot) -> Command?? { try? MPRIS.command(for: request, snapshot: snapshot).get() }
        #expect(command(.playPause, playing) == .some(.togglePause))
        #expect(command(.play, playing) == .some(nil), "Play while playing does nothing")
        #expect(command(.play, paused) == .some(.togglePause))
        #expect(command(.pause, paused) == .some(nil), "Pause while paused does nothing")
        #expect(command(.pause, playing) == .some(.togglePause))
        #expect(command(.next, playing) == .some(.next))
        #expect(command(.previous, playing) == .some(.previous))
        #expect(command(.stop, playing) == .some(.stop))
        #expect(command(.quit, playing) == .some(.quit))
        #expect(command(.seek(microseconds: -5_000_000), playing) == .some(.seek(seconds: -5, relative: true)))
        let current = MPRIS.trackID(playing)
        #expect(command(.setPosition(trackID: current, microseconds: 30_000_000), playing) == .some(.seek(seconds: 30, relative: false)))
        #expect(command(.setPosition(trackID: "/org/hum/queue/entry999", microseconds: 30_000_000), playing) == .some(nil),
                "a stale track id is ignored, as the spec says")
        #expect(command(.setPosition(trackID: current, microseconds: 999_000_000), playing) == .some(nil), "past the end is ignored")
        #expect(command(.setVolume(0.25), playing) == .some(.volume(percent: 25, relative: false)))
        #expect(command(.setVolume(7), playing) == .some(.volume(percent: 100, relative: false)))
        #expect(command(.setShuffle(false), playing) == .some(nil))
        #expect(command(.setShuffle(true), playing) == .some(.toggleShuffle))
        #expect(command(.setLoop("Playlist"), playing) == .some(.setRepeat(.queue)))
        #expect(command(.setLoop("Track"), playing) == .some(.setRepeat(.track)))
        #expect(command(.setLoop("None"), playing) == .some(nil))
        var repeatingTrack = playing
        repeatingTrack.repeatMode = .track
        #expect(command(.setLoop("Track"), repeatingTrack) == .some(nil))
        #expect(command(.setLoop("None"), repeatingTrack) == .some(.setRepeat(.off)))
        #expect(throws: BusError.self) { try MPRIS.command(for: .setLoop("Album"), snapshot: playing).get() }
        #expect(command(.openURI("file:///music/a%20b.flac"), playing) == .some(.play(path: "/music/a b.flac")))
        #expect(throws: BusError.self) { try MPRIS.command(for: .openURI("https://example.com/a.mp3"), snapshot: playing).get() }
    }
}
