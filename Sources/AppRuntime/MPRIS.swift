import AppCore
import Foundation
import SessionBus

/// MPRIS (the Media Player Remote Interfacing Specification, 2.2): what the desktop's media keys,
/// `playerctl` and the players' widgets of GNOME, KDE and the status bars talk to, on the session bus.
/// This part is pure: the player's state as MPRIS properties, the changes worth a `PropertiesChanged`,
/// and every call answered or turned into one of hum's commands. `MediaPlayerBus` joins it to the bus.
enum MPRIS {
    static let objectPath = "/org/mpris/MediaPlayer2"
    static let rootInterface = "org.mpris.MediaPlayer2"
    static let playerInterface = "org.mpris.MediaPlayer2.Player"
    static let propertiesInterface = "org.freedesktop.DBus.Properties"
    static let introspectableInterface = "org.freedesktop.DBus.Introspectable"
    /// The name hum asks for; a second hum on the same bus takes the spec's per-instance form.
    static func busNames(processID: Int32) -> [String] {
        ["org.mpris.MediaPlayer2.hum", "org.mpris.MediaPlayer2.hum.instance\(processID)"]
    }
    static let noTrack = "/org/mpris/MediaPlayer2/TrackList/NoTrack"

    /// What MPRIS shows of the player, taken on the UI thread after each turn.
    struct Snapshot: Equatable, Sendable {
        struct Track: Equatable, Sendable {
            var entryID: Int
            var path: String
            var title: String
            var artist: String
            var albumArtist: String
            var album: String
            var genre: String
            var trackNumber: Int?
            var discNumber: Int?
            var duration: Double?
        }
        var status: PlayerStatus.Status = .stopped
        var track: Track?
        /// Seconds into the track, as the interface last heard from the engine.
        var position: Double = 0
        var volume = 100
        var shuffle = false
        var repeatMode: RepeatMode = .off
        var canGoNext = false
        var canGoPrevious = false
        /// A private session: the track is not named on the bus (see `metadata`).
        var privateSession = false

        init() {}

        init(_ state: AppState) {
            status = state.player.status
            if let entry = state.queue.currentEntry {
                let row = entry.track
                track = Track(entryID: entry.id, path: row.path, title: row.title, artist: row.artist, albumArtist: row.albumArtist,
                              album: row.album, genre: row.genre, trackNumber: row.trackNumber, discNumber: row.discNumber,
                              duration: state.player.duration ?? row.duration)
            }
            position = state.player.position
            volume = state.player.volume
            shuffle = state.player.shuffle || state.player.smart
            repeatMode = state.player.repeatMode
            let count = state.queue.entries.count
            if let current = state.queue.current, count > 0 {
                canGoNext = current < count - 1 || state.player.repeatAll || shuffle
                canGoPrevious = current > 0
            }
            privateSession = state.privacy.privateSession
        }

        /// The same but for the clock: what `PropertiesChanged` is about (Position never is, by the spec).
        func sameShown(as other: Snapshot) -> Bool {
            var a = self, b = other
            a.position = 0
            b.position = 0
            return a == b
        }
    }

    // MARK: - Properties

    static func trackID(_ snapshot: Snapshot) -> String {
        snapshot.track.map { "/org/hum/queue/entry\($0.entryID)" } ?? noTrack
    }

    /// `Metadata`: the track in xesam's terms. In a private session only its id and length: whatever
    /// listens on the bus (a desktop scrobbler would send it on) learns nothing of what is played.
    static func metadata(_ snapshot: Snapshot) -> BusValue {
        var entries: [(String, BusValue)] = [("mpris:trackid", .objectPath(trackID(snapshot)))]
        guard let track = snapshot.track else { return .properties(entries) }
        if let duration = track.duration, duration > 0 { entries.append(("mpris:length", .int64(microseconds(duration)))) }
        guard !snapshot.privateSession else { return .properties(entries) }
        entries.append(("xesam:url", .string(URL(fileURLWithPath: track.path).absoluteString)))
        if !track.title.isEmpty { entries.append(("xesam:title", .string(track.title))) }
        if !track.artist.isEmpty { entries.append(("xesam:artist", .strings([track.artist]))) }
        if !track.albumArtist.isEmpty { entries.append(("xesam:albumArtist", .strings([track.albumArtist]))) }
        if !track.album.isEmpty { entries.append(("xesam:album", .string(track.album))) }
        if !track.genre.isEmpty { entries.append(("xesam:genre", .strings([track.genre]))) }
        if let number = track.trackNumber { entries.append(("xesam:trackNumber", .int32(Int32(clamping: number)))) }
        if let number = track.discNumber { entries.append(("xesam:discNumber", .int32(Int32(clamping: number)))) }
        return .properties(entries)
    }

    /// `LoopStatus`: what repeats, in the spec's words.
    static func loopStatus(_ mode: RepeatMode) -> String {
        switch mode {
        case .off: "None"
        case .queue: "Playlist"
        case .track: "Track"
        }
    }

    static func playbackStatus(_ status: PlayerStatus.Status) -> String {
        switch status {
        case .playing: "Playing"
        case .paused: "Paused"
        case .stopped: "Stopped"
        }
    }

    /// The player's properties but `Position`, in the spec's order.
    static func playerProperties(_ snapshot: Snapshot) -> [(String, BusValue)] {
        let hasTrack = snapshot.track != nil
        return [
            ("PlaybackStatus", .string(playbackStatus(snapshot.status))),
            ("LoopStatus", .string(loopStatus(snapshot.repeatMode))),
            ("Rate", .double(1)),
            ("Shuffle", .boolean(snapshot.shuffle)),
            ("Metadata", metadata(snapshot)),
            ("Volume", .double(Double(snapshot.volume) / 100)),
            ("MinimumRate", .double(1)),
            ("MaximumRate", .double(1)),
            ("CanGoNext", .boolean(snapshot.canGoNext)),
            ("CanGoPrevious", .boolean(snapshot.canGoPrevious)),
            ("CanPlay", .boolean(hasTrack)),
            ("CanPause", .boolean(hasTrack)),
            ("CanSeek", .boolean(hasTrack && (snapshot.track?.duration ?? 0) > 0)),
            ("CanControl", .boolean(true)),
        ]
    }

    static let rootProperties: [(String, BusValue)] = [
        ("CanQuit", .boolean(true)),
        ("CanRaise", .boolean(false)),
        ("HasTrackList", .boolean(false)),
        ("Identity", .string("hum")),
        ("SupportedUriSchemes", .strings(["file"])),
        ("SupportedMimeTypes", .strings(["audio/mpeg", "audio/flac", "audio/x-flac", "audio/ogg", "audio/x-vorbis+ogg",
                                         "audio/wav", "audio/x-wav", "audio/x-aiff"])),
    ]

    /// `Position` in microseconds: the last position heard, moved on by the time since when playing.
    static func position(_ snapshot: Snapshot, secondsSince elapsed: Double) -> Int64 {
        var seconds = snapshot.position + (snapshot.status == .playing ? max(0, elapsed) : 0)
        if let duration = snapshot.track?.duration, duration > 0 { seconds = min(seconds, duration) }
        return microseconds(seconds)
    }

    static func microseconds(_ seconds: Double) -> Int64 {
        Int64(clamping: Int((seconds * 1_000_000).rounded()))
    }

    /// What `PropertiesChanged` says after a turn: the player's properties whose values changed.
    static func changedProperties(from old: Snapshot, to new: Snapshot) -> [(String, BusValue)] {
        let before = Dictionary(playerProperties(old), uniquingKeysWith: { a, _ in a })
        return playerProperties(new).filter { before[$0.0] != $0.1 }
    }

    /// The position to announce with `Seeked` when it jumped (a seek, or the track restarted), not when it
    /// moved with the music: the same entry, and more than `tolerance` from where the clock would have it.
    static func seeked(from old: Snapshot, to new: Snapshot, secondsBetween elapsed: Double, tolerance: Double = 1.5) -> Int64? {
        guard let before = old.track, let after = new.track, before.entryID == after.entryID, new.status != .stopped else { return nil }
        let expected = old.position + (old.status == .playing ? elapsed : 0)
        return abs(new.position - expected) > tolerance ? microseconds(new.position) : nil
    }

    // MARK: - Calls

    /// A call that needs the interface: it becomes one of hum's commands, carried out on the UI thread.
    enum Request: Equatable, Sendable {
        case playPause, play, pause, stop, next, previous
        case seek(microseconds: Int64)
        case setPosition(trackID: String, microseconds: Int64)
        case openURI(String)
        case quit
        case setVolume(Double)
        case setShuffle(Bool)
        case setLoop(String)
    }

    /// A call answered on the bus thread from the snapshot, or handed to the interface.
    enum Answer: Equatable, Sendable {
        case reply(BusReply)
        case request(Request)
    }

    static func unknownMethod(_ call: BusCall) -> Answer {
        .reply(.error(name: "org.freedesktop.DBus.Error.UnknownMethod",
                      message: "no method \(call.member) in \(call.interface.isEmpty ? "any interface" : call.interface) at \(call.path)"))
    }

    static func invalidArguments(_ message: String) -> Answer {
        .reply(.error(name: "org.freedesktop.DBus.Error.InvalidArgs", message: message))
    }

    static func answer(_ call: BusCall, snapshot: Snapshot, secondsSincePosition elapsed: Double) -> Answer {
        if call.interface == introspectableInterface || (call.interface.isEmpty && call.member == "Introspect") {
            guard call.member == "Introspect" else { return unknownMethod(call) }
            return introspection(call.path).map { .reply(.values([.string($0)])) } ?? unknownMethod(call)
        }
        guard call.path == objectPath else {
            return .reply(.error(name: "org.freedesktop.DBus.Error.UnknownObject", message: "no object at \(call.path)"))
        }
        let arguments = call.arguments.map(\.unwrapped)
        switch (call.interface, call.member) {
        case (propertiesInterface, "Get"):
            guard arguments.count == 2, let interface = arguments[0].text, let name = arguments[1].text else {
                return invalidArguments("Get takes an interface and a property name")
            }
            guard let value = properties(of: interface, snapshot: snapshot, elapsed: elapsed)?.first(where: { $0.0 == name })?.1 else {
                return invalidArguments("no property \(name) in \(interface)")
            }
            return .reply(.values([.variant(value)]))
        case (propertiesInterface, "GetAll"):
            guard arguments.count == 1, let interface = arguments[0].text else { return invalidArguments("GetAll takes an interface") }
            return .reply(.values([.properties(properties(of: interface, snapshot: snapshot, elapsed: elapsed) ?? [])]))
        case (propertiesInterface, "Set"):
            guard arguments.count == 3, let interface = arguments[0].text, let name = arguments[1].text else {
                return invalidArguments("Set takes an interface, a property name and a value")
            }
            return set(interface: interface, name: name, value: arguments[2])
        case (rootInterface, "Raise"), ("", "Raise"): return .reply(.done) // a terminal cannot be raised; CanRaise says so
        case (rootInterface, "Quit"), ("", "Quit"): return .request(.quit)
        case (playerInterface, let member), ("", let member):
            return playerCall(member, arguments, call: call)
        default:
            return unknownMethod(call)
        }
    }

    static func properties(of interface: String, snapshot: Snapshot, elapsed: Double) -> [(String, BusValue)]? {
        switch interface {
        case rootInterface: rootProperties
        case playerInterface:
            playerProperties(snapshot) + [("Position", .int64(position(snapshot, secondsSince: elapsed)))]
        default: nil
        }
    }

    static func set(interface: String, name: String, value: BusValue) -> Answer {
        switch (interface, name) {
        case (playerInterface, "Volume"):
            guard let volume = value.number, volume.isFinite else { return invalidArguments("Volume is a number") }
            return .request(.setVolume(volume))
        case (playerInterface, "Shuffle"):
            guard case .boolean(let on) = value else { return invalidArguments("Shuffle is true or false") }
            return .request(.setShuffle(on))
        case (playerInterface, "LoopStatus"):
            guard let loop = value.text, ["None", "Track", "Playlist"].contains(loop) else {
                return invalidArguments("LoopStatus is None, Track or Playlist")
            }
            return .request(.setLoop(loop))
        case (playerInterface, "Rate"):
            // Only 1.0 is offered (MinimumRate = MaximumRate = 1); the spec lets other values be ignored.
            return .reply(.done)
        default:
            return .reply(.error(name: "org.freedesktop.DBus.Error.PropertyReadOnly", message: "\(interface).\(name) cannot be set"))
        }
    }

    static func playerCall(_ member: String, _ arguments: [BusValue], call: BusCall) -> Answer {
        switch member {
        case "PlayPause": return .request(.playPause)
        case "Play": return .request(.play)
        case "Pause": return .request(.pause)
        case "Stop": return .request(.stop)
        case "Next": return .request(.next)
        case "Previous": return .request(.previous)
        case "Seek":
            guard arguments.count == 1, let offset = arguments[0].number.flatMap(wholeMicroseconds) else {
                return invalidArguments("Seek takes microseconds (x)")
            }
            return .request(.seek(microseconds: offset))
        case "SetPosition":
            guard arguments.count == 2, let track = arguments[0].text, let position = arguments[1].number.flatMap(wholeMicroseconds) else {
                return invalidArguments("SetPosition takes a track id (o) and microseconds (x)")
            }
            return .request(.setPosition(trackID: track, microseconds: position))
        case "OpenUri":
            guard arguments.count == 1, let uri = arguments[0].text else { return invalidArguments("OpenUri takes a URI (s)") }
            return .request(.openURI(uri))
        default: return unknownMethod(call)
        }
    }

    /// A client's microseconds as a whole number, clamped: a double argument (NaN, 1e300) would trap in a
    /// plain conversion, and a bus message must never bring hum down. Nil for NaN.
    static func wholeMicroseconds(_ value: Double) -> Int64? {
        guard !value.isNaN else { return nil }
        if value >= 9.2e18 { return .max }
        if value <= -9.2e18 { return .min }
        return Int64(value)
    }

    /// The command a request is carried out as, decided against the state of the moment (`Play` while
    /// playing does nothing); nil when there is nothing to do, or a reason the request is refused.
    static func command(for request: Request, snapshot: Snapshot) -> Result<Command?, BusError> {
        switch request {
        case .playPause: return .success(.togglePause)
        case .play: return .success(snapshot.status == .playing ? nil : .togglePause)
        case .pause: return .success(snapshot.status == .playing ? .togglePause : nil)
        case .stop: return .success(.stop)
        case .next: return .success(.next)
        case .previous: return .success(.previous)
        case .quit: return .success(.quit)
        case .seek(let offset): return .success(.seek(seconds: Double(offset) / 1_000_000, relative: true))
        case .setPosition(let track, let position):
            // The spec: a stale track id, or a position outside the track, is ignored.
            guard track == trackID(snapshot), position >= 0,
                  Double(position) / 1_000_000 <= (snapshot.track?.duration ?? .greatestFiniteMagnitude) else { return .success(nil) }
            return .success(.seek(seconds: Double(position) / 1_000_000, relative: false))
        case .openURI(let uri):
            guard let url = URL(string: uri), url.isFileURL else { return .failure(BusError("hum opens file:// URIs only, not \(uri)")) }
            return .success(.play(path: url.path))
        case .setVolume(let volume): return .success(.volume(percent: Int((max(0, min(1, volume)) * 100).rounded()), relative: false))
        case .setShuffle(let on): return .success(on == snapshot.shuffle ? nil : .toggleShuffle)
        case .setLoop(let loop):
            guard let mode = RepeatMode.allCases.first(where: { loopStatus($0) == loop }) else {
                return .failure(BusError("LoopStatus is None, Track or Playlist, not \(loop)"))
            }
            return .success(mode == snapshot.repeatMode ? nil : .setRepeat(mode))
        }
    }

    // MARK: - Introspection

    /// The XML `Introspect` answers for `path`: the object's interfaces, or the node leading to it.
    static func introspection(_ path: String) -> String? {
        let header = "<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\" "
            + "\"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n"
        if path == objectPath { return header + introspectionXML }
        let parts = objectPath.split(separator: "/")
        let prefix = path == "/" ? [] : path.split(separator: "/")
        guard prefix.count < parts.count, Array(parts.prefix(prefix.count)) == prefix else { return nil }
        return header + "<node><node name=\"\(parts[prefix.count])\"/></node>\n"
    }

    static let introspectionXML = """
        <node>
          <interface name="org.freedesktop.DBus.Introspectable">
            <method name="Introspect"><arg name="xml" type="s" direction="out"/></method>
          </interface>
          <interface name="org.freedesktop.DBus.Properties">
            <method name="Get"><arg name="interface" type="s" direction="in"/><arg name="name" type="s" direction="in"/><arg name="value" type="v" direction="out"/></method>
            <method name="GetAll"><arg name="interface" type="s" direction="in"/><arg name="properties" type="a{sv}" direction="out"/></method>
            <method name="Set"><arg name="interface" type="s" direction="in"/><arg name="name" type="s" direction="in"/><arg name="value" type="v" direction="in"/></method>
            <signal name="PropertiesChanged"><arg name="interface" type="s"/><arg name="changed" type="a{sv}"/><arg name="invalidated" type="as"/></signal>
          </interface>
          <interface name="org.mpris.MediaPlayer2">
            <method name="Raise"/>
            <method name="Quit"/>
            <property name="CanQuit" type="b" access="read"/>
            <property name="CanRaise" type="b" access="read"/>
            <property name="HasTrackList" type="b" access="read"/>
            <property name="Identity" type="s" access="read"/>
            <property name="SupportedUriSchemes" type="as" access="read"/>
            <property name="SupportedMimeTypes" type="as" access="read"/>
          </interface>
          <interface name="org.mpris.MediaPlayer2.Player">
            <method name="Next"/>
            <method name="Previous"/>
            <method name="Pause"/>
            <method name="PlayPause"/>
            <method name="Stop"/>
            <method name="Play"/>
            <method name="Seek"><arg name="Offset" type="x" direction="in"/></method>
            <method name="SetPosition"><arg name="TrackId" type="o" direction="in"/><arg name="Position" type="x" direction="in"/></method>
            <method name="OpenUri"><arg name="Uri" type="s" direction="in"/></method>
            <signal name="Seeked"><arg name="Position" type="x"/></signal>
            <property name="PlaybackStatus" type="s" access="read"/>
            <property name="LoopStatus" type="s" access="readwrite"/>
            <property name="Rate" type="d" access="readwrite"/>
            <property name="Shuffle" type="b" access="readwrite"/>
            <property name="Metadata" type="a{sv}" access="read"/>
            <property name="Volume" type="d" access="readwrite"/>
            <property name="Position" type="x" access="read"/>
            <property name="MinimumRate" type="d" access="read"/>
            <property name="MaximumRate" type="d" access="read"/>
            <property name="CanGoNext" type="b" access="read"/>
            <property name="CanGoPrevious" type="b" access="read"/>
            <property name="CanPlay" type="b" access="read"/>
            <property name="CanPause" type="b" access="read"/>
            <property name="CanSeek" type="b" access="read"/>
            <property name="CanControl" type="b" access="read"/>
          </interface>
        </node>

        """
}
